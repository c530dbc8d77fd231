"""The knowledge-base panel driven by keyboard in a harness app, on the real seed articles."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.text import Text
from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Footer, Input, OptionList, Static
from textual.worker import WorkerFailed

from kb.errors import IndexCorrupt
from kb.search import KnowledgeBase
from seed_data import SEED_DIR
from workstation.tui.widgets.article_view import ArticleView
from workstation.tui.widgets.guide_panel import GuidePanel
from workstation.tui.widgets.kb_panel import SUGGESTION_ID, BaseList, KbPanel


@pytest.fixture(scope="session")
def knowledge(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    """The seed knowledge bases, indexed once for the whole session."""
    return KnowledgeBase.open(SEED_DIR / "kb", tmp_path_factory.mktemp("kb-index"))


class Harness(App[None]):
    """The panel alone on a screen, as the desk mounts it."""

    def __init__(self, knowledge: object, role: str) -> None:
        super().__init__()
        self.knowledge = knowledge
        self.role = role

    def compose(self) -> ComposeResult:
        yield KbPanel(self.knowledge, self.role, debounce=0, limit=10, id="kb")  # type: ignore[arg-type]
        yield Footer()


class Captured:
    """Messages posted by the panel, by type (each once, though the hook sees it bubble)."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    def __call__(self, message: Message) -> None:
        kinds = KbPanel.Searched | KbPanel.ArticleOpened | KbPanel.BasesChanged
        if isinstance(message, kinds) and all(m is not message for m in self.messages):
            self.messages.append(message)

    def of(self, kind: type) -> list:
        return [m for m in self.messages if isinstance(m, kind)]


async def settle(pilot: Pilot) -> None:
    """Let every worker finish and every message they posted be handled, including workers
    those messages start (a failed worker is the panel's business: it shows the error)."""
    for _round in range(5):
        with contextlib.suppress(WorkerFailed):
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if not any(worker.is_running for worker in pilot.app.workers):
            return


def panel(pilot: Pilot) -> KbPanel:
    return pilot.app.query_one(KbPanel)


def prompts(pilot: Pilot) -> list[str]:
    results = pilot.app.query_one("#kb-results", OptionList)
    texts = []
    for option in results.options:
        prompt = option.prompt
        texts.append(prompt.plain if isinstance(prompt, Text) else str(prompt))
    return texts


def status(pilot: Pilot) -> str:
    return str(pilot.app.query_one("#kb-status", Static).render())


def screen_text(pilot: Pilot) -> str:
    """The characters on the terminal, line by line (the compositor's output, as drawn)."""
    return "\n".join(strip.text for strip in pilot.app.screen._compositor.render_strips())


def visible(pilot: Pilot, widget: Widget) -> bool:
    region = widget.region
    screen = pilot.app.screen.region
    return region.area > 0 and screen.contains_region(region)


async def type_query(pilot: Pilot, text: str) -> None:
    """Type `text` key by key, as the student does."""
    await pilot.press(*("space" if char == " " else char for char in text))
    await settle(pilot)


async def search(pilot: Pilot, text: str) -> None:
    """Fill the field at once (for tests about results, not about typing)."""
    panel(pilot).search_for(text)
    await settle(pilot)


@pytest.fixture
def captured() -> Iterator[Captured]:
    yield Captured()


async def test_bases_follow_the_role(knowledge: KnowledgeBase, captured: Captured) -> None:
    async with Harness(knowledge, "student").run_test(message_hook=captured) as pilot:
        await settle(pilot)
        codes = [option.value for option in pilot.app.query_one(BaseList).options]
        assert codes == ["offres", "procedures", "assistance", "faq", "scripts"]
        assert panel(pilot).selected_bases == tuple(codes)
        # The empty query lists the readable articles, none of them restricted.
        assert "122 article(s)" in status(pilot)
        assert panel(pilot).results is not None
        assert all(hit.base != "facturation" for hit in panel(pilot).results.hits)
        # Nothing is journaled until the student acts.
        assert captured.messages == []

    async with Harness(knowledge, "trainer").run_test() as pilot:
        await settle(pilot)
        codes = [option.value for option in pilot.app.query_one(BaseList).options]
        assert "facturation" in codes


async def test_search_as_you_type_shows_highlighted_snippets(
    knowledge: KnowledgeBase, captured: Captured
) -> None:
    async with Harness(knowledge, "student").run_test(message_hook=captured) as pilot:
        await settle(pilot)
        await type_query(pilot, "remboursement")
        shown = prompts(pilot)
        assert shown[0].startswith("Délais de remboursement")
        assert "FAQ clients" in shown[0]
        # The matched word of the snippet is styled, and it is the word searched.
        first = pilot.app.query_one("#kb-results", OptionList).options[0].prompt
        assert isinstance(first, Text)
        styled = {first.plain[span.start : span.end].lower() for span in first.spans}
        assert "remboursement" in styled
        assert "9 article(s) trouvé(s)." in status(pilot)
        searched = captured.of(KbPanel.Searched)
        # Search as you type: one settled search per keystroke when debounce is 0.
        assert searched[-1] == KbPanel.Searched(
            "remboursement", ("offres", "procedures", "assistance", "faq", "scripts"), 9, None
        )
        assert [m.query for m in searched] == [
            "remboursement"[:n] for n in range(1, len("remboursement") + 1)
        ]


