"""Workstation TUI latency: key -> softphone bar redrawn, ring -> customer card on screen,
and cold start to the login screen.

1. Keys (answer F5, hold F6, retrieve F6, hang up F8). The real `AcvdApp` runs under
   `App.run_test` (headless, 120x40) with the built-in PBX in-process on the real clock
   (`SystemClock`), logged in as the demo student, no demo calls. Every frame the app hands
   to its driver (`App._display`) is turned into terminal bytes (`render_segments`, what the
   Linux driver would write) and time-stamped; the frames are then replayed on a character
   grid (a virtual terminal). Latency = from just before `pilot.press(key)` to the time
   stamp of the first frame after which the softphone bar's badge reads the new state. The
   replay runs after each key, so it costs the app nothing. Also shown: key -> the agent's
   `StateChanged` domain event (the AMI round trip to the PBX; the rest is the UI), and for
   F8 key -> the wrap-up dialog drawn.
2. Ring -> card. Calls from customers drawn at random (`sample_callers`). From the agent's
   `CallRinging` domain event to the `CustomerPanel.CardShown` message being posted (its
   Textual time stamp), and to the first frame on which the card title ("<name> — <customer
   number>") is drawn. On the 2,000-customer default database, and on a 1,000,000-customer
   SQLite database (`--customers`), seeded once into `--big-db` and reused (or copied from a
   complete one found in /tmp).
3. Cold start. `acvd` (the console script, a new process) started in a detached tmux pane
   (120x40) on a data dir prepared beforehand (no seeding); `tmux capture-pane` is polled
   every 10 ms until "Identifiant" is drawn. The same harness around a shell that prints the
   word at once gives its overhead, shown beside. Median of `--starts` runs.

Each measurement is made `--repeat` times (default 2: the machine is shared) and printed
with the load average. All times are `time.monotonic()`, Textual's clock on Linux.

    .venv/bin/python benchmarks/bench_tui.py [--customers 1000000] [--rounds 60]
        [--only keys,card,start] [--profile-imports]
"""

from __future__ import annotations

import argparse
import asyncio
import glob
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.cells import cell_len
from rich.console import Console
from rich.segment import ControlType
from textual.pilot import Pilot
from textual.widgets import Footer

from crm.seeding import seed_demo_company
from crm.services.callers import Caller, sample_callers
from cti.agent import AgentState, CallRinging, DomainEvent, StateChanged
from seed_data import SEED_DIR
from workstation.config import Settings, load_settings
from workstation.launcher import prepare
from workstation.runtime import Runtime, build_runtime
from workstation.telephony import Telephony
from workstation.tui.app import AcvdApp
from workstation.tui.screens.desk import DeskScreen
from workstation.tui.widgets.customer_panel import CustomerPanel
from workstation.tui.widgets.softphone import SoftphoneBar

ROOT = Path(__file__).resolve().parent.parent
WORK = Path(tempfile.gettempdir()) / "acvd-bench-tui"
SIZE = (120, 40)
TMUX_SOCKET = "acvd-bench-tui"
WRAP_UP_TITLE = "Post-appel : code de clôture"  # the dialog hang-up opens


# --- figures -------------------------------------------------------------------------------


def percentiles(samples: list[float]) -> str:
    if not samples:
        return "aucune mesure"
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (
        f"n={len(ordered):3d}  p50={statistics.median(ordered):6.1f} ms  "
        f"p95={p95:6.1f} ms  max={ordered[-1]:6.1f} ms"
    )


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"charge moyenne (1, 5, 15 min) : {one:.2f}, {five:.2f}, {fifteen:.2f}"


# --- a virtual terminal ------------------------------------------------------------------


