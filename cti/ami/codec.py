"""The AMI wire format, sans I/O: bytes in, messages out, and back.

One codec serves both directions: the client decodes responses and events, the built-in PBX
decodes actions. Facts from the Asterisk 22 transcripts (see tests/cti/transcripts):

* the banner (`Asterisk Call Manager/11.0.0\\r\\n`) is the only line not followed by a blank line,
  and only the server sends it;
* a message is `Key: Value\\r\\n` lines ended by an empty `\\r\\n` line; frames are split on
  `\\r\\n\\r\\n` only, because a value may hold a bare LF (`Message: Park successful\\n`);
* keys repeat (`Variable`, `Output`), their order is not fixed, and Asterisk compares them
  without regard to case;
* text is UTF-8. Framing works on bytes (a CR or LF byte never occurs inside a multi-byte UTF-8
  character), so a character split across TCP reads is decoded once its frame is complete.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Iterator
from dataclasses import dataclass
from gettext import gettext as _
from itertools import compress, count, repeat
from operator import itemgetter, not_

_key = itemgetter(0)
_separator = itemgetter(1)
TERMINATOR = b"\r\n\r\n"
LINE_END = b"\r\n"
BANNER_PREFIX = "Asterisk Call Manager/"
#: Default bound on one frame (and on the bytes buffered while waiting for its end).
DEFAULT_MAX_FRAME = 1 << 20


class CodecError(Exception):
    """Base class of the errors the codec raises."""


class FrameTooLarge(CodecError):
    """A frame (or the banner) grew past the decoder's bound; the stream cannot be trusted.

    `messages` holds what was decoded from the same `feed` call before the oversized frame.
    """

    def __init__(self, size: int, limit: int, messages: list[Message | Banner]) -> None:
        super().__init__(
            _("Trame AMI trop grande ({size} octets, maximum {limit}).").format(
                size=size, limit=limit
            )
        )
        self.size = size
        self.limit = limit
        self.messages = messages


class InvalidHeader(CodecError, ValueError):
    """A key or value that cannot be written on the wire (CR/LF, empty key, colon in key)."""


@dataclass(frozen=True, slots=True)
class Banner:
    """The greeting line a server sends once, e.g. `Asterisk Call Manager/11.0.0`."""

    text: str

    @property
    def version(self) -> str:
        """The AMI version after the slash (`11.0.0`), or '' if the line has none."""
        return self.text.partition("/")[2]


class Message:
    """An AMI message: an ordered multi-map of (key, value) pairs.

    Keys keep their spelling and order (re-encoding gives the same bytes); lookups ignore case,
    as Asterisk does. `get` returns the first value of a key, `get_all` every value in order.
    Stored as (key, separator, value) triples: the decoder's C-level `str.partition` builds
    them directly, which keeps decoding close to a bare parser's speed.
    """

    __slots__ = ("_index", "_triples")

    _triples: list[tuple[str, str, str]]
    _index: dict[str, str]  # built on the first lookup

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()) -> None:
        self._triples = [(k, ": ", v) for k, v in pairs]

    @classmethod
    def _adopt(cls, triples: list[tuple[str, str, str]]) -> Message:
        """Wrap a fresh list of (key, sep, value) without copying it (the decoder's hot path)."""
        message = cls.__new__(cls)
        message._triples = triples
        return message

    @classmethod
    def of(cls, *pairs: tuple[str, str], **headers: str) -> Message:
        """Build a message from pairs and/or keyword headers (keyword order is kept)."""
        return cls([*pairs, *headers.items()])

    def _lookup(self) -> dict[str, str]:
        try:
            return self._index
        except AttributeError:
            index: dict[str, str] = {}
            for key, _sep, value in self._triples:
                index.setdefault(key.lower(), value)
            self._index = index
            return index

    def get(self, key: str, default: str | None = None) -> str | None:
        """The first value of `key` (any case), or `default`."""
        return self._lookup().get(key.lower(), default)

    def __getitem__(self, key: str) -> str:
        try:
            return self._lookup()[key.lower()]
        except KeyError:
            raise KeyError(key) from None

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key.lower() in self._lookup()

    def get_all(self, key: str) -> list[str]:
        """Every value of `key` (any case), in wire order."""
        wanted = key.lower()
        return [value for k, _sep, value in self._triples if k.lower() == wanted]

    def items(self) -> list[tuple[str, str]]:
        """All (key, value) pairs in wire order (a new list)."""
        return [(key, value) for key, _sep, value in self._triples]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.items())

    def __len__(self) -> int:
        return len(self._triples)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Message):
            return self.items() == other.items()
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable-looking container: not hashable

    def __repr__(self) -> str:
        return f"Message({self.items()!r})"

    @property
    def first(self) -> tuple[str, str]:
        """The first pair (`Event`/`Response`/`Action` in practice), or ('', '') when empty."""
        if not self._triples:
            return ("", "")
        key, _sep, value = self._triples[0]
        return (key, value)

    @property
    def event(self) -> str | None:
        """The `Event` header (events and list items), or None."""
        return self.get("Event")

    @property
    def response(self) -> str | None:
        """The `Response` header (`Success`, `Error`, `Goodbye`), or None."""
        return self.get("Response")

    @property
    def action(self) -> str | None:
        """The `Action` header (messages a client sends), or None."""
        return self.get("Action")

    @property
    def action_id(self) -> str | None:
        """The `ActionID` header, or None."""
        return self.get("ActionID")


