"""Settings: file < environment < flags, and clear French errors for bad values."""

from __future__ import annotations

from pathlib import Path

import pytest

from workstation.config import ConfigError, load_settings


def test_precedence_file_then_environment_then_flags(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('db_url = "sqlite:///from-file.db"\nlang = "en"\nwrapup_mode = "timed"\n')
    from_file = load_settings(environ={}, config_path=config)
    assert (from_file.db_url, from_file.lang, from_file.wrapup_mode) == (
        "sqlite:///from-file.db", "en", "timed",
    )  # fmt: skip
    from_env = load_settings(environ={"ACVD_DB": "sqlite:///env.db"}, config_path=config)
    assert from_env.db_url == "sqlite:///env.db" and from_env.lang == "en"
    from_flag = load_settings(
        {"db_url": "sqlite:///flag.db", "lang": None},
        environ={"ACVD_DB": "sqlite:///env.db"},
        config_path=config,
    )
    assert from_flag.db_url == "sqlite:///flag.db" and from_flag.lang == "en"


def test_default_database_is_sqlite_in_the_data_dir(tmp_path: Path) -> None:
    settings = load_settings(
        environ={"ACVD_DATA_DIR": str(tmp_path / "d")}, config_path=tmp_path / "none.toml"
    )
    assert settings.db_url == f"sqlite:///{tmp_path / 'd' / 'acvd.sqlite3'}"
    assert settings.pbx_url is None and settings.wrapup_mode == "mandatory"
    assert settings.kb_index_dir == tmp_path / "d" / "kb-index"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("db_url = ", "Fichier de configuration illisible"),
        ('colour = "bleu"\n', "Clé inconnue"),
        ('lang = "de"\n', "Langue inconnue « de »"),
        ('wrapup_mode = "never"\n', "Mode de post-appel inconnu"),
        ("wrapup_seconds = -3\n", "nombre entier de secondes positif"),
    ],
)
def test_bad_settings_say_what_is_wrong_in_french(
    tmp_path: Path, content: str, message: str
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(content)
    with pytest.raises(ConfigError, match=message):
        load_settings(environ={}, config_path=config)
