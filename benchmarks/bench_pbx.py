"""CPU per call of the built-in PBX: 30 agents in a queue and a steady inbound flow.

Runs on the virtual clock (hours of calls in seconds). An AMI client on loopback consumes the
whole event stream and plays the 30 agents over the wire: on AgentCalled it answers (Redirect
of the handset `;2`), and after the talk time it hangs up (Hangup of the handset). The trainer
side places one customer call every `--every` seconds into `accueil`. Prints the figures.

    .venv/bin/python benchmarks/bench_pbx.py [--calls 2000] [--every 2] [--talk 30]
"""

from __future__ import annotations

import argparse
import asyncio
import time

from cti.ami.codec import Decoder, Message, encode_message
from cti.pbx import PbxServer, default_config
from workstation.clock import VirtualClock

AGENTS = range(101, 131)


async def run(calls: int, every: float, talk: float) -> dict[str, float]:
    clock = VirtualClock()
    server = PbxServer(default_config(secret="bench"), clock)
    host, port = await server.start("127.0.0.1", 0)
    reader, writer = await asyncio.open_connection(host, port)
    decoder = Decoder(expect_banner=True)
    counts: dict[str, int] = {}
    received = 0

    def send(**headers: str) -> None:
        writer.write(encode_message(list(headers.items())))

    def on_event(m: Message) -> None:
        name = m.event or ""
        counts[name] = counts.get(name, 0) + 1
        if name == "AgentCalled":
            leg = m["DestChannel"]
            handset = leg[:-1] + "2"
            agent = leg.split("/", 1)[1].split("@", 1)[0]
            send(
                Action="Redirect",
                Channel=handset,
                Context="agent-answer",
                Exten=agent,
                Priority="1",
            )
        elif name == "AgentConnect":
            handset = m["DestChannel"][:-1] + "2"
            clock.call_later(talk, lambda: send(Action="Hangup", Channel=handset, Cause="16"))

    async def consume() -> None:
        nonlocal received
        while True:
            data = await reader.read(1 << 16)
            if not data:
                return
            received += len(data)
            for item in decoder.feed(data):
                if isinstance(item, Message) and item.event:
                    on_event(item)

    consumer = asyncio.create_task(consume())
    send(Action="Login", Username="cti", Secret="bench")
    for agent in AGENTS:
        send(
            Action="QueueAdd",
            Queue="accueil",
            Interface=f"Local/{agent}@agents/nm",
            MemberName=f"Agent {agent}",
        )
    await clock.advance(1)

    cpu0, wall0 = time.process_time(), time.perf_counter()
    for n in range(calls):
        server.place_customer_call(f"06{n:08d}", "accueil", f"Client {n}")
        await clock.advance(every)
    await clock.advance(talk + 60)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0

    writer.close()
    await server.stop(restart=False)
    consumer.cancel()
    await asyncio.gather(consumer, return_exceptions=True)
    events = sum(counts.values())
    return {
        "calls": calls,
        "connected": counts.get("AgentConnect", 0),
        "completed": counts.get("AgentComplete", 0),
        "abandoned": counts.get("QueueCallerAbandon", 0),
        "events": events,
        "bytes": received,
        "cpu_s": cpu,
        "wall_s": wall,
        "virtual_s": calls * every + talk + 60,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--every", type=float, default=2.0, help="seconds between calls")
    parser.add_argument("--talk", type=float, default=30.0, help="talk time in seconds")
    args = parser.parse_args()
    r = asyncio.run(run(args.calls, args.every, args.talk))
    calls = r["calls"]
    print(f"built-in PBX, 30 agents, 1 call every {args.every:g} s, talk {args.talk:g} s")
    print(
        f"calls {calls:.0f}: connected {r['connected']:.0f}, completed {r['completed']:.0f}, "
        f"abandoned {r['abandoned']:.0f}"
    )
    print(
        f"events {r['events']:.0f} ({r['events'] / calls:.1f} per call), "
        f"{r['bytes'] / 1e6:.1f} MB on the wire"
    )
    print(
        f"CPU {r['cpu_s']:.2f} s = {r['cpu_s'] / calls * 1000:.2f} ms per call "
        f"(server + client in one process); wall {r['wall_s']:.2f} s for "
        f"{r['virtual_s'] / 3600:.2f} h of calls"
    )


if __name__ == "__main__":
    main()
