"""The knowledge-base panel: choose bases, search as you type, read an article beside the call.

C1.5 "sélectionner les informations utiles", C2.2 "sélectionner la ou les bases de
connaissances, rechercher les informations utiles", C2.3 "rechercher séquentiellement ou
simultanément" (one base, several, or all of them). The panel only shows what the knowledge
base answers for the role it is given: restricted bases never reach it. Every call to the
knowledge base runs in a thread worker; the panel posts `Searched`, `ArticleOpened` and
`BasesChanged` for the journal and decides nothing else.

Keys: type in the search field, ↓ to the results, Entrée to open, Échap to go back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from gettext import gettext as _
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import ContentSwitcher, Input, OptionList, SelectionList, Static
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection
from textual.worker import Worker, WorkerState, get_current_worker

from kb.articles import Article
from kb.errors import KbError
from kb.search import BaseSummary, Hit, KnowledgeBase, SearchResults
from workstation.tui.widgets.article_view import ArticleView

#: The knowledge base itself, or a callable returning it (e.g. `Runtime.knowledge`, which
#: builds the index on first use: it is then called inside a worker, never on the UI loop).
KnowledgeSource = KnowledgeBase | Callable[[], KnowledgeBase]

SUGGESTION_ID = "kb-suggestion"
WORKER_GROUPS = ("kb-bases", "kb-search", "kb-article")


def knowledge_getter(source: KnowledgeSource) -> Callable[[], KnowledgeBase]:
    """A callable giving the knowledge base, whichever form `source` takes."""
    if isinstance(source, KnowledgeBase):
        return lambda: source
    return source


def error_text(error: BaseException | None) -> str:
    """A worker failure as a French sentence for the panel (KbError messages are French)."""
    if isinstance(error, KbError):
        return str(error)
    return _("La base de connaissances ne répond pas ({error}).").format(
        error=type(error).__name__ if error is not None else "?"
    )


def highlighted(text: str, spans: Sequence[tuple[int, int]], style: str) -> Text:
    """`text` with each (start, end) range styled: the matched words of a result."""
    rich = Text(text)
    for start, end in spans:
        rich.stylize(style, start, end)
    return rich


class BaseList(SelectionList[str]):
    """The bases to search; space toggles one, `a` selects all or none."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "toggle_every", _("Toutes / aucune"), id="kb.all_bases"),
    ]

    def action_toggle_every(self) -> None:
        """Select every base, or none if they all are."""
        if len(self.selected) == self.option_count:
            self.deselect_all()
        else:
            self.select_all()