class Terminal:
    """A character grid updated with the app's frames, as a terminal would show them."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.rows = [[" "] * width for _ in range(height)]
        self.console = Console(width=width, height=height, force_terminal=True)

    def apply(self, update: Any) -> None:
        x = y = 0
        for segment in update.__rich_console__(self.console, self.console.options):
            if segment.control:
                for code in segment.control:
                    if code[0] is ControlType.CURSOR_MOVE_TO:
                        x, y = code[1], code[2]
                continue
            for char in segment.text:
                if char == "\n":
                    x, y = 0, y + 1
                    continue
                width = cell_len(char)
                if 0 <= y < self.height and 0 <= x < self.width:
                    self.rows[y][x] = char
                    if width == 2 and x + 1 < self.width:
                        self.rows[y][x + 1] = ""
                x += width

    def line(self, y: int) -> str:
        return "".join(self.rows[y])

    def text(self) -> str:
        return "\n".join(self.line(y) for y in range(self.height))


# --- the measured application ---------------------------------------------------------------


class MeasuredApp(AcvdApp):
    """The real app; each frame is rendered to terminal bytes and time-stamped."""

    CSS_PATH = ROOT / "workstation" / "tui" / "app.tcss"  # relative paths follow the subclass

    def __init__(self, runtime: Runtime, telephony: Telephony) -> None:
        super().__init__(runtime, telephony, demo_calls=False)
        self.frames: list[tuple[float, Any]] = []
        self.cards: list[tuple[float, str]] = []

    def _display(self, screen: Any, renderable: Any) -> None:
        if renderable is not None and not self._batch_count:
            # What the Linux driver does before writing; the headless driver skips it.
            renderable.render_segments(self.console)
            self.frames.append((time.monotonic(), renderable))
        super()._display(screen, renderable)

    def on_customer_panel_card_shown(self, message: CustomerPanel.CardShown) -> None:
        # When the panel posted it (Textual stamps messages with time.monotonic on Linux),
        # not when it reached the app: it bubbles up through five message queues first.
        self.cards.append((message.time, message.number))


@dataclass
class Shift:
    """The samples of one measured shift, in milliseconds."""

    drawn: dict[str, list[float]] = field(default_factory=dict)
    event: dict[str, list[float]] = field(default_factory=dict)
    dialog: dict[str, list[float]] = field(default_factory=dict)
    card_message: list[float] = field(default_factory=list)
    card_drawn: list[float] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)
    calls: int = 0
    #: Durations of the Footer's recompositions (it rebuilds its keys on refresh_bindings).
    footer: list[float] = field(default_factory=list)


class Harness:
    """Drives the desk and turns frames into latencies."""

    def __init__(self, app: MeasuredApp, pilot: Pilot) -> None:
        self.app, self.pilot = app, pilot
        self.terminal = Terminal(*SIZE)
        self.replayed = 0
        self.events: list[tuple[float, DomainEvent]] = []
        self.shift = Shift()

    @property
    def desk(self) -> DeskScreen:
        return next(s for s in self.app.screen_stack if isinstance(s, DeskScreen))

    def on_event(self, event: DomainEvent) -> None:
        self.events.append((time.monotonic(), event))

    async def until(self, condition: Callable[[], bool], timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError("condition never met")
            await asyncio.sleep(0.002)

    def replay(self, *conditions: Callable[[], bool], since: float) -> list[float | None]:
        """Apply the frames not yet shown; for each condition, the first frame that meets it."""
        found: list[float | None] = [None] * len(conditions)
        for stamp, update in self.app.frames[self.replayed :]:
            self.terminal.apply(update)
            for index, condition in enumerate(conditions):
                if found[index] is None and stamp >= since and condition():
                    found[index] = stamp
        self.replayed = len(self.app.frames)
        return found

    def badge(self) -> str:
        region = self.desk.query_one("#softphone-state").region
        return self.terminal.line(region.y)[region.x :]

    async def key(self, name: str, key: str, target: AgentState, dialog: str = "") -> None:
        """Press `key`, wait for `target`, and record how long until the badge showed it
        (and until the text `dialog` was drawn, for a key that opens a dialog)."""
        bar = self.desk.query_one(SoftphoneBar)
        mark = len(self.events)
        start = time.monotonic()
        await self.pilot.press(key)
        await self.until(lambda: bar.state is target)
        await asyncio.sleep(0.1)  # let the last frames through
        label = f" {target.label} "
        drawn, opened = self.replay(
            lambda: self.badge().startswith(label),
            lambda: bool(dialog) and dialog in self.terminal.text(),
            since=start,
        )
        if drawn is None:
            self.shift.misses.append(f"{name} : état « {target.label} » jamais dessiné")
            return
        self.shift.drawn.setdefault(name, []).append((drawn - start) * 1000)
        if opened is not None:
            self.shift.dialog.setdefault(name, []).append((opened - start) * 1000)
        for stamp, event in self.events[mark:]:
            if isinstance(event, StateChanged) and event.state is target:
                self.shift.event.setdefault(name, []).append((stamp - start) * 1000)
                break

    async def call(self, caller: Caller, measure: bool) -> None:
        """One call: ring (screen pop), answer, hold, retrieve, hang up, wrap up, ready."""
        app, desk = self.app, self.desk
        assert app.telephony.server is not None
        mark, cards = len(self.events), len(app.cards)
        app.telephony.server.place_customer_call(caller.national, "accueil", caller.name)
        await self.until(lambda: desk.agent.state is AgentState.RINGING)
        ring = next(t for t, e in self.events[mark:] if isinstance(e, CallRinging))
        try:
            await self.until(lambda: len(app.cards) > cards, timeout=10)
        except TimeoutError:
            self.shift.misses.append(f"pas de fiche pour {caller.national} (numéro inconnu ?)")
        else:
            shown, number = app.cards[cards]
            await asyncio.sleep(0.1)
            title = f"— {number}"
            (drawn,) = self.replay(lambda: title in self.terminal.text(), since=ring)
            if measure:
                self.shift.card_message.append((shown - ring) * 1000)
                if drawn is None:
                    self.shift.misses.append(f"fiche {number} jamais dessinée")
                else:
                    self.shift.card_drawn.append((drawn - ring) * 1000)
        if not measure:
            await self.pilot.press("f5")
            await self.until(lambda: desk.agent.state is AgentState.TALKING)
            await self.pilot.press("f8")
        else:
            await self.key("décrocher (F5)", "f5", AgentState.TALKING)
            await self.key("mettre en attente (F6)", "f6", AgentState.ON_HOLD)
            await self.key("reprendre (F6)", "f6", AgentState.TALKING)
            await self.key("raccrocher (F8)", "f8", AgentState.WRAP_UP, WRAP_UP_TITLE)
        await self.until(lambda: type(app.screen).__name__ == "WrapUpDialog")
        await self.pilot.press("down", "enter")
        await self.until(lambda: app.screen is desk)
        await self.pilot.press("f2")
        await self.until(lambda: desk.agent.state is AgentState.READY)
        self.replay(since=0)


async def measure_shift(runtime: Runtime, rounds: int, warmup: int = 5) -> Shift:
    """Log in, go Ready, then take `warmup + rounds` calls from random customers."""
    callers = sample_callers(runtime.session_factory, rounds + warmup, seed=11)
    app = MeasuredApp(runtime, Telephony(runtime.clock))
    recompose = Footer.recompose
    durations: list[float] = []

    async def timed(footer: Footer) -> None:
        start = time.monotonic()
        await recompose(footer)
        durations.append((time.monotonic() - start) * 1000)

    Footer.recompose = timed  # type: ignore[method-assign]
    try:
        shift = await _shift(app, callers, warmup, durations)
    finally:
        Footer.recompose = recompose  # type: ignore[method-assign]
    return shift


async def _shift(
    app: MeasuredApp, callers: tuple[Caller, ...], warmup: int, footer: list[float]
) -> Shift:
    async with app.run_test(size=SIZE) as pilot:
        harness = Harness(app, pilot)
        await pilot.press(*"eleve", "enter", *"eleve", "enter")
        await harness.until(lambda: type(app.screen).__name__ == "SelfTestScreen")
        ready = lambda: any(not b.disabled for b in app.screen.query("#proceed"))  # noqa: E731
        await harness.until(ready, 300)
        await pilot.press("c")
        await harness.until(lambda: isinstance(app.screen, DeskScreen))
        desk = harness.desk
        desk.agent.subscribe(harness.on_event)
        await pilot.press("f3")
        await harness.until(lambda: type(app.screen).__name__ == "QueueLoginDialog")
        await pilot.press("tab", "enter")
        await harness.until(lambda: desk.agent.state is AgentState.READY)
        # The knowledge-base panels open their index in workers: let them finish.
        await harness.until(lambda: not [w for w in app.workers if w.is_running], 120)
        for index, caller in enumerate(callers):
            if index == warmup:
                footer.clear()
            await harness.call(caller, measure=index >= warmup)
        harness.shift.calls = len(callers) - warmup
        harness.shift.footer = list(footer)
    return harness.shift


def print_shift(title: str, shift: Shift) -> None:
    print(f"  {title}")
    for name, samples in shift.drawn.items():
        print(f"    {name:<26} touche -> badge dessiné    {percentiles(samples)}")
        print(f"    {'':<26} touche -> StateChanged     {percentiles(shift.event.get(name, []))}")
        if name in shift.dialog:
            print(f"    {'':<26} touche -> dialogue dessiné {percentiles(shift.dialog[name])}")
    print(f"    sonnerie -> CardShown posté                {percentiles(shift.card_message)}")
    print(f"    sonnerie -> fiche dessinée (image)         {percentiles(shift.card_drawn)}")
    if shift.calls and shift.footer:
        print(
            f"    pied de page (Footer) recomposé {len(shift.footer) / shift.calls:.1f} fois par "
            f"appel, {statistics.mean(shift.footer):.1f} ms en moyenne (durée de l'await)"
        )
    for miss in shift.misses[:5]:
        print(f"    ! {miss}")
    if len(shift.misses) > 5:
        print(f"    ! … et {len(shift.misses) - 5} autres")


# --- databases -------------------------------------------------------------------------------


def default_settings() -> Settings:
    """The embedded default in a data dir of the benchmark's own (2,000 demo customers)."""
    settings = load_settings({"data_dir": str(WORK / "data")}, environ={})
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    prepare(settings).close()  # seeds the demo company on the first run only
    return settings


