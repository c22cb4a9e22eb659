"""Widgets shared by every section."""

from tui.widgets.dialogs import ConfirmModal, ConflictModal, ErrorModal
from tui.widgets.model_form import ModelForm
from tui.widgets.record_table import RecordTable

__all__ = ["ConfirmModal", "ConflictModal", "ErrorModal", "ModelForm", "RecordTable"]