async def test_student_never_sees_billing_articles(knowledge: KnowledgeBase) -> None:
    async with Harness(knowledge, "student").run_test() as pilot:
        await settle(pilot)
        await search(pilot, "remboursement")
        student = panel(pilot).results
        assert student is not None
        assert all(hit.base != "facturation" for hit in student.hits)
        assert not any("Facturation et recouvrement" in p for p in prompts(pilot))

    async with Harness(knowledge, "trainer").run_test() as pilot:
        await settle(pilot)
        await search(pilot, "remboursement")
        assert any("Facturation et recouvrement" in p for p in prompts(pilot))


async def test_keyboard_only_open_and_go_back(knowledge: KnowledgeBase, captured: Captured) -> None:
    async with Harness(knowledge, "student").run_test(message_hook=captured) as pilot:
        await settle(pilot)
        assert isinstance(pilot.app.focused, Input)
        await type_query(pilot, "box rouge")
        await pilot.press("down")
        results = pilot.app.query_one("#kb-results", OptionList)
        assert pilot.app.focused is results
        await pilot.press("down", "enter")
        await settle(pilot)
        hit = panel(pilot).results.hits[1]
        reader = pilot.app.query_one("#kb-article-body", ArticleView)
        assert reader.markdown.startswith(f"# {hit.title}")
        assert pilot.app.focused is reader
        assert hit.title in screen_text(pilot)
        assert not results.display
        opened = captured.of(KbPanel.ArticleOpened)
        assert opened == [KbPanel.ArticleOpened(hit.id, hit.base, 2, "box rouge")]
        # The footer offers the way back; escape goes back to the results, then to the field.
        assert "kb.back" in {b.binding.id for b in pilot.app.screen.active_bindings.values()}
        await pilot.press("escape")
        assert results.display
        assert pilot.app.focused is results
        assert results.highlighted == 1
        await pilot.press("escape")
        assert isinstance(pilot.app.focused, Input)


async def test_enter_in_the_field_searches_and_moves_to_results(
    knowledge: KnowledgeBase,
) -> None:
    async with Harness(knowledge, "student").run_test() as pilot:
        await settle(pilot)
        pilot.app.query_one(KbPanel).search_for("")
        await pilot.press("w", "i", "f", "i", "enter")
        await settle(pilot)
        assert pilot.app.focused is pilot.app.query_one("#kb-results", OptionList)


async def test_typo_offers_a_selectable_suggestion(
    knowledge: KnowledgeBase, captured: Captured
) -> None:
    async with Harness(knowledge, "student").run_test(message_hook=captured) as pilot:
        await settle(pilot)
        await type_query(pilot, "wiif")
        shown = prompts(pilot)
        assert shown[0].startswith("Vous vouliez dire : wifi")
        assert captured.of(KbPanel.Searched)[-1].suggestion == "wifi"
        await pilot.press("down")
        results = pilot.app.query_one("#kb-results", OptionList)
        assert results.highlighted_option is not None
        assert results.highlighted_option.id == SUGGESTION_ID
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.query_one("#kb-query", Input).value == "wifi"
        last = captured.of(KbPanel.Searched)[-1]
        assert (last.query, last.suggestion) == ("wifi", None)
        assert last.result_count > 0
        assert not prompts(pilot)[0].startswith("Vous vouliez dire")


async def test_nothing_found_says_so(knowledge: KnowledgeBase) -> None:
    async with Harness(knowledge, "student").run_test() as pilot:
        await settle(pilot)
        await search(pilot, "xqzw")
        assert prompts(pilot) == []
        assert status(pilot) == "Aucun article trouvé pour « xqzw »."
        assert pilot.app.query_one("#kb-status").has_class("-error")


async def test_choosing_bases_narrows_the_search(
    knowledge: KnowledgeBase, captured: Captured
) -> None:
    async with Harness(knowledge, "student").run_test(message_hook=captured) as pilot:
        await settle(pilot)
        await search(pilot, "box")
        await pilot.press("ctrl+b")
        bases = pilot.app.query_one(BaseList)
        assert pilot.app.focused is bases
        # `a` clears every base (they were all ticked): a clear French request, no search.
        await pilot.press("a")
        await settle(pilot)
        assert captured.of(KbPanel.BasesChanged)[-1].bases == ()
        assert status(pilot) == "Choisissez au moins une base de connaissances."
        assert prompts(pilot) == []
        # Only "Offres et tarifs" (the first): a sequential search in one base.
        await pilot.press("space")
        await settle(pilot)
        assert captured.of(KbPanel.BasesChanged)[-1].bases == ("offres",)
        last = captured.of(KbPanel.Searched)[-1]
        assert (last.query, last.bases) == ("box", ("offres",))
        assert {hit.base for hit in panel(pilot).results.hits} == {"offres"}
        # Several at once: a simultaneous search.
        await pilot.press("down", "down", "space")
        await settle(pilot)
        assert captured.of(KbPanel.BasesChanged)[-1].bases == ("offres", "assistance")
        assert {hit.base for hit in panel(pilot).results.hits} == {"offres", "assistance"}
        await pilot.press("escape")
        assert isinstance(pilot.app.focused, Input)


