"""Knowledge-base panel latency: a query handed to the panel -> its results in the list, and
a result chosen -> the article shown in the reader, on the seed articles, headless.

Timed inside the app's event loop, from the call to the message the panel posts once the
widgets hold the new content (`KbPanel.Searched`, `KbPanel.ArticleOpened`): the thread worker,
the knowledge-base call, building the result list or the rendered article. Painting the
terminal is not included. Typing adds the debounce (150 ms by default) on top of the search
figure. Wall time depends on what else the machine runs; the CPU time the process spent
(all threads) is printed beside it, as the load-independent figure.

    .venv/bin/python benchmarks/bench_kb_panel.py [--rounds 3] [--limit 20]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import yaml
from textual.app import App, ComposeResult
from textual.message import Message
from textual.widgets import OptionList

from kb.search import KnowledgeBase
from seed_data import SEED_DIR
from workstation.tui.widgets.kb_panel import KbPanel

QUERIES = Path(__file__).resolve().parents[1] / "tests" / "kb" / "judged_queries.yaml"


class Bench(App[None]):
    def __init__(self, knowledge: KnowledgeBase, limit: int) -> None:
        super().__init__()
        self.knowledge = knowledge
        self.limit = limit
        self.arrived = asyncio.Event()

    def compose(self) -> ComposeResult:
        yield KbPanel(self.knowledge, "student", debounce=0, limit=self.limit)

    def on_kb_panel_searched(self, _message: Message) -> None:
        self.arrived.set()

    def on_kb_panel_article_opened(self, _message: Message) -> None:
        self.arrived.set()


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (
        f"n={len(ordered):4d}  p50={statistics.median(ordered) * 1000:6.1f} ms  "
        f"p95={p95 * 1000:6.1f} ms  max={ordered[-1] * 1000:6.1f} ms"
    )


async def run(rounds: int, limit: int) -> None:
    queries = [item["query"] for item in yaml.safe_load(QUERIES.read_text())["queries"]]
    with tempfile.TemporaryDirectory() as index_dir:
        knowledge = KnowledgeBase.open(SEED_DIR / "kb", Path(index_dir))
        app = Bench(knowledge, limit)
        searched: list[float] = []
        opened: list[float] = []
        searched_cpu: list[float] = []
        opened_cpu: list[float] = []
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            panel = app.query_one(KbPanel)
            results = app.query_one("#kb-results", OptionList)
            for _round in range(rounds):
                for query in queries:
                    app.arrived.clear()
                    start, cpu = time.perf_counter(), time.process_time()
                    panel.search_for(query)
                    await app.arrived.wait()
                    searched.append(time.perf_counter() - start)
                    searched_cpu.append(time.process_time() - cpu)
                    if not results.option_count or panel.results is None:
                        continue
                    if not panel.results.hits:
                        continue
                    app.arrived.clear()
                    start, cpu = time.perf_counter(), time.process_time()
                    # The first article (after the suggestion line, if any), as Entrée does.
                    results.highlighted = 1 if panel.results.suggestion else 0
                    results.action_select()
                    await app.arrived.wait()
                    opened.append(time.perf_counter() - start)
                    opened_cpu.append(time.process_time() - cpu)
                    panel.action_back()
                    await pilot.pause()
    print(f"KbPanel on the seed articles ({len(queries)} judged queries x {rounds}, limit {limit})")
    print(f"  query -> results listed, wall:  {percentiles(searched)}")
    print(f"                           CPU:   {percentiles(searched_cpu)}")
    print(f"  Entrée -> article shown, wall:  {percentiles(opened)}")
    print(f"                           CPU:   {percentiles(opened_cpu)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--limit", type=int, default=20)
    arguments = parser.parse_args()
    asyncio.run(run(arguments.rounds, arguments.limit))


if __name__ == "__main__":
    main()
