"""What is said on the call, in writing (issue 8: the conversation panel).

In a practice call the customer is a program or a trainer in another terminal: their lines
appear here and the student types what they would say. The panel shows the lines and posts
`Spoken` when the student sends one; the desk sends it over the PBX and journals it.
"""

from __future__ import annotations

from dataclasses import dataclass
from gettext import gettext as _

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, RichLog, Static, Tabs


class ConversationPanel(Vertical):
    """The lines of the current call and the student's line input."""

    DEFAULT_CSS = """
    ConversationPanel {
        height: 8;
        border-top: solid $primary;
        display: none;
    }
    ConversationPanel.-active { display: block; }
    ConversationPanel > #conversation-title { height: 1; color: $text-muted; }
    ConversationPanel > RichLog { height: 1fr; scrollbar-size-vertical: 1; }
    ConversationPanel > Input, ConversationPanel > Input:focus {
        height: 1;
        border: none;
        padding: 0 1;
    }
    ConversationPanel > Input:focus { background: $boost; }
    """

    @dataclass
    class Spoken(Message):
        """The student said `text` on the call."""

        text: str

    class Left(Message):
        """Escape with nowhere to go back to: the desk gives the focus to the current tab."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        #: Where the student was before F12, to go back there with Escape.
        self._return_to: Widget | None = None

    def compose(self) -> ComposeResult:
        yield Static(
            _("Conversation — F12 pour parler, Entrée pour dire la phrase"),
            id="conversation-title",
        )
        yield RichLog(id="conversation-log", wrap=True, markup=False, auto_scroll=True)
        yield Input(placeholder=_("Ce que vous dites au client…"), id="conversation-input")

    @property
    def lines(self) -> list[str]:
        """The lines shown, as plain text (for tests and the debriefing)."""
        log = self.query_one(RichLog)
        return [strip.text for strip in log.lines]

    def start_call(self, caller: str) -> None:
        """A new call: clear the previous conversation and show the panel."""
        self._return_to = None  # a field of the previous call is not where to go back
        log = self.query_one(RichLog)
        log.clear()
        log.write(
            Text(
                _("Appel avec {caller}").format(caller=caller or _("un correspondant")), style="dim"
            )
        )
        self.add_class("-active")

    def add_line(self, speaker: str, text: str) -> None:
        """One line of the call; `speaker` is "customer" or "agent"."""
        self.add_class("-active")
        who = _("Client") if speaker == "customer" else _("Vous")
        style = "bold" if speaker == "customer" else ""
        line = Text()
        line.append(f"{who} : ", style=style)
        line.append(text)
        self.query_one(RichLog).write(line)

    def note(self, text: str) -> None:
        """Something that happened on the call (hold, end), between the lines."""
        self.query_one(RichLog).write(Text(text, style="dim italic"))

    def focus_input(self) -> None:
        """F12: type what to say."""
        self.add_class("-active")
        field = self.query_one(Input)
        if self.screen.focused is not field:
            self._return_to = self.screen.focused
        field.focus()

    def key_escape(self) -> None:
        """Escape: back to the field the student left for F12, or to the current tab."""
        back, self._return_to = self._return_to, None
        # The tab strip is not a place to work: then the current tab's first field is.
        usable = back is not None and not isinstance(back, Tabs)
        # Only a field still on screen: another tab's field would switch the tab back to it.
        if usable and back.is_attached and back.focusable and _on_screen(back):
            back.focus()
        else:
            self.post_message(self.Left())

    @on(Input.Submitted, "#conversation-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = " ".join(event.value.split())
        if not text:
            return
        event.input.value = ""
        self.post_message(self.Spoken(text))


def _on_screen(widget: Widget) -> bool:
    """Whether the widget and all its containers are displayed (its tab is the active one)."""
    return all(node.display for node in widget.ancestors_with_self if isinstance(node, Widget))
