"""Fixtures of the TUI tests.

Screen snapshots (`snapshot` fixture): the text a person reads, compared with a committed
reference, plus an SVG picture of the same screen saved beside it for humans.

Text rather than SVG bytes, so a Textual release that changes colours or SVG markup does not
break the suite, while a label, a layout or a cut-off line does. Set ACVD_UPDATE_SNAPSHOTS=1
to rewrite the references after an intended change, then review the diff.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.console import Console
from textual.app import App

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"


def screen_text(app: App[object]) -> str:
    """The screen as plain text, one line per terminal row, trailing spaces removed."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False,
                      safe_box=False)  # fmt: skip
    console.print(
        app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    )
    return "\n".join(line.rstrip() for line in console.export_text().splitlines()) + "\n"


def assert_snapshot(app: App[object], name: str) -> None:
    """Compare the screen with `snapshots/<name>.txt` (and save `<name>.svg`)."""
    text = screen_text(app)
    reference = SNAPSHOTS / f"{name}.txt"
    if os.environ.get("ACVD_UPDATE_SNAPSHOTS") or not reference.exists():
        SNAPSHOTS.mkdir(exist_ok=True)
        reference.write_text(text, encoding="utf-8")
        (SNAPSHOTS / f"{name}.svg").write_text(app.export_screenshot(title=name), encoding="utf-8")
        if not os.environ.get("ACVD_UPDATE_SNAPSHOTS"):
            raise AssertionError(f"new snapshot {reference.name} written: review and commit it")
    assert text == reference.read_text(encoding="utf-8"), f"screen differs from {reference}"


@pytest.fixture
def snapshot() -> Callable[[App[object], str], None]:
    """`snapshot(app, name)` checks the screen against `snapshots/<name>.txt`."""
    return assert_snapshot
