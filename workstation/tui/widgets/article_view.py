"""A scrollable, focusable reader for one knowledge-base article written in Markdown.

The article is drawn by Rich's Markdown renderer inside one Static. Textual's `Markdown`
widget mounts one widget per block, and opening an article beside a call then took about
eight times longer (on the seed articles: ~250 ms against ~33 ms to the first frame,
measured on a loaded 2-core machine); tables, lists and headings look alike in both.
Links are shown, never followed: articles are read-only company resources.
"""

from __future__ import annotations

from rich.markdown import Markdown
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static


class ArticleView(VerticalScroll):
    """Shows Markdown text; arrows, Page up/down, Home/End scroll it when focused."""

    DEFAULT_CSS = """
    ArticleView {
        height: 1fr;
        padding: 0 1;
    }
    ArticleView > Static {
        width: 100%;
    }
    """

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._markdown = ""

    def compose(self) -> ComposeResult:
        yield Static("", classes="article-text")

    @property
    def markdown(self) -> str:
        """The Markdown text shown."""
        return self._markdown

    def show(self, markdown: str) -> None:
        """Display `markdown` from its top."""
        self._markdown = markdown
        self.query_one(".article-text", Static).update(Markdown(markdown, hyperlinks=False))
        self.scroll_home(animate=False)
