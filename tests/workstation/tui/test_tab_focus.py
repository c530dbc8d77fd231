"""Ctrl+T from inside an activity panel leaves its tab (walk-through bug: Textual handed the
focus to a sibling inside the hidden pane, and the tab came back at once)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from sqlalchemy.orm import sessionmaker
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Input, TabbedContent, TabPane

from tests.crm.conftest import engine, seeded_company, seeded_session_factory  # noqa: F401
from tests.workstation.tui.test_campaign_panels import make_desk, settle
from workstation.clock import VirtualClock
from workstation.inbox_desk import InboxDesk
from workstation.tui.widgets.collection_panel import CollectionPanel
from workstation.tui.widgets.inbox_panel import InboxPanel


class Tabs(App[None]):
    """The desk's arrangement: one panel per tab, Ctrl+T to the next tab."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+t", "next_tab", "Onglet suivant")]

    def __init__(self, collection: CollectionPanel, inbox: InboxPanel) -> None:
        super().__init__()
        self.collection = collection
        self.inbox = inbox

    def compose(self) -> ComposeResult:
        with TabbedContent():
            with TabPane("Recouvrement", id="tab-collection"):
                yield self.collection
            with TabPane("Messages", id="tab-inbox"):
                yield self.inbox
            with TabPane("Autre", id="tab-other"):
                yield Input(id="other")

    def action_next_tab(self) -> None:
        tabs = self.query_one(TabbedContent)
        panes = ["tab-collection", "tab-inbox", "tab-other"]
        tabs.active = panes[(panes.index(tabs.active) + 1) % len(panes)]


async def test_ctrl_t_leaves_a_panel_whatever_has_the_focus_in_it(
    seeded_session_factory: sessionmaker,  # noqa: F811
    clock: VirtualClock,
    tmp_path: Path,
) -> None:
    factory = seeded_session_factory
    inbox = InboxPanel(InboxDesk(factory, clock, letters_dir=tmp_path))
    app = Tabs(CollectionPanel(make_desk(factory, clock)), inbox)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        tabs = app.query_one(TabbedContent)
        for tab, selector, following in (
            ("tab-collection", "#cp-list", "tab-inbox"),
            ("tab-collection", "#cp-promise-date", "tab-inbox"),
            ("tab-inbox", "#ip-list", "tab-other"),
            ("tab-inbox", "#ip-greeting", "tab-other"),
        ):
            tabs.active = tab
            await settle(pilot)
            app.query_one(selector).focus()
            await pilot.pause()
            await pilot.press("ctrl+t")
            await settle(pilot)
            assert tabs.active == following, selector
