"""The translation layer: English interface (`--lang en`), French click messages by default.

gettext's domain and the LANGUAGE variable are process-wide, and module-level `_()` calls are
evaluated at import, so everything that switches the language runs in a subprocess.
"""

from __future__ import annotations

import gettext
import importlib.util
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from workstation.i18n import LOCALE_DIR, requested_language

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/acvd.po"))


def _forms(string: str | tuple[str, ...]) -> tuple[str, ...]:
    return string if isinstance(string, tuple) else (string,)


def _i18n_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("i18n_script", ROOT / "scripts" / "i18n.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=60,
    )


def _acvd(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    code = "import sys; from workstation.cli import main; main(sys.argv[1:], prog_name='acvd')"
    return _run("-c", code, *args, env=env)


def test_help_and_usage_errors_of_click_are_french_by_default() -> None:
    helped = _acvd("--help")
    assert helped.returncode == 0
    assert helped.stdout.startswith("Utilisation : acvd [OPTIONS]")
    assert "Affiche ce message et quitte." in helped.stdout
    assert "\nOptions :\n" in helped.stdout and "\nCommandes :\n" in helped.stdout
    assert "Show this message" not in helped.stdout

    unknown = _acvd("nosuchcommand")
    assert unknown.returncode == 2
    assert "Essayez « acvd --help » pour obtenir de l'aide." in unknown.stderr
    assert "Erreur : Commande inconnue : 'nosuchcommand'." in unknown.stderr

    bad_choice = _acvd("--lang", "de")
    assert bad_choice.returncode == 2
    assert "Valeur invalide pour '--lang' : 'de' n'est pas l'une des valeurs" in bad_choice.stderr


def test_lang_en_gives_english_click_help_and_english_messages(tmp_path: Path) -> None:
    helped = _acvd("--lang", "en", "journal", "--help")
    assert helped.returncode == 0
    assert helped.stdout.startswith("Usage: acvd journal [OPTIONS] COMMAND")
    assert "Show this message and exit." in helped.stdout
    assert "Utilisation" not in helped.stdout

    status = _acvd("--lang", "en", "db", "status", "--db", f"sqlite:///{tmp_path / 'e.sqlite3'}")
    assert status.returncode == 0, status.stderr
    assert "Schema: empty database — run “acvd db upgrade”." in status.stdout
    assert "Schéma" not in status.stdout


def test_the_language_of_the_environment_applies_before_click_parses() -> None:
    unknown = _acvd("nosuchcommand", env={"ACVD_LANG": "en"})
    assert "Error: No such command 'nosuchcommand'." in unknown.stderr


def test_requested_language_reads_the_flag_then_the_settings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert requested_language([]) == "fr"
    assert requested_language(["--lang", "en", "journal"]) == "en"
    assert requested_language(["--lang=en"]) == "en"
    assert requested_language(["--", "--lang", "en"]) == "fr"
    monkeypatch.setenv("ACVD_LANG", "en")
    assert requested_language(["journal", "list"]) == "en"
    assert requested_language(["--lang", "fr"]) == "fr"
    # An unusable settings file is reported later by the normal check; click speaks French.
    Path(os.environ["ACVD_CONFIG"]).write_text("lang = [", encoding="utf-8")
    assert requested_language(["--help"]) == "fr"


def test_login_screen_and_desk_keys_are_english_with_setup_language_en() -> None:
    script = textwrap.dedent(
        """
        import asyncio
        from workstation.i18n import setup_language

        setup_language("en")
        from textual.app import App
        from textual.widgets import Button, Label, Static

        from crm.errors import AuthenticationFailed
        from workstation.tui.screens.desk import DeskScreen
        from workstation.tui.screens.login import LoginScreen


        def refuse(login, password):
            raise AuthenticationFailed()


        class Host(App[None]):
            def on_mount(self) -> None:
                self.push_screen(LoginScreen(refuse, "Orbelia Télécom"))


        async def main() -> None:
            app = Host()
            async with app.run_test(size=(80, 24)) as pilot:
                await pilot.pause()
                screen = app.screen
                print(screen.query_one("#login-title", Static).render())
                print(" | ".join(str(label.render()) for label in screen.query(Label)))
                print(screen.query_one("#connect", Button).label)
                await pilot.click("#connect")
                for _ in range(200):
                    await pilot.pause()
                    error = str(screen.query_one("#login-error", Static).render())
                    if "password" in error:
                        break
                print(error)
            print(" | ".join(binding.description for binding in DeskScreen.BINDINGS))


        asyncio.run(main())
        """
    )
    shown = _run("-c", script)
    assert shown.returncode == 0, shown.stderr
    title, labels, button, error, keys = shown.stdout.splitlines()[-5:]
    assert title == "Agent workstation"
    assert labels == "Login | Password"
    assert button == "Log in"
    assert error == "Incorrect login or password."
    assert {"Help", "Ready", "Break", "Wrap-up", "Answer", "Hold", "Hang up"} <= set(
        keys.split(" | ")
    )


def test_the_english_catalogue_is_complete_and_the_mo_files_up_to_date() -> None:
    checked = _run(str(ROOT / "scripts" / "i18n.py"), "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda path: path.parent.parent.name)
def test_every_translation_keeps_the_placeholders_of_its_msgid(po: Path) -> None:
    script = _i18n_script()
    with po.open("rb") as handle:
        catalog = read_po(handle)
    checked = 0
    for message in catalog:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        allowed = set().union(*(script.placeholders(text) for text in ids))
        for text in strings:
            if len(ids) == 1:
                assert script.placeholders(text) == script.placeholders(ids[0]), message.id
            else:
                assert set(script.placeholders(text)) <= allowed, message.id
        checked += 1
    assert checked > 60


def test_placeholder_check_flags_a_renamed_or_dropped_field() -> None:
    script = _i18n_script()
    catalog = Catalog(locale="en")
    catalog.add("Client introuvable : « {number} ».", "Customer not found: “{numero}”.")
    catalog.add(
        "Le PBX n'a pas répondu en {seconds:g} s.", "The PBX did not answer in {seconds} s."
    )
    catalog.add("Base : {url}", "Database: {url}")
    errors = script._placeholder_errors(catalog, "test")
    assert len(errors) == 2
    assert "{number}" in errors[0] and "{seconds:g}" in errors[1]


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda path: path.parent.parent.name)
def test_the_committed_mo_serves_exactly_the_po(po: Path) -> None:
    """What gettext reads from the committed .mo is the .po, entry for entry."""
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=po.parent.parent.name)
    with po.with_suffix(".mo").open("rb") as handle:
        served = gettext.GNUTranslations(handle)
    expected = 0
    for message in catalog:
        if not message.id or message.fuzzy or not all(_forms(message.string)):
            continue
        if isinstance(message.id, tuple):
            singular, plural = message.id
            for form, text in enumerate(message.string):
                assert served._catalog[(singular, form)] == text
            assert served.ngettext(singular, plural, 1) == message.string[0]
            expected += len(message.string)
        else:
            assert served.gettext(message.id) == message.string
            expected += 1
    assert expected > 60
    assert len(served._catalog) - 1 == expected  # nothing stale: the header is the extra one