def count_customers(path: Path) -> int:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30) as connection:
            return int(connection.execute("SELECT count(*) FROM customers").fetchone()[0])
    except sqlite3.Error:
        return -1


def big_database(path: Path, customers: int) -> Path:
    """A complete `customers`-customer SQLite database at `path`, made or copied once."""
    if path.exists() and count_customers(path) == customers:
        return path
    for candidate in sorted(glob.glob("/tmp/*1m*.sqlite3")):
        source = Path(candidate)
        settled = time.time() - source.stat().st_mtime > 120  # nobody is seeding it any more
        if source != path and settled and count_customers(source) == customers:
            print(f"copie de {source} ({customers} clients) vers {path}")
            with sqlite3.connect(source) as src, sqlite3.connect(path) as dst:
                src.backup(dst)
            return path
    print(f"création de {path} : {customers} clients (plusieurs minutes)…")
    path.unlink(missing_ok=True)
    settings = load_settings({"db_url": f"sqlite:///{path}", "data_dir": str(WORK)}, environ={})
    runtime = build_runtime(settings)
    start = time.monotonic()
    seed_demo_company(runtime.engine, SEED_DIR, customers=customers, seed=42)
    runtime.close()
    print(f"base créée en {time.monotonic() - start:.0f} s")
    return path


