"""A data folder is made only when asked: a mistyped path is an error, not a new office."""

from __future__ import annotations

import pytest

from data.engine.errors import NoOfficeError
from data.engine.store import Store


def test_a_missing_folder_is_not_made_unless_asked(tmp_path):
    missing = tmp_path / "ofice"
    with pytest.raises(NoOfficeError) as refused:
        Store(missing, create=False)
    assert str(refused.value).startswith(f"There is no office at {missing}: the folder does not exist.")
    assert not missing.exists()


def test_a_new_office_is_made_when_asked_and_says_so(tmp_path):
    folder = tmp_path / "office" / "2026"
    assert Store(folder).created is True
    assert folder.is_dir()
    assert Store(folder).created is False
    assert Store(folder, create=False).created is False


def test_a_file_where_the_folder_should_be_is_no_office(tmp_path):
    (tmp_path / "office").write_text("notes")
    with pytest.raises(NoOfficeError, match="it is a file, not a folder"):
        Store(tmp_path / "office")
