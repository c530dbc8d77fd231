"""Settings: defaults < TOML file < environment variables < command-line flags.

One typed, frozen object read once per process by the CLI and passed down; the libraries
never read configuration themselves.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from gettext import gettext as _
from pathlib import Path
from typing import Any

from workstation import locations

# Environment variable for each setting.
ENV_VARS = {
    "db_url": "ACVD_DB",
    "pbx_url": "ACVD_PBX",
    "lang": "ACVD_LANG",
    "data_dir": "ACVD_DATA_DIR",
    "wrapup_mode": "ACVD_WRAPUP_MODE",
    "wrapup_seconds": "ACVD_WRAPUP_SECONDS",
}

LANGUAGES = ("fr", "en")
#: After-call work: a code is optional, mandatory before Ready, or mandatory with a countdown
#: after which a default code is recorded.
WRAPUP_MODES = ("optional", "mandatory", "timed")


class ConfigError(Exception):
    """A settings file or value that cannot be used; the message is for the user."""


@dataclass(frozen=True)
class Settings:
    """Everything the workstation can be told from outside."""

    data_dir: Path
    db_url: str
    #: None runs the built-in PBX in-process; otherwise ami://user:secret@host:port.
    pbx_url: str | None = None
    lang: str = "fr"
    wrapup_mode: str = "mandatory"
    wrapup_seconds: int = 30

    @property
    def kb_index_dir(self) -> Path:
        return self.data_dir / "kb-index"

    @property
    def letters_dir(self) -> Path:
        return self.data_dir / "courriers"


def _read_toml(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(
            _("Fichier de configuration illisible ({path}) : {error}").format(
                path=path, error=error
            )
        ) from error
    unknown = set(data) - {f.name for f in fields(Settings)}
    if unknown:
        raise ConfigError(
            _("Clé inconnue dans {path} : {keys}. Clés possibles : {known}.").format(
                path=path,
                keys=", ".join(sorted(unknown)),
                known=", ".join(f.name for f in fields(Settings)),
            )
        )
    return data


def _positive_int(value: Any, name: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number <= 0:
        raise ConfigError(
            _("« {name} » doit être un nombre entier de secondes positif (reçu : {value}).").format(
                name=name, value=value
            )
        )
    return number


def load_settings(
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    config_path: Path | None = None,
) -> Settings:
    """Build the settings from the file, the environment and `overrides` (flags), in that order.

    Overrides whose value is None are ignored, so click options can be passed as they are.
    """
    environ = os.environ if environ is None else environ
    path = config_path or locations.config_file()
    values: dict[str, Any] = _read_toml(path)
    for name, var in ENV_VARS.items():
        if environ.get(var):
            values[name] = environ[var]
    for name, value in (overrides or {}).items():
        if value is not None:
            values[name] = value

    data_dir = Path(values.get("data_dir") or locations.data_dir()).expanduser()
    settings = Settings(
        data_dir=data_dir,
        db_url=str(values.get("db_url") or locations.default_database_url(data_dir)),
        pbx_url=values.get("pbx_url") or None,
        lang=str(values.get("lang") or "fr"),
        wrapup_mode=str(values.get("wrapup_mode") or "mandatory"),
        wrapup_seconds=_positive_int(values.get("wrapup_seconds", 30), "wrapup_seconds"),
    )
    if settings.wrapup_mode not in WRAPUP_MODES:
        raise ConfigError(
            _("Mode de post-appel inconnu « {mode} » : choisissez {modes}.").format(
                mode=settings.wrapup_mode, modes=", ".join(WRAPUP_MODES)
            )
        )
    if settings.lang not in LANGUAGES:
        raise ConfigError(
            _("Langue inconnue « {lang} » : choisissez fr ou en.").format(lang=settings.lang)
        )
    return settings


def with_overrides(settings: Settings, **changes: Any) -> Settings:
    """A copy of `settings` with the non-None `changes` applied (sub-command flags)."""
    return replace(settings, **{k: v for k, v in changes.items() if v is not None})
