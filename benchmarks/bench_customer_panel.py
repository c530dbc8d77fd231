"""Customer panel latency: `show_customer(id)` -> the card rendered (`CardShown.load_ms`), then
its activity sections read by a second worker (`ActivityShown.load_ms`), a search by name ->
its results listed, and a qualification submitted -> saved, headless.

Timed inside the app's event loop on the real clock, from the call to the message the widget
posts once its widgets hold the new content: the thread worker, the CRM queries and building
the widgets. Painting the terminal is not included. The bare `CustomerDesk.card` call is timed
too, to show what the widget adds. The database is a fresh SQLite file seeded with
`--customers` customers, or `--db URL` of an already seeded database (e.g. 1,000,000 customers
made with `acvd seed`).

    .venv/bin/python benchmarks/bench_customer_panel.py [--customers 20000] [--rounds 200]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select
from textual.app import App, ComposeResult
from textual.message import Message
from textual.widgets import Button, Input, Select, TextArea

from crm.db import make_engine, make_session_factory
from crm.models import Customer
from crm.schema import upgrade
from crm.seeding import seed_demo_company
from seed_data import SEED_DIR
from workstation.clock import SystemClock
from workstation.customer_desk import CustomerDesk
from workstation.tui.widgets.customer_panel import CustomerPanel
from workstation.tui.widgets.qualification_form import QualificationForm


class Bench(App[None]):
    def __init__(self, desk: CustomerDesk) -> None:
        super().__init__()
        self.desk = desk
        self.arrived = asyncio.Event()
        self.last: Message | None = None
        self.activity_shown = asyncio.Event()
        self.activity_ms: list[float] = []

    def compose(self) -> ComposeResult:
        yield CustomerPanel(self.desk)
        yield QualificationForm(self.desk)

    def _arrive(self, message: Message) -> None:
        self.last = message
        self.arrived.set()

    def on_customer_panel_card_shown(self, message: CustomerPanel.CardShown) -> None:
        self._arrive(message)

    def on_customer_panel_activity_shown(self, message: CustomerPanel.ActivityShown) -> None:
        self.activity_ms.append(message.load_ms)
        self.activity_shown.set()

    def on_customer_panel_search_done(self, message: CustomerPanel.SearchDone) -> None:
        self._arrive(message)

    def on_qualification_form_submitted(self, message: QualificationForm.Submitted) -> None:
        self._arrive(message)


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (
        f"n={len(ordered):4d}  p50={statistics.median(ordered):6.1f} ms  "
        f"p95={p95:6.1f} ms  max={ordered[-1]:6.1f} ms"
    )


async def run(url: str, rounds: int) -> None:
    engine = make_engine(url)
    factory = make_session_factory(engine)
    with factory() as session:
        ids = list(session.scalars(select(Customer.id)).all())
        names = list(session.scalars(select(Customer.last_name).limit(500)).all())
        total = session.scalar(select(func.count()).select_from(Customer))
    print(f"{total} clients dans la base ({url.split('://')[0]})")
    desk = CustomerDesk(factory, SystemClock())
    picks = random.Random(1).choices(ids, k=rounds)

    bare = []
    for customer_id in picks:
        start = time.perf_counter()
        desk.card(customer_id)
        bare.append((time.perf_counter() - start) * 1000)
    print(f"CustomerDesk.card (appel direct)        {percentiles(bare)}")

    app = Bench(desk)
    async with app.run_test(size=(120, 40)):
        panel = app.query_one(CustomerPanel)
        form = app.query_one(QualificationForm)

        async def wait() -> Message:
            await app.arrived.wait()
            app.arrived.clear()
            assert app.last is not None
            return app.last

        cards = []
        for customer_id in picks:
            panel.show_customer(customer_id)
            shown = await wait()
            assert isinstance(shown, CustomerPanel.CardShown)
            cards.append(shown.load_ms)
            # The next call rings once this card is complete: no overlap between rounds.
            await app.activity_shown.wait()
            app.activity_shown.clear()
        print(f"show_customer -> fiche affichée         {percentiles(cards)}")
        print(f"show_customer -> activités affichées    {percentiles(app.activity_ms)}")

        searches = []
        panel.show_unknown("0699999999")
        for name in random.Random(2).choices(names, k=min(rounds, 100)):
            panel.query_one("#cp-search-nom", Input).value = name[:4]
            start = time.perf_counter()
            panel.query_one("#cp-search-go", Button).press()
            await wait()
            searches.append((time.perf_counter() - start) * 1000)
        print(f"recherche par nom -> résultats listés   {percentiles(searches)}")

        saves = []
        for index, customer_id in enumerate(picks[: min(rounds, 100)]):
            form.start(f"bench.{index}", customer_id)
            form.query_one("#qf-nature", Select).value = "information"
            form.query_one("#qf-motif", Input).value = "Information sur les offres"
            form.query_one("#qf-reformulation", TextArea).text = "Compare les offres box."
            form.query_one("#qf-decision", Select).value = "traiter"
            form.query_one("#qf-code", Select).value = "INFORMATION"
            start = time.perf_counter()
            form.submit()
            await wait()
            saves.append((time.perf_counter() - start) * 1000)
        print(f"qualification -> enregistrée            {percentiles(saves)}")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--db", help="an already seeded database (URL)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.db
        if url is None:
            url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
            engine = make_engine(url)
            upgrade(engine)
            start = time.perf_counter()
            seed_demo_company(
                engine, SEED_DIR, customers=args.customers, seed=3, hash_password=lambda p: p
            )
            print(f"base créée en {time.perf_counter() - start:.1f} s")
            engine.dispose()
        asyncio.run(run(url, args.rounds))


if __name__ == "__main__":
    main()
