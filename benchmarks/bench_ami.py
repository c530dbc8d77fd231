"""AMI decode throughput: our client beside a minimal asyncio parser and panoramisk.

The same 200,000 recorded-style events (every live event of the Asterisk 22 transcripts,
repeated in order) are fed as TCP-sized chunks to:

* `minimal`: a bare `asyncio.Protocol` that splits on CRLF CRLF and builds one dict per event;
* `codec`: our Decoder alone, every event decoded into a Message;
* `client`: our AmiClient's reading path, nobody subscribed (the decoder then drops events
  before building them: what a connection with no interested listener costs);
* `client+agent`: the same with an Agent attached (typed events and the state machine for the
  ~20 event names it follows; the rest ignored cheaply);
* `panoramisk`: its AMIProtocol.data_received (if it can be imported: it is not a dependency,
  `pip install panoramisk` into .venv to include it).

    .venv/bin/python benchmarks/bench_ami.py [--events 200000] [--chunk 16384] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "cti"))

import transcript_loader as tl

from cti.agent import Agent, AgentIdentity
from cti.ami.client import AmiClient, _Protocol, parse_ami_url
from cti.ami.codec import Decoder
from workstation.clock import VirtualClock


def recorded_events() -> list[bytes]:
    """Every live event frame (`Event:` + `Privilege:`) Asterisk sent in the transcripts."""
    out = []
    for name in tl.names():
        for frame in tl.frames(name):
            # `Shutdown` is left out: a client closes on it.
            if (
                frame.direction == "S->C"
                and frame.data.startswith(b"Event: ")
                and b"\r\nPrivilege: " in frame.data
                and not frame.data.startswith(b"Event: Shutdown")
            ):
                out.append(frame.data)
    return out


def build_stream(count: int, chunk: int) -> list[bytes]:
    frames = recorded_events()
    stream = b"".join(frames[i % len(frames)] for i in range(count))
    return [stream[i : i + chunk] for i in range(0, len(stream), chunk)]


class MinimalProtocol(asyncio.Protocol):
    """The baseline: split on CRLF CRLF, one dict per message, count events."""

    def __init__(self) -> None:
        self.buffer = b""
        self.events = 0

    def data_received(self, data: bytes) -> None:
        frames = (self.buffer + data).split(b"\r\n\r\n")
        self.buffer = frames.pop()
        for frame in frames:
            message = {}
            for line in frame.decode("utf-8").split("\r\n"):
                key, _, value = line.partition(": ")
                message[key] = value
            if "Event" in message:
                self.events += 1


def run_minimal(chunks: list[bytes]) -> int:
    protocol = MinimalProtocol()
    for chunk in chunks:
        protocol.data_received(chunk)
    return protocol.events


class _NullTransport:
    def write(self, data: bytes) -> None:
        pass

    def is_closing(self) -> bool:
        return False

    def abort(self) -> None:
        pass

    def close(self) -> None:
        pass


def make_client(with_agent: bool, counting: bool) -> tuple[_Protocol, list[int]]:
    clock = VirtualClock()
    client = AmiClient(parse_ami_url("ami://cti:x@127.0.0.1:5038"), clock)
    protocol = _Protocol(client)
    protocol.transport = _NullTransport()  # type: ignore[assignment]
    client._protocol = protocol
    client._decoder._expect_banner = False  # the stream holds events only
    counter = [0]
    if with_agent:
        Agent(client, clock, AgentIdentity("101"), wrap_up=False)
    if counting:  # only in the checking run: a catch-all subscriber forces typed parsing

        def count(event: Any) -> None:
            counter[0] += 1

        client.subscribe(count)
    return protocol, counter


def run_client(chunks: list[bytes], with_agent: bool = False, counting: bool = False) -> int:
    protocol, counter = make_client(with_agent, counting)
    for chunk in chunks:
        protocol.data_received(chunk)
    return counter[0]


def run_codec(chunks: list[bytes]) -> int:
    """The codec alone: every event becomes a Message (no filter, no routing)."""
    decoder = Decoder()
    events = 0
    for chunk in chunks:
        events += len(decoder.feed(chunk))
    return events


def run_panoramisk(chunks: list[bytes]) -> int:
    from panoramisk.ami_protocol import AMIProtocol

    class Factory:
        save_stream = None
        events = 0

        def dispatch(self, message: Any) -> None:
            Factory.events += 1

    protocol = AMIProtocol()
    protocol.connection_made(_NullTransport())
    protocol.factory = Factory()
    protocol.version = "11.0.0"
    for chunk in chunks:
        protocol.data_received(chunk)
    return Factory.events


def measure(name: str, run: Callable[[], int], rounds: int) -> float:
    """Best events/s over `rounds` runs (CPU time of this process: the machine is shared)."""
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return best


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--chunk", type=int, default=16384)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    chunks = build_stream(args.events, args.chunk)
    size = sum(len(c) for c in chunks)
    print(
        f"{args.events} events, {size / 1e6:.1f} MB in {len(chunks)} chunks of "
        f"{args.chunk} bytes, best of {args.rounds}"
    )
    contestants: list[tuple[str, Callable[[], int]]] = [
        ("minimal", lambda: run_minimal(chunks)),
        ("codec", lambda: run_codec(chunks)),
        ("client", lambda: run_client(chunks)),
        ("client+agent", lambda: run_client(chunks, with_agent=True)),
    ]
    try:
        import panoramisk  # noqa: F401

        contestants.append(("panoramisk", lambda: run_panoramisk(chunks)))
    except ImportError:
        print("panoramisk cannot be imported: left out (pip install panoramisk into .venv)")
    # Each path must see every event once before it is timed.
    checks = {
        "minimal": run_minimal(chunks),
        "codec": run_codec(chunks),
        "client": run_client(chunks, counting=True),
        "client+agent": run_client(chunks, with_agent=True, counting=True),
    }
    for name, count in checks.items():
        assert count == args.events, f"{name} counted {count} events"
    results = [(name, measure(name, run, args.rounds)) for name, run in contestants]
    baseline = args.events / results[0][1]
    for name, seconds in results:
        rate = args.events / seconds
        print(f"{name:<14} {rate:>12,.0f} events/s   {rate / baseline:5.2f}x minimal")


if __name__ == "__main__":
    asyncio.run(main())
