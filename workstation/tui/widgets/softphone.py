"""The softphone bar: agent state, call timer, caller and matched customer (C2.2)."""

from __future__ import annotations

from gettext import gettext as _

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import Static

from cti.agent import AgentState

#: Badge style per state: green when the agent can take a call, red while busy.
STATE_STYLES = {
    AgentState.LOGGED_OUT: "bold white on grey35",
    AgentState.READY: "bold black on green",
    AgentState.PAUSED: "bold black on yellow",
    AgentState.RINGING: "bold white on dark_orange3 blink",
    AgentState.TALKING: "bold white on red3",
    AgentState.ON_HOLD: "bold white on purple4",
    AgentState.CONSULTING: "bold white on blue",
    AgentState.WRAP_UP: "bold black on cyan",
}


def format_duration(seconds: float) -> str:
    """mm:ss (h:mm:ss past an hour), as a phone shows a call timer."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


class SoftphoneBar(Horizontal):
    """Shows what the desk sets; it never acts by itself."""

    DEFAULT_CSS = """
    SoftphoneBar {
        height: 3;
        border: tall $primary;
        padding: 0 1;
    }
    SoftphoneBar > Static { width: auto; margin-right: 2; }
    SoftphoneBar > #softphone-caller { width: 1fr; }
    """

    state: reactive[AgentState] = reactive(AgentState.LOGGED_OUT)
    pause_reason: reactive[str] = reactive("")
    elapsed: reactive[float | None] = reactive(None)
    caller: reactive[str] = reactive("")
    customer: reactive[str] = reactive("")
    queues: reactive[tuple[str, ...]] = reactive(())
    link_ok: reactive[bool] = reactive(True)

    def compose(self) -> ComposeResult:
        yield Static(id="softphone-state")
        yield Static(id="softphone-timer")
        yield Static(id="softphone-caller")
        yield Static(id="softphone-queues")

    def on_mount(self) -> None:
        for name in ("state", "pause_reason", "elapsed", "caller", "customer", "queues", "link_ok"):
            self.watch(self, name, lambda _value: self._render_all(), init=False)
        self._render_all()

    def _render_all(self) -> None:
        label = self.state.label
        if self.state is AgentState.PAUSED and self.pause_reason:
            label = f"{label} — {self.pause_reason}"
        if not self.link_ok:
            badge = Text(" " + _("PBX injoignable — reconnexion…") + " ", style="bold white on red")
        else:
            badge = Text(f" {label} ", style=STATE_STYLES[self.state])
        self.query_one("#softphone-state", Static).update(badge)
        timer = "" if self.elapsed is None else "⏱ " + format_duration(self.elapsed)
        self.query_one("#softphone-timer", Static).update(timer)
        who = self.caller
        if self.customer:
            who = f"{who} — {self.customer}" if who else self.customer
        self.query_one("#softphone-caller", Static).update(Text(who, style="bold"))
        queues = _("Files : {names}").format(names=", ".join(self.queues)) if self.queues else ""
        self.query_one("#softphone-queues", Static).update(queues)