class KbPanel(Vertical):
    """Search the knowledge bases `role` may read and read their articles (C2.2, C2.3)."""

    DEFAULT_CSS = """
    KbPanel {
        height: 1fr;
    }
    KbPanel #kb-query {
        margin: 0;
    }
    KbPanel #kb-bases {
        height: auto;
        max-height: 4;
        border: none;
        padding: 0;
    }
    KbPanel #kb-status {
        height: auto;
        max-height: 2;
        color: $text-muted;
        padding: 0 1;
    }
    KbPanel #kb-status.-error {
        color: $error;
    }
    KbPanel #kb-switcher {
        height: 1fr;
    }
    KbPanel #kb-results {
        height: 1fr;
        border: none;
    }
    KbPanel #kb-article {
        height: 1fr;
    }
    KbPanel #kb-article-header {
        height: auto;
        background: $boost;
        padding: 0 1;
    }
    KbPanel #kb-article-body {
        height: 1fr;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+f", "focus_search", _("Rechercher"), id="kb.focus_search"),
        Binding("ctrl+b", "focus_bases", _("Bases"), id="kb.focus_bases"),
        Binding("down", "focus_results", _("Résultats"), show=False, id="kb.focus_results"),
        Binding("escape", "back", _("Retour"), id="kb.back"),
    ]

    # -- messages for the screen (journal) ---------------------------------------------------

    @dataclass
    class Searched(Message):
        """A search settled and its results are shown (not sent for the empty-query listing)."""

        query: str
        bases: tuple[str, ...]
        result_count: int
        suggestion: str | None

    @dataclass
    class ArticleOpened(Message):
        """The student opened an article; `rank` is its 1-based place in the results."""

        article_id: str
        base: str
        rank: int
        query: str

    @dataclass
    class BasesChanged(Message):
        """The student changed the bases to search."""

        bases: tuple[str, ...]

    # -- worker results, for this panel only ------------------------------------------------

    @dataclass
    class _BasesLoaded(Message, bubble=False):
        bases: tuple[BaseSummary, ...]

    @dataclass
    class _ResultsReady(Message, bubble=False):
        results: SearchResults
        bases: tuple[str, ...]

    @dataclass
    class _ArticleReady(Message, bubble=False):
        article: Article
        rank: int
        query: str

    def __init__(
        self,
        knowledge: KnowledgeSource,
        role: str,
        *,
        debounce: float = 0.15,
        limit: int = 20,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """`knowledge`: the KnowledgeBase (or a callable returning it); `role`: the reader's
        role (student, trainer, grader); `debounce`: seconds of typing pause before searching
        (0 searches on every keystroke, as tests do); `limit`: most results listed."""
        super().__init__(name=name, id=id, classes=classes)
        self._knowledge = knowledge_getter(knowledge)
        self.role = role
        self._debounce = debounce
        self._limit = limit
        self._base_codes: tuple[str, ...] = ()
        self._base_titles: dict[str, str] = {}
        self._bases_ready = False
        self._timer: Timer | None = None
        self._results: SearchResults | None = None
        self._shown_query = ""
        self._focus_results_when_ready = False
        self._reading = False

    def compose(self) -> ComposeResult:
        yield Input(
            placeholder=_("Rechercher dans les bases (ex. box rouge, remboursement)…"),
            id="kb-query",
        )
        yield BaseList(id="kb-bases")
        yield Static(_("Chargement des bases de connaissances…"), id="kb-status")
        with ContentSwitcher(initial="kb-results", id="kb-switcher"):
            yield OptionList(id="kb-results")
            with Vertical(id="kb-article"):
                yield Static("", id="kb-article-header")
                yield ArticleView(id="kb-article-body")

    def on_mount(self) -> None:
        self.query_one("#kb-bases", BaseList).border_title = _("Bases consultées")
        self._load_bases()

    # -- public API --------------------------------------------------------------------------

    @property
    def selected_bases(self) -> tuple[str, ...]:
        """The codes of the bases ticked, in the order the knowledge base declares them."""
        ticked = set(self.query_one("#kb-bases", BaseList).selected)
        return tuple(code for code in self._base_codes if code in ticked)

    @property
    def results(self) -> SearchResults | None:
        """The results shown, if any."""
        return self._results

    def focus_search(self) -> None:
        """Put the cursor in the search field (e.g. when the desk shows this panel)."""
        self.action_focus_search()

    def search_for(self, text: str) -> None:
        """Fill the search field with `text` and search now."""
        field = self.query_one("#kb-query", Input)
        with field.prevent(Input.Changed):
            field.value = text
        self._search_now()

    # -- workers -----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="kb-bases", exit_on_error=False)
    def _load_bases(self) -> None:
        bases = self._knowledge().bases(self.role)
        self.post_message(self._BasesLoaded(bases))

    @work(thread=True, exclusive=True, group="kb-search", exit_on_error=False)
    def _search(self, text: str, bases: tuple[str, ...]) -> None:
        results = self._knowledge().search(text, self.role, bases, limit=self._limit)
        if not get_current_worker().is_cancelled:
            self.post_message(self._ResultsReady(results, bases))

    @work(thread=True, exclusive=True, group="kb-article", exit_on_error=False)
    def _open(self, article_id: str, rank: int, query: str) -> None:
        article = self._knowledge().article(article_id, self.role)
        if not get_current_worker().is_cancelled:
            self.post_message(self._ArticleReady(article, rank, query))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place worker failures are shown (in French, inside the panel)."""
        if event.state is WorkerState.ERROR and event.worker.group in WORKER_GROUPS:
            event.stop()
            self._focus_results_when_ready = False
            if self._reading:
                self._show_list(focus=False)  # the status line is hidden while reading
            self._status(error_text(event.worker.error), error=True)

    # -- bases -------------------------------------------------------------------------------

    @on(_BasesLoaded)
    def _show_bases(self, message: _BasesLoaded) -> None:
        self._base_codes = tuple(base.code for base in message.bases)
        self._base_titles = {base.code: base.title for base in message.bases}
        base_list = self.query_one("#kb-bases", BaseList)
        with self.prevent(SelectionList.SelectedChanged):
            base_list.clear_options()
            base_list.add_options(
                Selection(
                    _("{title} ({n})").format(title=base.title, n=base.articles), base.code, True
                )
                for base in message.bases
            )
        if message.bases:
            base_list.highlighted = 0
        self._bases_ready = True
        if not message.bases:
            self._status(_("Aucune base de connaissances n'est ouverte à votre rôle."), True)
            return
        self._search_now()

    @on(SelectionList.SelectedChanged, "#kb-bases")
    def _bases_changed(self, event: SelectionList.SelectedChanged) -> None:
        event.stop()
        if not self._bases_ready:
            return
        self.post_message(self.BasesChanged(self.selected_bases))
        self._search_now()

    # -- searching ---------------------------------------------------------------------------

    @on(Input.Changed, "#kb-query")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self._debounce <= 0:
            self._search_now()
        else:
            self._timer = self.set_timer(self._debounce, self._search_now)

    @on(Input.Submitted, "#kb-query")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._focus_results_when_ready = True
        self._search_now()

    def _search_now(self) -> None:
        self._timer = None
        if not self._bases_ready:
            return
        bases = self.selected_bases
        if not bases:
            self._results = None
            self.query_one("#kb-results", OptionList).clear_options()
            self._status(_("Choisissez au moins une base de connaissances."), error=True)
            return
        self._search(self.query_one("#kb-query", Input).value, bases)

    @on(_ResultsReady)
    def _show_results(self, message: _ResultsReady) -> None:
        results = message.results
        self._results = results
        self._shown_query = results.query
        options: list[Option] = []
        if results.suggestion:
            prompt = Text.assemble(
                (_("Vous vouliez dire : "), "bold"),
                (results.suggestion, "bold italic underline"),
                _(" ? (Entrée pour chercher)"),
            )
            options.append(Option(prompt, id=SUGGESTION_ID))
        options.extend(
            Option(self._hit_prompt(hit), id=f"kb-hit-{rank}")
            for rank, hit in enumerate(results.hits, start=1)
        )
        result_list = self.query_one("#kb-results", OptionList)
        result_list.set_options(options)
        if options:
            result_list.highlighted = 0
        self._status(self._summary(results), error=results.mode == "none")
        if self._reading:
            self._show_list(focus=False)
        if self._focus_results_when_ready and options:
            result_list.focus()
        self._focus_results_when_ready = False
        if results.query:
            self.post_message(
                self.Searched(results.query, message.bases, results.total, results.suggestion)
            )

    def _hit_prompt(self, hit: Hit) -> Text:
        title = highlighted(hit.title, hit.title_highlights, "bold reverse")
        title.stylize("bold")
        line = Text.assemble(title, ("  ·  ", "dim"), (hit.base_title, "italic"))
        if hit.partial:
            line.append(_("  (correspondance partielle)"), style="dim")
        snippet = highlighted(hit.snippet.text, hit.snippet.highlights, "bold reverse")
        snippet.stylize("dim", 0, len(snippet))
        for start, end in hit.snippet.highlights:
            snippet.stylize("not dim", start, end)
        return Text.assemble(line, "\n", snippet)

    @staticmethod
    def _summary(results: SearchResults) -> str:
        if results.mode == "browse":
            return _("{n} article(s) dans les bases choisies : tapez pour rechercher.").format(
                n=results.total
            )
        count = _("{n} article(s) trouvé(s).").format(n=results.total)
        if results.message:
            return results.message if results.mode in ("none", "empty") else (
                f"{results.message} {count}"
            )  # fmt: skip
        return count

    def _status(self, text: str, error: bool = False) -> None:
        status = self.query_one("#kb-status", Static)
        status.update(text)
        status.set_class(error, "-error")

    # -- reading -----------------------------------------------------------------------------

    @on(OptionList.OptionSelected, "#kb-results")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        results = self._results
        if results is None:
            return
        if event.option.id == SUGGESTION_ID and results.suggestion:
            self.search_for(results.suggestion)
            return
        offset = 1 if results.suggestion else 0
        rank = event.option_index - offset + 1
        if 1 <= rank <= len(results.hits):
            hit = results.hits[rank - 1]
            self._status(_("Ouverture de l'article {id}…").format(id=hit.id))
            self._open(hit.id, rank, self._shown_query)

    @on(_ArticleReady)
    def _show_article(self, message: _ArticleReady) -> None:
        article = message.article
        header = Text.assemble(
            (article.id, "bold"),
            "  ·  ",
            (self._base_titles.get(article.base, article.base), "italic"),
            "  ·  ",
            _("mis à jour le {date}").format(date=article.updated.strftime("%d/%m/%Y")),
            ("\n" + _("Échap : retour aux résultats"), "dim"),
        )
        self.query_one("#kb-article-header", Static).update(header)
        body = self.query_one("#kb-article-body", ArticleView)
        body.show(article.markdown)
        self.query_one("#kb-switcher", ContentSwitcher).current = "kb-article"
        self._set_reading(True)
        body.focus()
        if self._results is not None:
            self._status(self._summary(self._results))
        self.refresh_bindings()
        self.post_message(self.ArticleOpened(article.id, article.base, message.rank, message.query))

    def _set_reading(self, reading: bool) -> None:
        # The reader gets the room of the base list and the status line. Their `display` is
        # set directly: a class on the panel would restyle every block of the article.
        self._reading = reading
        self.query_one("#kb-bases", BaseList).display = not reading
        self.query_one("#kb-status", Static).display = not reading

    def _show_list(self, focus: bool) -> None:
        self.query_one("#kb-switcher", ContentSwitcher).current = "kb-results"
        self._set_reading(False)
        if focus:
            self.query_one("#kb-results", OptionList).focus()
        self.refresh_bindings()

    # -- actions -----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        focused = self.screen.focused
        mine = focused is not None and self in focused.ancestors
        if action == "back":
            return self._reading or (mine and focused.id in ("kb-results", "kb-bases"))
        if action == "focus_results":
            return bool(mine and focused.id == "kb-query" and self._results and self._has_options())
        return True

    def _has_options(self) -> bool:
        return bool(self.query_one("#kb-results", OptionList).option_count)

    def action_focus_search(self) -> None:
        """Cursor to the search field."""
        self.query_one("#kb-query", Input).focus()

    def action_focus_bases(self) -> None:
        """Cursor to the list of bases (space ticks, `a` for all or none)."""
        if self._reading:
            self._show_list(focus=False)
        self.query_one("#kb-bases", BaseList).focus()

    def action_focus_results(self) -> None:
        """Cursor from the search field to the results."""
        self.query_one("#kb-results", OptionList).focus()

    def action_back(self) -> None:
        """From the article back to the results; from the results or the bases back to the
        search field."""
        if self._reading:
            self._show_list(focus=True)
        else:
            self.action_focus_search()
