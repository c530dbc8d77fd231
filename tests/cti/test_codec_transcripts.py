"""The codec against the recorded Asterisk 22 traffic: byte-exact, both directions, any chunking."""

from __future__ import annotations

import itertools
import re

import pytest
import transcript_loader as tl
from hypothesis import given, settings
from hypothesis import strategies as st

from cti.ami.codec import (
    Banner,
    CodecError,
    Decoder,
    FrameTooLarge,
    InvalidHeader,
    Message,
    _parse_lines,
    encode_banner,
    encode_message,
    parse_text,
)

NAMES = tl.names()
# A value's trailing bare LF is stripped on decoding (`Park successful\n`, transcript 09).
BARE_LF_BEFORE_CRLF = re.compile(rb"(?<!\r)\n+(?=\r\n)")


def encode_any(item: Message | Banner) -> bytes:
    return encode_banner(item.version) if isinstance(item, Banner) else encode_message(item)


def decode_stream(chunks: list[bytes], *, server_side: bool) -> list[Message | Banner]:
    decoder = Decoder(expect_banner=server_side)
    out: list[Message | Banner] = []
    for chunk in chunks:
        out.extend(decoder.feed(chunk))
    assert decoder.buffered == 0
    return out


def test_all_twenty_transcripts_are_there() -> None:
    assert len(NAMES) == 20


@pytest.mark.parametrize("name", NAMES)
def test_transcript_decodes_frame_by_frame_and_reencodes_exactly(name: str) -> None:
    frames = tl.frames(name)
    stripped_lf = 0
    for (conn, direction), chunks in tl.streams(name).items():
        expected = [f.data for f in frames if f.conn == conn and f.direction == direction]
        decoded = decode_stream(chunks, server_side=direction == "S->C")
        assert len(decoded) == len(expected)
        for item, raw in zip(decoded, expected, strict=True):
            wire = BARE_LF_BEFORE_CRLF.sub(b"", raw)
            stripped_lf += wire != raw
            assert encode_any(item) == wire
    # Exactly the two `Park successful\n` responses of 09 carry a bare LF.
    assert stripped_lf == (2 if name.startswith("09-") else 0)


@pytest.mark.parametrize("name", NAMES)
def test_server_side_decodes_the_client_actions(name: str) -> None:
    without_action = 0
    for (_conn, direction), chunks in tl.streams(name).items():
        if direction == "C->S":
            actions = decode_stream(chunks, server_side=False)
            assert actions and all(isinstance(a, Message) for a in actions)
            without_action += sum(1 for a in actions if not a.action)
    # 01 sends one frame without `Action:` on purpose (`Missing action in request`).
    assert without_action == (1 if name.startswith("01-") else 0)


@pytest.mark.parametrize("name", NAMES)
def test_one_byte_at_a_time_gives_the_same_messages(name: str) -> None:
    for (_conn, direction), chunks in tl.streams(name).items():
        whole = b"".join(chunks)
        bytewise = [whole[i : i + 1] for i in range(len(whole))]
        server = direction == "S->C"
        assert decode_stream(bytewise, server_side=server) == decode_stream(
            chunks, server_side=server
        )


def test_first_message_of_each_server_stream_is_the_banner() -> None:
    chunks = tl.streams("01-ami-login-and-errors")[("c1", "S->C")]
    decoded = decode_stream(chunks, server_side=True)
    assert decoded[0] == Banner("Asterisk Call Manager/11.0.0")
    assert decoded[0].version == "11.0.0"
    assert decoded[1].get("Message") == "Permission denied"


def non_ascii_frames() -> list[bytes]:
    return [f.data for n in NAMES for f in tl.frames(n) if any(b > 127 for b in f.data)]


def test_utf8_split_at_every_byte_survives() -> None:
    frames = non_ascii_frames()
    assert frames, "02 carries `Pause déjeuner`"
    for raw in frames:
        reference = decode_stream([raw], server_side=False)
        for cut in range(1, len(raw)):
            assert decode_stream([raw[:cut], raw[cut:]], server_side=False) == reference