def run_shifts(title: str, settings: Settings, rounds: int, repeat: int) -> None:
    for attempt in range(1, repeat + 1):
        runtime = build_runtime(settings)
        try:
            shift = asyncio.run(measure_shift(runtime, rounds))
        finally:
            runtime.close()
        print_shift(f"{title}, mesure {attempt}/{repeat} — {load()}", shift)


# --- cold start ---------------------------------------------------------------------------------


def tmux(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["tmux", "-L", TMUX_SOCKET, "-f", "/dev/null", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def time_to_screen(command: str, word: str, timeout: float = 60.0) -> float:
    """Seconds from starting `command` in a new tmux pane to `word` being drawn in it."""
    start = time.monotonic()
    tmux("new-session", "-d", "-s", "cold", "-x", str(SIZE[0]), "-y", str(SIZE[1]), command)
    try:
        while time.monotonic() - start < timeout:
            if word in tmux("capture-pane", "-p", "-t", "cold").stdout:
                return time.monotonic() - start
            time.sleep(0.01)
        raise TimeoutError(f"« {word} » jamais affiché")
    finally:
        tmux("kill-session", "-t", "cold")
        time.sleep(1.0)  # let the killed app exit before the next run


def cold_start(settings: Settings, runs: int, repeat: int) -> None:
    acvd = ROOT / ".venv" / "bin" / "acvd"
    command = f"env ACVD_DATA_DIR={settings.data_dir} {acvd}"
    tmux("new-session", "-d", "-s", "keep", "sleep 3600")  # the tmux server, started once
    try:
        for attempt in range(1, repeat + 1):
            base = [time_to_screen("sh -c 'echo Identifiant; exec sleep 60'", "Identifiant")]
            base += [time_to_screen("sh -c 'echo Identifiant; exec sleep 60'", "Identifiant")]
            samples = [time_to_screen(command, "Identifiant") for _ in range(runs)]
            print(f"  démarrage à froid, mesure {attempt}/{repeat} — {load()}")
            median = statistics.median(samples)
            print(
                f"    acvd -> écran de connexion dessiné   médiane {median:.2f} s"
                f"  (min {min(samples):.2f}, max {max(samples):.2f}, n={runs})"
            )
            print(
                f"    dont le harnais tmux (shell)         médiane {statistics.median(base):.3f} s"
            )
    finally:
        tmux("kill-server")
    python = str(ROOT / ".venv" / "bin" / "python")
    for module in ("workstation.cli", "workstation.launcher", "workstation.tui.app"):
        times = []
        for _ in range(3):
            start = time.monotonic()
            subprocess.run([python, "-c", f"import {module}"], check=True, cwd=ROOT)
            times.append(time.monotonic() - start)
        print(f"    python -c 'import {module}'  médiane {statistics.median(times):.2f} s")


def profile_imports(top: int = 15) -> None:
    """The slowest imports below the TUI (`-X importtime`), cumulative, by package."""
    python = str(ROOT / ".venv" / "bin" / "python")
    script = "import workstation.launcher, workstation.tui.app"
    result = subprocess.run(
        [python, "-X", "importtime", "-c", script], capture_output=True, text=True, cwd=ROOT
    )
    rows = []
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _self, cumulative, name = line.removeprefix("import time:").split("|")
        if cumulative.strip().isdigit():
            depth = (len(name) - len(name.lstrip())) // 2
            rows.append((int(cumulative), depth, name.strip()))
    print(f"  imports les plus lents (cumulé, profondeur <= 2) — {load()}")
    for cumulative, depth, name in sorted(rows, reverse=True)[: top * 3]:
        if depth <= 2 and top > 0:
            print(f"    {cumulative / 1000:7.0f} ms  {'  ' * depth}{name}")
            top -= 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--big-db", type=Path, default=WORK / "bench-1m.sqlite3")
    parser.add_argument("--rounds", type=int, default=60, help="mesures par touche et fiche")
    parser.add_argument("--starts", type=int, default=5, help="démarrages à froid par mesure")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--only", default="keys,card,start")
    parser.add_argument("--profile-imports", action="store_true")
    args = parser.parse_args()
    parts = set(args.only.split(","))
    WORK.mkdir(exist_ok=True)
    print(__doc__.split("\n\n    ")[0])
    print()
    settings = default_settings()
    if "keys" in parts:
        print("Touches et fiche, base par défaut (2 000 clients, SQLite) :")
        run_shifts("2 000 clients", settings, args.rounds, args.repeat)
    if "card" in parts:
        path = big_database(args.big_db, args.customers)
        print(f"Touches et fiche, {args.customers} clients (SQLite, {path}) :")
        big = load_settings({"db_url": f"sqlite:///{path}", "data_dir": str(settings.data_dir)},
                            environ={})  # fmt: skip
        run_shifts(f"{args.customers} clients", big, args.rounds, args.repeat)
    if "start" in parts:
        if shutil.which("tmux") is None:
            sys.exit("tmux est requis pour mesurer le démarrage à froid.")
        print("Démarrage à froid (processus acvd dans tmux, jusqu'à « Identifiant ») :")
        cold_start(settings, args.starts, args.repeat)
    if args.profile_imports:
        profile_imports()


if __name__ == "__main__":
    main()
