"""The command palette (Ctrl+P) over the desk's own actions: the same operations as the
function keys, listed only when they apply, under their French names."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider


class DeskCommands(Provider):
    """Offers every desk binding whose action is possible now."""

    def _available(self) -> list[tuple[str, str, str]]:
        """(description, action, key) for each desk action that applies now."""
        screen = self.screen
        found = []
        for binding in screen.BINDINGS:
            key, action, description = binding.key, binding.action, binding.description
            if screen.check_action(action, ()) and description:
                found.append((description, action, key.upper()))
        return found

    async def discover(self) -> Hits:
        for description, action, key in self._available():
            yield DiscoveryHit(description, partial(self.screen.run_action, action), help=key)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for description, action, key in self._available():
            score = matcher.match(description)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(description),
                    partial(self.screen.run_action, action),
                    help=key,
                )
