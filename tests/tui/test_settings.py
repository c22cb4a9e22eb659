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
        ("rooms = 'Meeting room 1'\n", "rooms is a list of room names"),
        ('rooms = ["Room\\u001b[2J"]\n', "rooms: 'Room\\x1b[2J' contains the control character ESC"),
    ],
)
def test_a_bad_setting_is_named_with_its_file(text, named):
    path = write_settings(text)
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert named in str(error.value) and str(path) in str(error.value)


def test_the_rooms_come_from_the_file_or_as_json_from_the_environment(monkeypatch):
    write_settings('rooms = ["Meeting room 1", "  Meeting   room 2 ", "Meeting room 1"]\n')
    assert load_settings().rooms == ["Meeting room 1", "Meeting room 2"]
    monkeypatch.setenv("BACKOFFICE_ROOMS", '["Board room"]')
    assert load_settings().rooms == ["Board room"]
    monkeypatch.setenv("BACKOFFICE_ROOMS", "Board room")
    with pytest.raises(SettingsError, match="BACKOFFICE_ROOMS: not JSON a list"):
        load_settings()