def _check(text: str, is_value: bool, key: str) -> None:
    if "\r" in text or "\n" in text:
        # Translated only when raising: gettext costs more than the encoding itself.
        what = _("la valeur") if is_value else _("le nom")
        raise InvalidHeader(
            _("Retour à la ligne interdit dans {what} de l'en-tête AMI « {key} ».").format(
                what=what, key=key.replace("\r", "\\r").replace("\n", "\\n")
            )
        )


def encode_message(pairs: Message | Iterable[tuple[str, str]]) -> bytes:
    """The wire bytes of one message: `Key: Value\\r\\n` lines and the blank line.

    Raises InvalidHeader for CR or LF in a key or value, a colon in a key, an empty key, or a
    value that is not a string (an injected line would be a second, forged header).
    """
    parts: list[str] = []
    for key, value in pairs:
        if not isinstance(key, str) or not isinstance(value, str):
            raise InvalidHeader(
                _("En-tête AMI invalide : clé et valeur doivent être du texte ({key!r}).").format(
                    key=key
                )
            )
        if not key or ":" in key:
            raise InvalidHeader(_("Nom d'en-tête AMI invalide : « {key} ».").format(key=key))
        _check(key, False, key)
        _check(value, True, key)
        parts.append(f"{key}: {value}\r\n")
    parts.append("\r\n")
    return "".join(parts).encode("utf-8")


def encode_banner(version: str = "11.0.0") -> bytes:
    """The server's greeting line."""
    return f"{BANNER_PREFIX}{version}\r\n".encode()


def _parse_lines(text: str) -> Message:
    """Parse one frame's text, line by line, exactly: the key ends at the first colon, one
    space after it is dropped, trailing bare LFs of a value are stripped, blank lines skipped."""
    triples: list[tuple[str, str, str]] = []
    append = triples.append
    for line in text.split("\r\n"):
        if not line:
            continue
        key, sep, value = line.partition(":")
        if value[:1] == " ":
            value = value[1:]
        if value[-1:] == "\n":
            value = value.rstrip("\n")
        append((key, sep, value))
    return Message._adopt(triples)


def parse_text(text: str) -> Message:
    """Parse one frame's text (without its blank line) into a Message.

    Fast path for what Asterisk writes (every line `Key: Value`, no bare LF): one C-level
    partition per line. Anything else (a bare LF, a blank line, a line without `: `) takes the
    exact line-by-line parser.
    """
    lines = text.split("\r\n")
    if text.count("\n") == len(lines) - 1:
        triples = list(map(str.partition, lines, repeat(": ")))
        if "" not in map(_separator, triples) and ":" not in "".join(map(_key, triples)):
            return Message._adopt(triples)
    return _parse_lines(text)


def parse_frame(body: bytes) -> Message:
    """Decode one frame body (the bytes before the blank line) into a Message."""
    return parse_text(body.decode("utf-8", "replace"))


