"""Settings: the file, then the environment, then the command line; bad ones named."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.settings import SettingsError, load_settings, settings_file


def write_settings(text: str) -> Path:
    path = settings_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_the_file_is_read_and_the_environment_wins(monkeypatch):
    write_settings('theme = "nord"\narchive_after_days = 90\n[keymap]\n"section.stock" = "f3"\n')
    monkeypatch.setenv("BACKOFFICE_ARCHIVE_AFTER_DAYS", "30")
    settings = load_settings(data="/srv/office")
    assert settings.theme == "nord"
    assert settings.keymap == {"section.stock": "f3"}
    assert settings.archive_after_days == 30
    assert settings.data == Path("/srv/office")


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("archive_after_days = 0\n", "archive_after_days"),
        ("archive_after_days = 99999999999\n", "from 1 to 36,500"),
        ("colour = 'red'\n", "unknown setting colour"),
        ("theme = [\n", "not valid TOML"),
        ("keymap = 'f3'\n", "keymap"),
    ],
)
def test_a_bad_setting_is_named_with_its_file(text, named):
    path = write_settings(text)
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert named in str(error.value) and str(path) in str(error.value)
