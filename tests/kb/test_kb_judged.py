"""The judged query set: the right article in the top 3 for at least 90 % of the queries."""

from __future__ import annotations

from pathlib import Path

import yaml

from kb.search import KnowledgeBase

JUDGED = Path(__file__).resolve().parent / "judged_queries.yaml"
TARGET = 0.90


def test_judged_queries_find_the_right_article(seed_kb: KnowledgeBase) -> None:
    queries = yaml.safe_load(JUDGED.read_text(encoding="utf-8"))["queries"]
    assert len(queries) >= 50
    assert sum(1 for q in queries if any(c.isascii() and c.isalpha() for c in q["query"]))
    misses = []
    for judged in queries:
        results = seed_kb.search(judged["query"], role="student", limit=3)
        top = [hit.id for hit in results.hits]
        if not set(top) & set(judged["expected"]):
            misses.append(f"{judged['query']!r}: attendu {judged['expected']}, obtenu {top}")
    found = 1 - len(misses) / len(queries)
    assert found >= TARGET, f"{found:.0%} < {TARGET:.0%}\n" + "\n".join(misses)


def test_judged_articles_exist_and_are_open_to_students(seed_kb: KnowledgeBase) -> None:
    queries = yaml.safe_load(JUDGED.read_text(encoding="utf-8"))["queries"]
    for judged in queries:
        for article_id in judged["expected"]:
            assert seed_kb.article(article_id, role="student").id == article_id