class Decoder:
    """Incremental decoder: `feed(bytes)` returns the complete messages seen so far.

    `expect_banner=True` on the client side: the first line is the server's banner. The buffer
    never holds more than `max_frame` bytes of an unfinished frame, and no frame may be longer:
    past that, FrameTooLarge.

    All complete frames of a read are decoded from UTF-8 at once: they end on a terminator, so
    no character is cut, and a CR or LF byte never belongs to a multi-byte character.
    """

    __slots__ = ("_buffer", "_expect_banner", "_scan_from", "event_filter", "max_frame")

    def __init__(self, *, expect_banner: bool = False, max_frame: int = DEFAULT_MAX_FRAME) -> None:
        self._buffer = bytearray()
        self._expect_banner = expect_banner
        self._scan_from = 0
        self.max_frame = max_frame
        #: When set, events (first header `Event`) whose name is not in it may be dropped
        #: without building a Message: the client sets it while nothing else waits for events.
        self.event_filter: Container[str] | None = None

    @property
    def buffered(self) -> int:
        """Bytes held waiting for the end of a frame."""
        return len(self._buffer)

    def feed(self, data: bytes) -> list[Message | Banner]:
        """Add bytes read from the socket; return the messages they complete, in order."""
        buffer = self._buffer
        buffer += data
        out: list[Message | Banner] = []
        limit = self.max_frame
        if self._expect_banner:
            end = buffer.find(LINE_END)
            if end < 0:
                if len(buffer) > limit:
                    self._fail(len(buffer), out)
                return out
            if end > limit:
                self._fail(end, out)
            out.append(Banner(bytes(buffer[:end]).decode("utf-8", "replace")))
            del buffer[: end + 2]
            self._expect_banner = False
            self._scan_from = 0
        # The bytes already searched hold no terminator: search only the new ones (and 3 back).
        end = buffer.rfind(TERMINATOR, max(0, self._scan_from - 3))
        if end < 0:
            if len(buffer) > limit:
                self._fail(len(buffer), out)
            self._scan_from = len(buffer)
            return out
        text = buffer[:end].decode("utf-8", "replace")
        del buffer[: end + 4]
        self._scan_from = len(buffer)
        if len(buffer) > limit:
            self._fail(len(buffer), self._frames(text, out))
        if len(text) <= limit // 4:
            # No frame can be too long (a character is at most 4 bytes): parse the whole read
            # with two C-level calls, then cut it at the blank lines. Exact only without a bare
            # LF and when every non-blank line holds `: `; otherwise frame by frame.
            lines = text.split("\r\n")
            if text.count("\n") == len(lines) - 1:
                triples = list(map(str.partition, lines, repeat(": ")))
                # A key holding a colon means the line's first colon is not followed by a
                # space: only the exact parser reads that as Asterisk does. Lines without any
                # colon come out the same from both parsers; blank lines separate frames.
                if ":" not in "".join(map(_key, triples)):
                    return self._cut(lines, triples, out, self.event_filter)
        return self._frames(text, out)

    @staticmethod
    def _cut(
        lines: list[str],
        triples: list[tuple[str, str, str]],
        out: list[Message | Banner],
        wanted: Container[str] | None,
    ) -> list[Message | Banner]:
        # Blank lines cut the read into frames; their indexes come from C-level iteration.
        blanks = list(compress(count(), map(not_, lines)))
        blanks.append(len(lines))
        new = Message.__new__
        append = out.append
        start = 0
        for stop in blanks:
            if stop > start:
                if wanted is not None:
                    key, _sep, name = triples[start]
                    if key == "Event" and name not in wanted:
                        start = stop + 1
                        continue
                message = new(Message)  # Message._adopt, inlined: this runs once per event
                message._triples = triples[start:stop]
                append(message)
            start = stop + 1
        return out

    def _frames(self, text: str, out: list[Message | Banner]) -> list[Message | Banner]:
        """Frame by frame: bounds checked on each, exact parser where the fast one is not."""
        quick = self.max_frame // 4
        for frame in text.split("\r\n\r\n"):
            if len(frame) > quick and len(frame.encode("utf-8", "replace")) > self.max_frame:
                self._fail(len(frame.encode("utf-8", "replace")), out)
            message = parse_text(frame) if frame else None
            if message:  # a run of blank lines is no message
                out.append(message)
        return out

    def _fail(self, size: int, out: list[Message | Banner]) -> None:
        self._buffer.clear()
        self._scan_from = 0
        raise FrameTooLarge(size, self.max_frame, out)


__all__ = [
    "BANNER_PREFIX",
    "DEFAULT_MAX_FRAME",
    "Banner",
    "CodecError",
    "Decoder",
    "FrameTooLarge",
    "InvalidHeader",
    "Message",
    "encode_banner",
    "encode_message",
    "parse_frame",
    "parse_text",
]
