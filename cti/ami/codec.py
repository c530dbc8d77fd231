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

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from gettext import gettext as _

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
    """

    __slots__ = ("_index", "_pairs")

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()) -> None:
        self._pairs: list[tuple[str, str]] = list(pairs)
        self._index: dict[str, str] | None = None

    @classmethod
    def of(cls, *pairs: tuple[str, str], **headers: str) -> Message:
        """Build a message from pairs and/or keyword headers (keyword order is kept)."""
        return cls([*pairs, *headers.items()])

    def _lookup(self) -> dict[str, str]:
        index = self._index
        if index is None:
            index = {}
            for key, value in self._pairs:
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
        return [value for k, value in self._pairs if k.lower() == wanted]

    def items(self) -> list[tuple[str, str]]:
        """All pairs in wire order (a copy)."""
        return list(self._pairs)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._pairs)

    def __len__(self) -> int:
        return len(self._pairs)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Message):
            return self._pairs == other._pairs
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable-looking container: not hashable

    def __repr__(self) -> str:
        return f"Message({self._pairs!r})"

    @property
    def first(self) -> tuple[str, str]:
        """The first pair (`Event`/`Response`/`Action` in practice), or ('', '') when empty."""
        return self._pairs[0] if self._pairs else ("", "")

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


def parse_frame(body: bytes) -> Message:
    """Decode one frame body (the bytes before the blank line) into a Message."""
    pairs: list[tuple[str, str]] = []
    append = pairs.append
    for line in body.decode("utf-8", "replace").split("\r\n"):
        if not line:
            continue
        key, _sep, value = line.partition(":")
        if value[:1] == " ":
            value = value[1:]
        if value[-1:] == "\n":
            value = value.rstrip("\n")
        append((key, value))
    return Message(pairs)


class Decoder:
    """Incremental decoder: `feed(bytes)` returns the complete messages seen so far.

    `expect_banner=True` on the client side: the first line is the server's banner. The buffer
    never holds more than `max_frame` bytes of an unfinished frame: past that, FrameTooLarge.
    """

    __slots__ = ("_buffer", "_expect_banner", "_scan_from", "max_frame")

    def __init__(self, *, expect_banner: bool = False, max_frame: int = DEFAULT_MAX_FRAME) -> None:
        self._buffer = bytearray()
        self._expect_banner = expect_banner
        self._scan_from = 0
        self.max_frame = max_frame

    @property
    def buffered(self) -> int:
        """Bytes held waiting for the end of a frame."""
        return len(self._buffer)

    def feed(self, data: bytes) -> list[Message | Banner]:
        """Add bytes read from the socket; return the messages they complete, in order."""
        buffer = self._buffer
        buffer += data
        out: list[Message | Banner] = []
        if self._expect_banner:
            end = buffer.find(LINE_END)
            if end < 0:
                if len(buffer) > self.max_frame:
                    self._fail(len(buffer), out)
                return out
            if end > self.max_frame:
                self._fail(end, out)
            out.append(Banner(bytes(buffer[:end]).decode("utf-8", "replace")))
            del buffer[: end + 2]
            self._expect_banner = False
        start = 0
        limit = self.max_frame
        find = buffer.find
        # Frames already known to have no terminator need not be searched again from 0.
        scan = max(0, self._scan_from - 3)
        while True:
            end = find(TERMINATOR, max(start, scan))
            if end < 0:
                break
            if end - start > limit:
                del buffer[:start]
                self._fail(end - start, out)
            body = bytes(buffer[start:end])
            start = end + 4
            # Blank lines between frames (a stray CRLF) make empty frames: skip them.
            if body.strip(b"\r\n"):
                out.append(parse_frame(body))
        if start:
            del buffer[:start]
        if len(buffer) > limit:
            self._fail(len(buffer), out)
        self._scan_from = len(buffer)
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
]