async def test_unknown_role_is_a_french_message_in_the_panel(
    knowledge: KnowledgeBase,
) -> None:
    async with Harness(knowledge, "visitor").run_test() as pilot:
        await settle(pilot)
        assert status(pilot).startswith("Rôle inconnu « visitor »")
        assert pilot.app.query_one("#kb-status").has_class("-error")


async def test_a_failing_knowledge_base_is_reported_not_raised(tmp_path: Path) -> None:
    def broken() -> KnowledgeBase:
        raise OSError("disque absent")

    async with Harness(broken, "student").run_test() as pilot:
        await settle(pilot)
        assert status(pilot) == "La base de connaissances ne répond pas (OSError)."


class Flaky:
    """The seed knowledge base, whose searches fail once `broken` is set."""

    def __init__(self, knowledge: KnowledgeBase) -> None:
        self.knowledge = knowledge
        self.broken = False

    def bases(self, role: str) -> object:
        return self.knowledge.bases(role)

    def article(self, article_id: str, role: str) -> object:
        return self.knowledge.article(article_id, role)

    def search(self, *args: object, **kwargs: object) -> object:
        if self.broken:
            raise IndexCorrupt("L'index des bases de connaissances est illisible.")
        return self.knowledge.search(*args, **kwargs)  # type: ignore[arg-type]


async def test_a_search_failing_while_reading_shows_the_error(
    knowledge: KnowledgeBase,
) -> None:
    flaky = Flaky(knowledge)
    async with Harness(lambda: flaky, "student").run_test() as pilot:
        await settle(pilot)
        await search(pilot, "box")
        await pilot.press("down", "enter")
        await settle(pilot)
        assert not pilot.app.query_one("#kb-status").display
        flaky.broken = True
        await pilot.press("ctrl+f", "x")
        await settle(pilot)
        assert status(pilot) == "L'index des bases de connaissances est illisible."
        assert pilot.app.query_one("#kb-status").display
        assert pilot.app.query_one("#kb-results").display
        assert isinstance(pilot.app.focused, Input)


async def test_debounce_searches_once_after_typing(
    knowledge: KnowledgeBase, captured: Captured
) -> None:
    class Slow(Harness):
        def compose(self) -> ComposeResult:
            yield KbPanel(self.knowledge, self.role, debounce=30.0)  # type: ignore[arg-type]

    async with Slow(knowledge, "student").run_test(message_hook=captured) as pilot:
        await settle(pilot)
        await type_query(pilot, "box")
        # The pause has not elapsed: nothing searched yet; Enter searches at once.
        assert captured.of(KbPanel.Searched) == []
        await pilot.press("enter")
        await settle(pilot)
        assert [m.query for m in captured.of(KbPanel.Searched)] == ["box"]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_renders_at_classroom_sizes(knowledge: KnowledgeBase, size: tuple[int, int]) -> None:
    async with Harness(knowledge, "student").run_test(size=size) as pilot:
        await settle(pilot)
        await search(pilot, "box")
        app = pilot.app
        for selector in ("#kb-query", "#kb-bases", "#kb-status", "#kb-results"):
            assert visible(pilot, app.query_one(selector)), selector
        first = panel(pilot).results.hits[0]
        drawn = screen_text(pilot)
        assert first.title in drawn
        assert "Offres et tarifs (26)" in drawn
        assert "^f Rechercher" in drawn
        await pilot.press("down", "enter")
        await settle(pilot)
        for selector in ("#kb-query", "#kb-article-header", "#kb-article-body"):
            assert visible(pilot, app.query_one(selector)), selector
        drawn = screen_text(pilot)
        assert f"{first.id}  ·  {first.base_title}" in drawn
        assert "esc Retour" in drawn


async def test_side_by_side_with_the_guide_at_120_columns(knowledge: KnowledgeBase) -> None:
    class Desk(App[None]):
        def compose(self) -> ComposeResult:
            with Horizontal():
                yield KbPanel(knowledge, "student", debounce=0, limit=10)
                yield GuidePanel(knowledge, "student", "vente")
            yield Footer()

    async with Desk().run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await search(pilot, "objection")
        kb, guide = pilot.app.query_one(KbPanel), pilot.app.query_one(GuidePanel)
        assert kb.region.right <= guide.region.x
        assert kb.region.width >= 55 and guide.region.width >= 55
        drawn = screen_text(pilot)
        assert "Réponses aux objections" in drawn
        assert "Argumentaire de vente — box fibre" in drawn
        for widget in (kb.query_one("#kb-results"), guide.query_one("#guide-body")):
            assert visible(pilot, widget)
