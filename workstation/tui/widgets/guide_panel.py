"""The interview-guide panel: the scripts, sales arguments and objection answers for the
current call motive (C1.1, C1.4, C1.6, C1.7, C1.8), from the `scripts` knowledge base.

The desk sets `motive` (attributes down); the student may switch motive with the selector.
Which articles go with which motive is the application's table in `workstation.guides`;
the articles come from the knowledge base in a thread worker, for the panel's role only.
"""

from __future__ import annotations

from dataclasses import dataclass
from gettext import gettext as _
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import OptionList, Select, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState, get_current_worker

from kb.articles import Article
from kb.errors import NotFound
from workstation.guides import GUIDE_BASE, MOTIVES, guide_for, motive_label
from workstation.tui.widgets.article_view import ArticleView
from workstation.tui.widgets.kb_panel import KnowledgeSource, error_text, knowledge_getter

WORKER_GROUP = "guide-load"


class GuidePanel(Vertical):
    """The guides of one call motive: a motive selector, the guide's articles, the text."""

    DEFAULT_CSS = """
    GuidePanel {
        height: 1fr;
    }
    GuidePanel #guide-motive {
        width: 100%;
    }
    GuidePanel #guide-status {
        height: auto;
        color: $text-muted;
        padding: 0 1;
    }
    GuidePanel #guide-status.-error {
        color: $error;
    }
    GuidePanel #guide-articles {
        height: auto;
        max-height: 4;
        border: none;
    }
    GuidePanel #guide-body {
        height: 1fr;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("m", "choose_motive", _("Motif"), id="guide.motive"),
        Binding("escape", "back", _("Retour à la liste"), id="guide.back"),
    ]

    motive: reactive[str] = reactive("accueil", init=False)
    """The call motive whose guides are shown (one of `workstation.guides.MOTIVES`)."""

    @dataclass
    class GuideOpened(Message):
        """The student chose to read a guide article."""

        article_id: str
        motive: str

    @dataclass
    class MotiveChanged(Message):
        """The student switched motive with the selector (not sent when the desk sets it)."""

        motive: str

    @dataclass
    class _GuideLoaded(Message, bubble=False):
        motive: str
        articles: tuple[Article, ...]

    def __init__(
        self,
        knowledge: KnowledgeSource,
        role: str,
        motive: str = "accueil",
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """`knowledge`: the KnowledgeBase (or a callable returning it); `role`: the reader's
        role; `motive`: the motive shown first."""
        super().__init__(name=name, id=id, classes=classes)
        self._knowledge = knowledge_getter(knowledge)
        self.role = role
        self._articles: tuple[Article, ...] = ()
        self.set_reactive(GuidePanel.motive, motive)

    def compose(self) -> ComposeResult:
        yield Select(
            [(motive_label(code), code) for code in MOTIVES],
            value=self.motive if self.motive in MOTIVES else Select.NULL,
            prompt=_("Motif de l'appel"),
            id="guide-motive",
        )
        yield Static(_("Chargement des guides…"), id="guide-status")
        yield OptionList(id="guide-articles")
        yield ArticleView(id="guide-body")

    def on_mount(self) -> None:
        self.query_one("#guide-motive", Select).border_title = _("Guide d'entretien")
        self._load(self.motive)

    @property
    def articles(self) -> tuple[Article, ...]:
        """The articles of the guide shown."""
        return self._articles

    # -- motive ------------------------------------------------------------------------------

    def watch_motive(self, motive: str) -> None:
        if not self.is_mounted:
            return  # on_mount loads the motive set before mounting
        select = self.query_one("#guide-motive", Select)
        if select.value != motive:
            with self.prevent(Select.Changed):
                if motive in MOTIVES:
                    select.value = motive
                else:
                    select.clear()
        self._load(motive)

    @on(Select.Changed, "#guide-motive")
    def _motive_chosen(self, event: Select.Changed) -> None:
        event.stop()
        if isinstance(event.value, str):
            if event.value != self.motive:
                self.motive = event.value
                self.post_message(self.MotiveChanged(event.value))
        elif self.motive in MOTIVES:
            # The blank entry was chosen: keep showing the motive whose guide is displayed.
            with self.prevent(Select.Changed):
                event.select.value = self.motive

    def _load(self, motive: str) -> None:
        try:
            guide = guide_for(motive)
        except ValueError as error:
            self._articles = ()
            self.query_one("#guide-articles", OptionList).clear_options()
            self._status(str(error), error=True)
            return
        self._status(_("Chargement des guides…"))
        self._fetch(guide.motive, guide.article_ids)

    @work(thread=True, exclusive=True, group=WORKER_GROUP, exit_on_error=False)
    def _fetch(self, motive: str, article_ids: tuple[str, ...]) -> None:
        knowledge = self._knowledge()
        articles = []
        for article_id in article_ids:
            try:
                article = knowledge.article(article_id, self.role)
            except NotFound:
                # Not readable by this role (or removed by a trainer): not part of its guide.
                continue
            if article.base == GUIDE_BASE:
                articles.append(article)
        if not get_current_worker().is_cancelled:
            self.post_message(self._GuideLoaded(motive, tuple(articles)))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Worker failures shown in French inside the panel."""
        if event.state is WorkerState.ERROR and event.worker.group == WORKER_GROUP:
            event.stop()
            self._status(error_text(event.worker.error), error=True)

    @on(_GuideLoaded)
    def _show_guide(self, message: _GuideLoaded) -> None:
        if message.motive != self.motive:
            return
        self._articles = message.articles
        listing = self.query_one("#guide-articles", OptionList)
        listing.set_options(
            Option(Text.assemble((article.id, "bold"), "  ", article.title), id=article.id)
            for article in message.articles
        )
        if not message.articles:
            self._status(_("Aucun guide disponible pour ce motif."), error=True)
            self.query_one("#guide-body", ArticleView).show("")
            return
        listing.highlighted = 0
        self._status(
            _("{motive} : {n} fiche(s), Entrée pour lire.").format(
                motive=motive_label(message.motive), n=len(message.articles)
            )
        )
        self.query_one("#guide-body", ArticleView).show(message.articles[0].markdown)

    # -- reading -----------------------------------------------------------------------------

    @on(OptionList.OptionSelected, "#guide-articles")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if not 0 <= event.option_index < len(self._articles):
            return
        article = self._articles[event.option_index]
        body = self.query_one("#guide-body", ArticleView)
        body.show(article.markdown)
        body.focus()
        self.post_message(self.GuideOpened(article.id, self.motive))

    def _status(self, text: str, error: bool = False) -> None:
        status = self.query_one("#guide-status", Static)
        status.update(text)
        status.set_class(error, "-error")

    # -- actions -----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            focused = self.screen.focused
            return focused is not None and focused.id == "guide-body" and self in focused.ancestors
        return True

    def action_choose_motive(self) -> None:
        """Open the motive selector."""
        select = self.query_one("#guide-motive", Select)
        select.focus()
        select.action_show_overlay()

    def action_back(self) -> None:
        """From the text back to the guide's articles."""
        self.query_one("#guide-articles", OptionList).focus()
