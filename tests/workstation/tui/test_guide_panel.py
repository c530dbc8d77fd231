"""The interview-guide panel and its motive table, on the real seed scripts."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.message import Message
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Footer, OptionList, Select, Static
from textual.worker import WorkerFailed

from crm.models import NATURES
from kb.articles import load_content
from kb.search import KnowledgeBase
from seed_data import SEED_DIR
from workstation.guides import (
    DEFAULT_MOTIVE,
    GUIDE_BASE,
    GUIDES,
    MOTIVES,
    NATURE_MOTIVES,
    guide_for,
    motive_for_nature,
    motive_label,
)
from workstation.tui.widgets.article_view import ArticleView
from workstation.tui.widgets.guide_panel import GuidePanel


@pytest.fixture(scope="session")
def knowledge(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    """The seed knowledge bases, indexed once for the whole session."""
    return KnowledgeBase.open(SEED_DIR / "kb", tmp_path_factory.mktemp("guide-index"))


# -- the motive table ---------------------------------------------------------------------


def test_every_guide_article_exists_in_the_scripts_base() -> None:
    content = load_content(SEED_DIR / "kb")
    scripts = {a.id: a for a in content.articles if a.base == GUIDE_BASE}
    bases = {b.code: b for b in content.bases}
    assert "student" in bases[GUIDE_BASE].roles
    for guide in GUIDES:
        assert guide.article_ids, guide.motive
        missing = [i for i in guide.article_ids if i not in scripts]
        assert missing == [], guide.motive
    # Every script is reachable from some motive.
    listed = {i for guide in GUIDES for i in guide.article_ids}
    assert listed == set(scripts)


def test_motives_are_unique_and_named_in_french() -> None:
    assert len(set(MOTIVES)) == len(MOTIVES)
    for motive in ("accueil", "identification", "vente", "objection", "enquete"):
        assert motive in MOTIVES
    for motive in ("recouvrement", "fidelisation", "reclamation"):
        assert motive in MOTIVES
    labels = [motive_label(m) for m in MOTIVES]
    assert len(set(labels)) == len(labels)
    assert motive_label("recouvrement") == "Relance d'impayé"
    assert guide_for(" Vente ").article_ids[0] == "SCR-003"


def test_every_request_nature_has_a_guide() -> None:
    assert DEFAULT_MOTIVE in MOTIVES
    assert set(NATURE_MOTIVES) <= set(NATURES)
    for nature in NATURES:
        assert motive_for_nature(nature) in MOTIVES
    assert motive_for_nature("complaint") == "reclamation"
    assert motive_for_nature("termination") == "fidelisation"
    assert motive_for_nature("information") == "accueil"
    assert motive_for_nature("inconnue") == "accueil"


def test_unknown_motive_is_a_french_error() -> None:
    with pytest.raises(ValueError, match="Motif d'appel inconnu « météo » : choisissez parmi"):
        guide_for("météo")


# -- the panel ----------------------------------------------------------------------------


class Harness(App[None]):
    def __init__(self, knowledge: object, role: str = "student", motive: str = "accueil") -> None:
        super().__init__()
        self.knowledge = knowledge
        self.role = role
        self.motive = motive

    def compose(self) -> ComposeResult:
        yield GuidePanel(self.knowledge, self.role, self.motive, id="guide")  # type: ignore[arg-type]
        yield Footer()


class Captured(list[Message]):
    def __call__(self, message: Message) -> None:
        kinds = GuidePanel.GuideOpened | GuidePanel.MotiveChanged
        if isinstance(message, kinds) and all(m is not message for m in self):
            self.append(message)


async def settle(pilot: Pilot) -> None:
    """Let every worker finish and every message they posted be handled, including workers
    those messages start (a failed worker is the panel's business: it shows the error)."""
    for _round in range(5):
        with contextlib.suppress(WorkerFailed):
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if not any(worker.is_running for worker in pilot.app.workers):
            return


def listed(pilot: Pilot) -> list[str]:
    return [
        option.id or "" for option in pilot.app.query_one("#guide-articles", OptionList).options
    ]


def heading(pilot: Pilot) -> str:
    """The first line of the article in the reader."""
    return pilot.app.query_one("#guide-body", ArticleView).markdown.partition("\n")[0]


def screen_text(pilot: Pilot) -> str:
    """The characters on the terminal, line by line (the compositor's output, as drawn)."""
    return "\n".join(strip.text for strip in pilot.app.screen._compositor.render_strips())


def status(pilot: Pilot) -> str:
    return str(pilot.app.query_one("#guide-status", Static).render())


def visible(pilot: Pilot, widget: Widget) -> bool:
    region = widget.region
    return region.area > 0 and pilot.app.screen.region.contains_region(region)


async def test_shows_the_guide_of_the_motive(knowledge: KnowledgeBase) -> None:
    captured = Captured()
    async with Harness(knowledge).run_test(message_hook=captured) as pilot:
        await settle(pilot)
        assert listed(pilot) == ["SCR-001", "SCR-010"]
        assert heading(pilot) == "# Script d'accueil d'un appel entrant"
        assert status(pilot) == "Accueil d'un appel entrant : 2 fiche(s), Entrée pour lire."
        # The desk sets the motive: the panel follows, and journals nothing by itself.
        panel = pilot.app.query_one(GuidePanel)
        panel.motive = "vente"
        await settle(pilot)
        assert listed(pilot) == ["SCR-003", "SCR-004", "SCR-006", "SCR-005"]
        assert heading(pilot) == "# Argumentaire de vente — box fibre"
        assert pilot.app.query_one("#guide-motive", Select).value == "vente"
        assert captured == []


async def test_keyboard_reading_and_switching_motive(knowledge: KnowledgeBase) -> None:
    captured = Captured()
    async with Harness(knowledge, motive="objection").run_test(message_hook=captured) as pilot:
        await settle(pilot)
        assert listed(pilot) == ["SCR-005"]
        pilot.app.query_one("#guide-articles", OptionList).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert captured == [GuidePanel.GuideOpened("SCR-005", "objection")]
        assert pilot.app.focused is pilot.app.query_one("#guide-body")
        await pilot.press("escape")
        assert pilot.app.focused is pilot.app.query_one("#guide-articles")
        # `m` opens the selector; "Relance d'impayé" is two below "Réponses aux objections".
        await pilot.press("m")
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        assert pilot.app.query_one(GuidePanel).motive == "recouvrement"
        assert captured[-1] == GuidePanel.MotiveChanged("recouvrement")
        assert listed(pilot) == ["SCR-008"]
        assert heading(pilot) == "# Script de relance téléphonique d'un impayé"


async def test_unknown_motive_is_shown_in_french(knowledge: KnowledgeBase) -> None:
    async with Harness(knowledge, motive="météo").run_test() as pilot:
        await settle(pilot)
        assert status(pilot).startswith("Motif d'appel inconnu « météo »")
        assert listed(pilot) == []


async def test_a_failing_knowledge_base_is_reported_not_raised() -> None:
    def broken() -> KnowledgeBase:
        raise OSError("disque absent")

    async with Harness(broken).run_test() as pilot:
        await settle(pilot)
        assert status(pilot) == "La base de connaissances ne répond pas (OSError)."


async def test_articles_the_role_cannot_read_are_left_out(tmp_path: Path) -> None:
    # A copy of the seed content where the scripts base is reserved to trainers.
    content = tmp_path / "kb"
    for source in (SEED_DIR / "kb").rglob("*"):
        target = content / source.relative_to(SEED_DIR / "kb")
        if source.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read_bytes())
    bases = content / "bases.yaml"
    text = bases.read_text(encoding="utf-8")
    marker = "code: scripts\n    title: Guides d'entretien et argumentaires\n    roles: "
    assert marker + "[student, trainer, grader]" in text
    bases.write_text(text.replace(marker + "[student, trainer, grader]", marker + "[trainer]"))
    restricted = KnowledgeBase.open(content, tmp_path / "index")
    async with Harness(restricted, role="student").run_test() as pilot:
        await settle(pilot)
        assert listed(pilot) == []
        assert status(pilot) == "Aucun guide disponible pour ce motif."
    async with Harness(restricted, role="trainer").run_test() as pilot:
        await settle(pilot)
        assert listed(pilot) == ["SCR-001", "SCR-010"]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_renders_at_classroom_sizes(knowledge: KnowledgeBase, size: tuple[int, int]) -> None:
    async with Harness(knowledge, motive="vente").run_test(size=size) as pilot:
        await settle(pilot)
        for selector in ("#guide-motive", "#guide-status", "#guide-articles", "#guide-body"):
            assert visible(pilot, pilot.app.query_one(selector)), selector
        drawn = screen_text(pilot)
        assert "Argumentaire de vente — box fibre" in drawn
        assert "1. Découvrir les besoins (questions)" in drawn
