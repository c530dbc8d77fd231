"""Bridges: basic two-party bridges and the parking lot's holding bridge."""

from __future__ import annotations

from dataclasses import dataclass, field

from cti.pbx.channels import Channel


@dataclass(eq=False)
class Bridge:
    """A bridge and the channels in it, in the order they entered."""

    uniqueid: str
    type: str = "basic"
    technology: str = "simple_bridge"
    creator: str = "<unknown>"
    name: str = "<unknown>"
    channels: list[Channel] = field(default_factory=list)

    def snapshot(self, prefix: str = "") -> list[tuple[str, str]]:
        """The bridge-snapshot headers (`BridgeUniqueid` … `BridgeVideoSourceMode`)."""
        return [
            (prefix + "BridgeUniqueid", self.uniqueid),
            (prefix + "BridgeType", self.type),
            (prefix + "BridgeTechnology", self.technology),
            (prefix + "BridgeCreator", self.creator),
            (prefix + "BridgeName", self.name),
            (prefix + "BridgeNumChannels", str(len(self.channels))),
            (prefix + "BridgeVideoSourceMode", "none"),
        ]

    def others(self, channel: Channel) -> list[Channel]:
        """The channels of the bridge except `channel`."""
        return [c for c in self.channels if c is not channel]