def test_utf8_text_is_decoded() -> None:
    chunks = tl.streams("02-queue-member-login-pause")[("cti", "S->C")]
    reasons = {
        m.get("PausedReason")
        for m in decode_stream(chunks, server_side=True)
        if isinstance(m, Message) and m.get("PausedReason")
    }
    assert "Pause déjeuner" in reasons


def test_park_response_loses_only_its_trailing_lf() -> None:
    chunks = tl.streams("09-hold-park")[("cti", "S->C")]
    messages = [m for m in decode_stream(chunks, server_side=True) if isinstance(m, Message)]
    parks = [m for m in messages if (m.get("Message") or "").startswith("Park successful")]
    assert [m.get("Message") for m in parks] == ["Park successful", "Park successful"]


def test_repeated_keys_are_kept_in_order() -> None:
    messages = decode_stream(tl.streams("19-listings")[("cti", "S->C")], server_side=True)
    command = next(m for m in messages if isinstance(m, Message) and m.get_all("Output"))
    outputs = command.get_all("output")
    assert len(outputs) > 3
    assert outputs[0].startswith("support has 1 calls")
    assert "" in outputs  # empty CLI lines arrive as `Output: `
    status = next(m for m in messages if isinstance(m, Message) and len(m.get_all("Variable")) > 1)
    assert status.get_all("Variable")[:2] == ["AGENT=(null)", "QUEUENAME=support"]


def test_lookup_ignores_case_and_keeps_spelling() -> None:
    message = Message.of(("ActionID", "a-1"), ("Variable", "A=1"), ("variable", "B=2"))
    assert message.get("actionid") == message["ACTIONID"] == message.action_id == "a-1"
    assert message.get_all("VARIABLE") == ["A=1", "B=2"]
    assert message.get("Missing") is None and "missing" not in message
    assert encode_message(message) == b"ActionID: a-1\r\nVariable: A=1\r\nvariable: B=2\r\n\r\n"
    with pytest.raises(KeyError):
        message["Missing"]


@pytest.mark.parametrize(
    "pairs",
    [
        [("Action", "QueuePause"), ("Reason", "Pause\r\nAction: Hangup")],
        [("Action", "QueuePause"), ("Reason", "deux\nlignes")],
        [("Act\nion", "Ping")],
        [("", "Ping")],
        [("Action: Ping", "x")],
    ],
)
def test_encoding_rejects_line_breaks_and_bad_keys(pairs: list[tuple[str, str]]) -> None:
    with pytest.raises(InvalidHeader) as error:
        encode_message(pairs)
    assert "AMI" in str(error.value)


def test_oversized_frame_is_a_typed_error_and_the_buffer_stays_bounded() -> None:
    decoder = Decoder(max_frame=64)
    first = decoder.feed(b"Action: Ping\r\n\r\n")
    assert [m.action for m in first if isinstance(m, Message)] == ["Ping"]
    with pytest.raises(FrameTooLarge) as error:
        for _ in range(10):
            decoder.feed(b"X" * 20)
    assert error.value.limit == 64
    assert decoder.buffered == 0


def test_oversized_complete_frame_keeps_the_messages_before_it() -> None:
    decoder = Decoder(max_frame=32)
    with pytest.raises(FrameTooLarge) as error:
        decoder.feed(b"Action: Ping\r\n\r\nAction: " + b"Y" * 40 + b"\r\n\r\n")
    assert [m.action for m in error.value.messages if isinstance(m, Message)] == ["Ping"]


def test_oversized_banner_is_refused() -> None:
    decoder = Decoder(expect_banner=True, max_frame=16)
    with pytest.raises(FrameTooLarge):
        decoder.feed(b"A" * 17)


def test_lines_without_the_space_are_read_as_asterisk_reads_them() -> None:
    # Asterisk's own action parser: the key ends at the first colon, blanks are skipped.
    for chunks in ([b"Action:Ping\r\nActionID: a: b\r\n\r\n"], [b"Action:Ping\r\n", b"Act"]):
        decoder = Decoder()
        decoded = [m for c in chunks for m in decoder.feed(c)]
        if decoded:
            (message,) = decoded
            assert message.items() == [("Action", "Ping"), ("ActionID", "a: b")]
    (message,) = Decoder().feed(b"Event: X\r\nNoColonLine\r\nKey:\r\n\r\n")
    assert message.items() == [("Event", "X"), ("NoColonLine", ""), ("Key", "")]


