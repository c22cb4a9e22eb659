"""User settings: environment (BACKOFFICE_*) over a TOML file in the user config folder."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

APP_NAME = "backoffice"
DEFAULT_FAX_COMMAND = "sendfax -n -d {number} {file}"


def settings_file() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False)) / "settings.toml"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BACKOFFICE_", extra="ignore")

    data: Path | None = Field(default=None, description="data folder")
    theme: str = Field(default="textual-dark", description="a Textual theme name")
    keymap: dict[str, str] = Field(
        default_factory=dict, description="binding id → keys, e.g. 'section.stock' = 'f3'"
    )
    fax_command: str = Field(
        default=DEFAULT_FAX_COMMAND,
        description="command that sends a fax; empty to mark faxes sent by hand",
    )
    archive_after_days: int = Field(default=180, ge=1, description="closed records older than this move to the archive")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls, settings_file()))


def load_settings(**overrides) -> Settings:
    return Settings(**{k: v for k, v in overrides.items() if v is not None})
