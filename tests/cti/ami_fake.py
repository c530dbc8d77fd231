"""A tiny scripted AMI server for protocol tests (127.0.0.1, port 0).

It speaks the wire format through the project's codec: banner, Login (plain and MD5) with the
exact Asterisk texts, FullyBooted, Ping, Logoff, plus per-action handlers a test installs.
It can also replay a transcript: the k-th action received gets the S->C frames that followed
the k-th C->S frame in the recording, with the ActionIDs rewritten to the client's.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

import transcript_loader as tl

from cti.ami.codec import Decoder, Message, encode_banner, encode_message

Frames = list[list[tuple[str, str]]]
Handler = Callable[["FakeConnection", Message], Frames | None]


class FakeConnection(asyncio.Protocol):
    def __init__(self, server: FakeAmi) -> None:
        self.server = server
        self.decoder = Decoder()
        self.transport: asyncio.Transport | None = None
        self.logged_in = False
        self.challenge = "424242"
        self.received: list[Message] = []
        self.replay_index = 0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.server.connections.append(self)
        if self.server.close_before_banner:
            transport.abort()
            return
        transport.write(encode_banner())

    def connection_lost(self, exc: Exception | None) -> None:
        if self in self.server.connections:
            self.server.connections.remove(self)

    def send(self, pairs: list[tuple[str, str]]) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(encode_message(pairs))

    def data_received(self, data: bytes) -> None:
        for message in self.decoder.feed(data):
            assert isinstance(message, Message)
            self.received.append(message)
            self.server.actions.append(message)
            if not self.server.mute:
                self.handle(message)

    def reply(self, message: Message, *pairs: tuple[str, str]) -> None:
        aid = message.get("ActionID")
        head = [pairs[0]] + ([("ActionID", aid)] if aid else [])
        self.send(head + list(pairs[1:]))

    def handle(self, message: Message) -> None:
        action = (message.action or "").lower()
        if self.server.replay is not None:
            self.replay(message)
            return
        if action == "challenge":
            self.reply(message, ("Response", "Success"), ("Challenge", self.challenge))
            return
        if action == "login":
            custom = self.server.handlers.get("login")
            if custom is not None:
                custom(self, message)
            else:
                self.login(message)
            return
        if not self.logged_in:
            self.reply(message, ("Response", "Error"), ("Message", "Permission denied"))
            return
        handler = self.server.handlers.get(action)
        if handler is not None:
            for frame in handler(self, message) or []:
                self.send(frame)
        elif action == "ping":
            self.reply(
                message, ("Response", "Success"), ("Ping", "Pong"), ("Timestamp", "1.000000")
            )
        elif action == "logoff":
            self.reply(message, ("Response", "Goodbye"), ("Message", "Thanks for all the fish."))
            assert self.transport is not None
            self.transport.close()
        else:
            unknown = (
                f"Invalid/unknown command: {message.action}. "
                "Use Action: ListCommands to show available commands."
            )
            self.reply(message, ("Response", "Error"), ("Message", unknown))

    def login(self, message: Message) -> None:
        user = message.get("Username") or ""
        secret = self.server.users.get(user)
        if (message.get("AuthType") or "").lower() == "md5":
            expected = hashlib.md5((self.challenge + (secret or "")).encode()).hexdigest()
            ok = secret is not None and message.get("Key") == expected
        else:
            ok = secret is not None and message.get("Secret") == secret
        if not ok:
            self.reply(message, ("Response", "Error"), ("Message", "Authentication failed"))
            assert self.transport is not None
            self.transport.close()
            return
        self.logged_in = True
        self.reply(message, ("Response", "Success"), ("Message", "Authentication accepted"))
        if (message.get("Events") or "on").lower() != "off" and self.server.fully_booted:
            self.send(
                [
                    ("Event", "FullyBooted"),
                    ("Privilege", "system,all"),
                    ("Uptime", "1"),
                    ("LastReload", "1"),
                    ("Status", "Fully Booted"),
                ]
            )

    def replay(self, message: Message) -> None:
        script = self.server.replay
        assert script is not None and self.transport is not None
        if self.replay_index >= len(script):
            return
        recorded_aid, frames = script[self.replay_index]
        self.replay_index += 1
        aid = message.get("ActionID") or ""
        for frame in frames:
            if recorded_aid:
                frame = frame.replace(
                    f"ActionID: {recorded_aid}\r\n".encode(), f"ActionID: {aid}\r\n".encode()
                )
            self.transport.write(frame)


@dataclass
class FakeAmi:
    users: dict[str, str] = field(default_factory=lambda: {"cti": "cti-training"})
    handlers: dict[str, Handler] = field(default_factory=dict)
    fully_booted: bool = True
    mute: bool = False
    close_before_banner: bool = False
    replay: list[tuple[str, list[bytes]]] | None = None
    connections: list[FakeConnection] = field(default_factory=list)
    actions: list[Message] = field(default_factory=list)
    server: asyncio.AbstractServer | None = None
    port: int = 0

    async def start(self) -> FakeAmi:
        loop = asyncio.get_running_loop()
        self.server = await loop.create_server(lambda: FakeConnection(self), "127.0.0.1", self.port)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        """Stop listening and drop every connection (an Asterisk restart, as a socket sees it)."""
        if self.server is not None:
            self.server.close()
            for connection in list(self.connections):
                if connection.transport is not None:
                    connection.transport.abort()
            await self.server.wait_closed()
            self.server = None

    def url(self, user: str = "cti", secret: str = "cti-training") -> str:
        return f"ami://{user}:{secret}@127.0.0.1:{self.port}"

    def broadcast(self, pairs: list[tuple[str, str]]) -> None:
        for connection in self.connections:
            if connection.logged_in:
                connection.send(pairs)

    def load_replay(self, name: str, conn: str) -> None:
        """Script the server with a transcript's frames, one step per client action."""
        steps: list[tuple[str, list[bytes]]] = []
        for frame in tl.frames(name):
            if frame.conn != conn:
                continue
            if frame.direction == "C->S":
                sent = Decoder().feed(frame.data)[0]
                assert isinstance(sent, Message)
                steps.append((sent.get("ActionID") or "", []))
            elif steps:  # (the banner, before any action, is sent on connect)
                steps[-1][1].append(frame.data)
        self.replay = steps