def test_stray_blank_lines_between_frames_are_ignored() -> None:
    decoded = Decoder().feed(b"\r\n\r\nAction: Ping\r\n\r\n\r\n\r\nAction: Logoff\r\n\r\n")
    assert [m.action for m in decoded if isinstance(m, Message)] == ["Ping", "Logoff"]


# --- Fuzz -----------------------------------------------------------------------------------

keys = st.text(
    alphabet=st.characters(blacklist_characters=":\r\n", blacklist_categories=["Cs"]),
    min_size=1,
    max_size=12,
)
values = st.text(
    alphabet=st.characters(blacklist_characters="\r\n", blacklist_categories=["Cs"]),
    max_size=30,
)
messages = st.lists(st.tuples(keys, values), min_size=1, max_size=8).map(Message)


def chunked(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts})
    edges = [0, *points, len(data)]
    return [data[a:b] for a, b in itertools.pairwise(edges)]


@settings(max_examples=200, deadline=None)
@given(st.lists(messages, max_size=5), st.lists(st.integers(min_value=0), max_size=12))
def test_encoded_messages_decode_back_under_any_chunking(
    sent: list[Message], cuts: list[int]
) -> None:
    wire = encode_banner() + b"".join(encode_message(m) for m in sent)
    decoded = decode_stream(chunked(wire, cuts), server_side=True)
    assert decoded[0] == Banner("Asterisk Call Manager/11.0.0")
    assert decoded[1:] == sent


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.binary(max_size=80), max_size=12),
    st.booleans(),
    st.integers(min_value=8, max_value=200),
)
def test_arbitrary_bytes_never_crash_and_never_grow_the_buffer(
    pieces: list[bytes], banner: bool, limit: int
) -> None:
    decoder = Decoder(expect_banner=banner, max_frame=limit)
    for piece in pieces:
        try:
            decoded = decoder.feed(piece)
        except CodecError:
            decoded = []
        assert all(isinstance(m, Message | Banner) for m in decoded)
        assert decoder.buffered <= limit


lines_text = st.lists(
    st.one_of(
        st.tuples(keys, values).map(lambda kv: f"{kv[0]}: {kv[1]}"),
        st.text(alphabet=st.sampled_from("ab: \n"), max_size=8),
    ),
    min_size=1,
    max_size=6,
).map("\r\n".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(lines_text, min_size=1, max_size=4), st.lists(st.integers(min_value=0), max_size=6))
def test_the_fast_whole_read_path_parses_exactly_like_the_line_parser(
    frames: list[str], cuts: list[int]
) -> None:
    # Lines such as `:: `, `Key:value`, bare LFs and runs of blank lines included.
    wire = "".join(f"{frame}\r\n\r\n" for frame in frames).encode()
    decoder = Decoder()
    fast = [m for chunk in chunked(wire, cuts) for m in decoder.feed(chunk)]
    exact = [_parse_lines(frame) for frame in wire.decode().split("\r\n\r\n")[:-1]]
    assert fast == [m for m in exact if len(m)]
    for frame in frames:
        assert parse_text(frame) == _parse_lines(frame)


def test_event_filter_drops_only_unwanted_events() -> None:
    wire = b"".join(f.data for f in tl.frames("03-inbound-answer-redirect") if f.conn == "cti")
    everything = [m for m in Decoder(expect_banner=False).feed(wire) if isinstance(m, Message)]
    decoder = Decoder()
    decoder.event_filter = {"AgentCalled", "Hangup"}
    kept = [m for m in decoder.feed(wire) if isinstance(m, Message)]
    expected = [m for m in everything if m.event in (None, "AgentCalled", "Hangup")]
    assert kept == expected
    assert {m.event for m in kept} == {None, "AgentCalled", "Hangup"}  # None: responses, actions
