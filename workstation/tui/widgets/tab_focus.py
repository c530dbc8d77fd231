"""Leaving a desk tab with the keyboard (Ctrl+T) must not bring the student back to it.

When a tab pane is hidden, the widget that had the focus blurs, and Textual hands the focus to
one of its *siblings*, still "displayed" itself although its pane is not: a button or a table
of the very pane being hidden. The pane then reports a focused descendant and `TabbedContent`
switches back to it: Ctrl+T seemed to do nothing from the Recouvrement, Vente or Messages tabs.
A panel stops that report when it is hidden, and lets go of the focus.
"""

from __future__ import annotations

from textual import events
from textual.widget import Widget


def refuse_focus_while_hidden(panel: Widget, event: events.DescendantFocus) -> None:
    """Call from the panel's `on_descendant_focus`: a widget focused inside the panel while
    its tab is hidden does not reach the tab pane, and the focus is cleared."""
    if all(node.display for node in panel.ancestors_with_self):
        return
    event.stop()
    panel.screen.set_focus(None)
