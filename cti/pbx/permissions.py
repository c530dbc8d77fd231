"""AMI permission classes, as manager.conf `read`/`write` and the events' `Privilege` header.

A session receives an event when its account may read the event's class and its event mask
(Login `Events`, action `Events`) lets the class through. An action runs when its class is
empty or shares a class with the account's `write` list (Asterisk's rule).
"""

from __future__ import annotations

#: The classes Asterisk 22 knows (manager.h).
CLASSES = (
    "system",
    "call",
    "log",
    "verbose",
    "command",
    "agent",
    "user",
    "config",
    "dtmf",
    "reporting",
    "cdr",
    "dialplan",
    "originate",
    "agi",
    "cc",
    "aoc",
    "test",
    "security",
    "message",
)
ALL = frozenset(CLASSES)


def parse_classes(text: str) -> frozenset[str]:
    """`system,call` -> {system, call}; `all` -> every class; unknown names are ignored."""
    names = {part.strip().lower() for part in text.split(",") if part.strip()}
    if "all" in names:
        return ALL
    return frozenset(names & ALL)


#: The write class each action needs (empty: any logged-in user). Unlisted actions need none.
ACTION_CLASSES: dict[str, frozenset[str]] = {
    name.lower(): frozenset(classes)
    for name, classes in {
        "Originate": {"originate"},
        "Redirect": {"call"},
        "Hangup": {"system", "call"},
        "Bridge": {"call"},
        "BlindTransfer": {"call"},
        "Atxfer": {"call"},
        "CancelAtxfer": {"call"},
        "Park": {"call"},
        "PlayDTMF": {"call"},
        "Setvar": {"call"},
        "Getvar": {"call", "reporting"},
        "Status": {"system", "call", "reporting"},
        "CoreShowChannels": {"system", "reporting"},
        "CoreStatus": {"system", "reporting"},
        "CoreSettings": {"system", "reporting"},
        "BridgeList": {"reporting"},
        "BridgeInfo": {"reporting"},
        "DeviceStateList": {"call", "reporting"},
        "QueueAdd": {"agent"},
        "QueueRemove": {"agent"},
        "QueuePause": {"agent"},
        "QueuePenalty": {"agent"},
        "UserEvent": {"user"},
        "DBPut": {"system"},
        "DBGet": {"system", "reporting"},
        "DBDel": {"system"},
        "Command": {"command"},
    }.items()
}


def may_run(action: str, write: frozenset[str]) -> bool:
    """True when an account with `write` classes may run `action`."""
    needed = ACTION_CLASSES.get(action.lower(), frozenset())
    return not needed or bool(needed & write)


def event_mask(value: str) -> frozenset[str]:
    """The event mask of Login `Events:` / action `EventMask:` (`on`, `off`, or a class list)."""
    lowered = value.strip().lower()
    if lowered in ("on", "yes", "true", "1", "all"):
        return ALL
    if lowered in ("off", "no", "false", "0", ""):
        return frozenset()
    return parse_classes(lowered)
