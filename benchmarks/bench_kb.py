"""Knowledge-base search benchmark: tantivy (the `kb` package) beside SQLite FTS5.

Generates deterministic French-looking corpora from the words of the real articles (no
network), indexes them with `kb.index.write_index` and with an FTS5 table using the
`unicode61 remove_diacritics 2` tokenizer, then runs the same query mix on both and prints
build time, index size and query latency percentiles.

Two levels are timed for each engine:
  * engine: top-10 article ids for an AND query, restricted to the student's bases;
  * full: the same plus titles and highlighted snippets (for kb: `KnowledgeBase.search`,
    the call the workstation makes; for FTS5: `snippet()` and the title column).

Targets (issue 4): p95 <= 2 ms at 100,000 articles and >= 10x faster than FTS5 at p95.

    .venv/bin/python benchmarks/bench_kb.py            # 10,000 and 100,000 articles
    .venv/bin/python benchmarks/bench_kb.py --sizes 2000 --queries 200
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import random
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import tantivy

from kb.analysis import FRENCH, analyze, normalize, words
from kb.articles import Article, Content, load_content
from kb.index import write_index
from kb.search import KnowledgeBase, _Search, parse_user_query
from seed_data import SEED_DIR

STUDENT_BASES = ("offres", "procedures", "assistance", "faq", "scripts")


def vocabulary() -> tuple[list[str], list[int], tuple]:
    """Words of the real articles with their counts (the generator's Zipf-like weights)."""
    content = load_content(SEED_DIR / "kb")
    counts: Counter[str] = Counter()
    for article in content.articles:
        if article.language == "fr":
            counts.update(w for w in words(normalize(article.text)) if w.isalpha())
    common = counts.most_common()
    return [w for w, _ in common], [c for _, c in common], content.bases


def generate(size: int, seed: int = 42) -> Content:
    """`size` articles of 80 to 300 words, spread over the real bases."""
    vocab, weights, bases = vocabulary()
    rng = random.Random(seed)
    codes = [b.code for b in bases]
    cumulative = list(_accumulate(weights))
    articles = []
    for number in range(size):
        base = codes[number % len(codes)]
        title_words = rng.choices(vocab, cum_weights=cumulative, k=rng.randint(3, 8))
        body_words = rng.choices(vocab, cum_weights=cumulative, k=rng.randint(80, 300))
        sentences, position = [], 0
        while position < len(body_words):
            length = rng.randint(6, 18)
            sentence = " ".join(body_words[position : position + length])
            sentences.append(sentence[:1].upper() + sentence[1:] + ".")
            position += length
        paragraphs = [" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4)]
        articles.append(
            Article(
                id=f"{base[:3].upper()}-{number:06d}",
                title=" ".join(title_words).capitalize(),
                base=base,
                language="fr",
                tags=tuple(rng.sample(vocab[:300], 3)),
                updated=dt.date(2026, 10, 1),
                markdown="\n\n".join(paragraphs),
                path=f"{base}/{number:06d}.md",
            )
        )
    return Content(bases, tuple(articles), digest=f"bench-{size}-{seed}")


def _accumulate(values: list[int]):
    total = 0
    for value in values:
        total += value
        yield total


def query_mix(content: Content, count: int, seed: int = 7) -> list[str]:
    """What students type: 1 to 3 words taken from an article (so most queries match),
    a tenth with a typo (exercising the tolerant stage)."""
    rng = random.Random(seed)
    queries = []
    for _ in range(count):
        article = rng.choice(content.articles)
        pool = [w for w in words(article.title + " " + article.text) if len(w) > 3]
        chosen = rng.sample(pool, min(len(pool), rng.choice((1, 1, 2, 2, 2, 3))))
        if rng.random() < 0.1 and chosen:
            word = chosen[0]
            cut = rng.randrange(1, len(word))
            chosen[0] = word[:cut] + word[cut + 1 :]
        queries.append(" ".join(chosen))
    return queries


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def build_fts5(content: Content, path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path)
    connection.execute(
        "CREATE VIRTUAL TABLE articles USING fts5("
        "id UNINDEXED, base UNINDEXED, title, tags, body, "
        "tokenize = 'unicode61 remove_diacritics 2')"
    )
    with connection:
        connection.executemany(
            "INSERT INTO articles (id, base, title, tags, body) VALUES (?, ?, ?, ?, ?)",
            (
                (a.id, a.base, a.title, " ".join(a.tags), normalize(a.text))
                for a in content.articles
            ),
        )
        connection.execute("INSERT INTO articles(articles) VALUES ('optimize')")
    return connection


def fts5_match(query: str) -> str:
    """The same words as kb searches, ANDed, each quoted (FTS5 syntax is not exposed)."""
    return " ".join(f'"{w}"' for w in parse_user_query(query).words) or '""'


FTS5_ENGINE = (
    "SELECT id FROM articles WHERE articles MATCH ? AND base IN ({bases}) "
    "ORDER BY bm25(articles, 0, 0, 3.0, 2.0, 1.0) LIMIT 10"
)
FTS5_FULL = (
    "SELECT id, title, snippet(articles, 4, '«', '»', ' … ', 24) FROM articles "
    "WHERE articles MATCH ? AND base IN ({bases}) "
    "ORDER BY bm25(articles, 0, 0, 3.0, 2.0, 1.0) LIMIT 10"
)


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p50 = statistics.median(ordered)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return p50 * 1000, p95 * 1000


def timed(run: Callable[[str], object], queries: list[str]) -> tuple[float, ...]:
    """Wall-clock and CPU-time (this thread) p50/p95 in ms. On a busy machine the wall
    clock also counts the time other processes held the cores; CPU time does not."""
    for query in queries[:20]:  # warm caches
        run(query)
    gc.collect()
    wall, cpu = [], []
    for query in queries:
        started, started_cpu = time.perf_counter(), time.thread_time()
        run(query)
        cpu.append(time.thread_time() - started_cpu)
        wall.append(time.perf_counter() - started)
    return (*percentiles(wall), *percentiles(cpu))


def bench(size: int, query_count: int, workdir: Path) -> None:
    print(f"\n=== {size:,} articles ===".replace(",", " "))
    started = time.perf_counter()
    content = generate(size)
    print(f"corpus generated in {time.perf_counter() - started:.1f} s")
    queries = query_mix(content, query_count)

    index_dir = workdir / f"index-{size}"
    info = write_index(content, index_dir, heap_bytes=256_000_000, threads=2)
    tantivy_size = folder_size(info.path)
    started = time.perf_counter()
    database = workdir / f"fts5-{size}.sqlite3"
    connection = build_fts5(content, database)
    fts5_seconds = time.perf_counter() - started
    fts5_size = database.stat().st_size
    del content

    # The workstation's object, opened on the index just built (no content digest check).
    knowledge = KnowledgeBase(workdir / "no-content", index_dir)
    opened = knowledge._current()

    def kb_engine(query: str) -> object:
        search = _Search(knowledge, opened, "student", (), ())
        parsed = parse_user_query(query)
        clauses = [
            search.term_clause(terms, fuzzy=False)
            for word in parsed.words
            if (terms := search.word_terms(word)) is not None
        ]
        found = opened.searcher.search(search.combine(clauses, True), 10, count=False)
        return [address for _score, address in found.hits]

    def kb_full(query: str) -> object:
        return knowledge.search(query, role="student", limit=10)

    bases = ", ".join(f"'{b}'" for b in STUDENT_BASES)
    engine_sql = FTS5_ENGINE.format(bases=bases)
    full_sql = FTS5_FULL.format(bases=bases)

    def fts5_engine(query: str) -> object:
        return connection.execute(engine_sql, (fts5_match(query),)).fetchall()

    def fts5_full(query: str) -> object:
        return connection.execute(full_sql, (fts5_match(query),)).fetchall()

    modes = Counter(knowledge.search(q, role="student").mode for q in queries)
    matched = sum(1 for q in queries if fts5_engine(q))
    print(
        f"queries: {len(queries)} ({', '.join(f'{m} {n}' for m, n in sorted(modes.items()))};"
        f" FTS5 finds something for {matched})"
    )
    print(f"{'':22}{'build s':>9}{'size MB':>9}   wall p50/p95 ms    CPU p50/p95 ms")
    rows = [
        ("tantivy engine", info.seconds, tantivy_size, timed(kb_engine, queries)),
        ("FTS5 engine", fts5_seconds, fts5_size, timed(fts5_engine, queries)),
        ("tantivy full (kb)", info.seconds, tantivy_size, timed(kb_full, queries)),
        ("FTS5 full (snippet)", fts5_seconds, fts5_size, timed(fts5_full, queries)),
    ]
    for name, seconds, size_bytes, (p50, p95, cpu50, cpu95) in rows:
        print(
            f"{name:22}{seconds:9.1f}{size_bytes / 1e6:9.1f}"
            f"{p50:9.3f}{p95:9.3f}{cpu50:9.3f}{cpu95:9.3f}"
        )
    for level, kb_row, fts_row in (("engine", rows[0], rows[1]), ("full", rows[2], rows[3])):
        print(
            f"p95 speed-up vs FTS5 ({level}): wall {fts_row[3][1] / kb_row[3][1]:.1f}x, "
            f"CPU {fts_row[3][3] / kb_row[3][3]:.1f}x"
        )
    # Other processes on the machine skew latencies: say how busy it was.
    print("load average (1, 5, 15 min): " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=1000)
    arguments = parser.parse_args()
    print(f"{tantivy.__version__}, SQLite {sqlite3.sqlite_version}")
    assert analyze(FRENCH, "échéancier") == ["echeanci"]
    workdir = Path(tempfile.mkdtemp(prefix="bench-kb-"))
    try:
        for size in arguments.sizes:
            bench(size, arguments.queries, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
