"""The AMI server of the built-in PBX: sessions, login, permissions, event delivery.

Behaves like Asterisk 22's manager on the wire (tests/cti/transcripts/01, 20): the banner,
plain and MD5 logins, a failed login answered after 1 s then closed, `Permission denied`
before login, `Events` masks, Logoff's `Goodbye`, and `stop()` that tears every call down
(`SoftHangupRequest Cause: 4`), sends `Shutdown` and closes the sockets like `core restart`.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import itertools
import secrets
from collections.abc import Callable
from gettext import gettext as _

from cti.ami.codec import CodecError, Decoder, Message, encode_banner, encode_message
from cti.pbx.actions import Actions, Reply, error, ok
from cti.pbx.config import AmiAccount, PbxConfig
from cti.pbx.core import Clock, Pairs, Pbx
from cti.pbx.permissions import ALL, event_mask, may_run

#: Asterisk answers a wrong secret after this delay, then closes the socket.
LOGIN_FAILURE_DELAY = 1.0
#: Seconds a connection may stay without logging in (manager.conf authtimeout default).
AUTH_TIMEOUT = 30.0
OPEN_ACTIONS = frozenset({"login", "challenge", "logoff"})


class Session:
    """One AMI connection."""

    def __init__(
        self, server: PbxServer, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self.server = server
        self.reader = reader
        self.writer = writer
        self.decoder = Decoder(max_frame=64 * 1024)
        self.account: AmiAccount | None = None
        self.mask: frozenset[str] = ALL
        self.challenge: str | None = None
        self.closed = False

    def deliver(self, cls: str, data: bytes) -> None:
        account = self.account
        if account is None or self.closed:
            return
        if cls in account.read and cls in self.mask:
            self.writer.write(data)
            # A client that stops reading is dropped (Asterisk: writetimeout) rather than
            # letting its backlog grow without bound.
            if self.writer.transport.get_write_buffer_size() > self.server.max_pending_bytes:
                self.close()

    def write(self, pairs: Pairs, *, raw_lf: bool = False) -> None:
        if self.closed:
            return
        data = encode_message(pairs)
        if raw_lf:
            # Asterisk ends the Park response's Message with a bare LF (09).
            data = data.replace(b"Park successful\r\n", b"Park successful\n\r\n")
        self.writer.write(data)

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            with contextlib.suppress(Exception):
                self.writer.close()

    async def run(self) -> None:
        self.writer.write(encode_banner(self.server.config.ami_version))
        # manager.conf authtimeout: a connection that does not log in is closed.
        timer = self.server.clock.call_later(AUTH_TIMEOUT, self._auth_expired)
        try:
            while not self.closed:
                data = await self.reader.read(65536)
                if not data:
                    break
                try:
                    messages = self.decoder.feed(data)
                except CodecError:
                    break
                for message in messages:
                    if isinstance(message, Message):
                        await self.handle(message)
                    if self.closed:
                        break
                await self.writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            timer.cancel()
            self.close()
            self.server.sessions.discard(self)

    def _auth_expired(self) -> None:
        if self.account is None:
            self.close()

    async def handle(self, m: Message) -> None:
        action = m.action
        aid = m.action_id
        if not action:
            self.write(error(aid, "Missing action in request").frames[0])
            return
        name = action.lower()
        if self.account is None and name not in OPEN_ACTIONS:
            self.write(error(aid, "Permission denied").frames[0])
            return
        if name == "login":
            await self.login(m)
            return
        if name == "challenge":
            self.challenge = str(secrets.randbelow(10**9))
            self.write(ok(aid, None, ("Challenge", self.challenge)).frames[0])
            return
        if name == "logoff":
            self.write([*_head("Goodbye", aid), ("Message", "Thanks for all the fish.")])
            with contextlib.suppress(ConnectionError):
                await self.writer.drain()
            self.close()
            return
        if name == "events":
            self.mask = event_mask(m.get("EventMask") or "off")
            state = "On" if self.mask else "Off"
            self.write([*_head("Success", aid), ("Events", state)])
            return
        actions = self.server.actions
        if not actions.known(action):
            message = (
                f"Invalid/unknown command: {action}. "
                "Use Action: ListCommands to show available commands."
            )
            self.write(error(aid, message).frames[0])
            return
        assert self.account is not None
        if not may_run(action, self.account.write):
            self.write(error(aid, "Permission denied").frames[0])
            return
        await self.server.run_action(self, m)

    async def login(self, m: Message) -> None:
        aid = m.action_id
        if self.account is not None:
            self.write(ok(aid, "Already authenticated").frames[0])
            return
        account = self.server.config.account(m.get("Username") or "")
        good = False
        if account is not None:
            if (m.get("AuthType") or "").lower() == "md5":
                if self.challenge is not None:
                    digest = hashlib.md5((self.challenge + account.secret).encode()).hexdigest()
                    good = secrets.compare_digest(digest, (m.get("Key") or "").lower())
            else:
                good = secrets.compare_digest(account.secret, m.get("Secret") or "")
        if not good:
            await self.server.clock.sleep(LOGIN_FAILURE_DELAY)
            self.write(error(aid, "Authentication failed").frames[0])
            with contextlib.suppress(ConnectionError):
                await self.writer.drain()
            self.close()
            return
        self.account = account
        events = m.get("Events")
        self.mask = event_mask(events) if events is not None else ALL
        self.write(ok(aid, "Authentication accepted").frames[0])
        if "system" in account.read and "system" in self.mask:
            uptime = str(int(self.server.pbx.uptime()))
            self.write(
                [
                    ("Event", "FullyBooted"),
                    ("Privilege", "system,all"),
                    ("Uptime", uptime),
                    ("LastReload", uptime),
                    ("Status", "Fully Booted"),
                ]
            )


def _head(response: str, aid: str | None) -> Pairs:
    return [("Response", response), *([("ActionID", aid)] if aid is not None else [])]


class PbxServer:
    """The built-in training PBX served over AMI. See the package docstring."""

    def __init__(self, config: PbxConfig, clock: Clock) -> None:
        self.config = config
        self.clock = clock
        self.pbx = Pbx(config, clock)
        self.actions = Actions(self.pbx)
        self.sessions: set[Session] = set()
        self._server: asyncio.AbstractServer | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._calls = itertools.count(1)
        #: Bytes a session may leave unread before it is disconnected.
        self.max_pending_bytes = 8 << 20
        self.pbx.listeners.append(self._broadcast)

    @property
    def address(self) -> tuple[str, int] | None:
        if self._server is None or not self._server.sockets:
            return None
        host, port = self._server.sockets[0].getsockname()[:2]
        return host, port

    async def start(self, host: str = "127.0.0.1", port: int = 5038) -> tuple[str, int]:
        """Listen on `host:port` (port 0: any free port); returns the bound address."""
        self._server = await asyncio.start_server(self._accept, host, port)
        address = self.address
        assert address is not None
        return address

    async def stop(self, *, restart: bool = True) -> None:
        """Tear every call down, send `Shutdown`, close every connection and the listener."""
        self.pbx.shutdown()
        self.pbx.emit(
            "Shutdown",
            "system",
            [("Shutdown", "Cleanly"), ("Restart", "True" if restart else "False")],
        )
        for session in list(self.sessions):
            with contextlib.suppress(Exception):
                await session.writer.drain()
            session.close()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        # Closed sockets end the session tasks; a bounded wait, then cancel any straggler.
        pending = list(self._tasks)
        if pending:
            _done, late = await asyncio.wait(pending, timeout=1.0)
            for task in late:
                task.cancel()
        self.sessions.clear()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        session = Session(self, reader, writer)
        self.sessions.add(session)
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            await session.run()
        except asyncio.CancelledError:
            pass  # stop() cancelled a session that would not end; nothing to report
        finally:
            if task is not None:
                self._tasks.discard(task)

    def _broadcast(self, name: str, cls: str, pairs: Pairs) -> None:
        if not self.sessions:
            return
        data = encode_message([("Event", name), ("Privilege", f"{cls},all"), *pairs])
        for session in list(self.sessions):
            session.deliver(cls, data)

    async def run_action(self, session: Session, m: Message) -> None:
        """Run a call-control action: its Response first, then the events it caused."""
        pbx = self.pbx
        handler = self.actions.table[(m.action or "").lower()]
        with pbx.deferred() as held:
            reply: Reply = handler(m)
        if reply.wait is not None:
            if not reply.wait.done():
                pbx.release(held)
                held = []
                answered = await reply.wait
            else:
                answered = reply.wait.result()
            reply = self.actions.originate_result(m.action_id, answered)
        for index, frame in enumerate(reply.frames):
            session.write(frame, raw_lf=reply.raw_lf and index == 0)
        pbx.release(held)
        if reply.close:
            session.close()

    # ------------------------------------------------------------ trainer side
    def place_customer_call(
        self,
        number: str,
        queue: str,
        caller_name: str = "",
        hangup_after: float | None = None,
    ) -> str:
        """Make a customer call `queue` from `number` (the trainer's "incoming call").

        The same recipe as over AMI: Originate `Local/<number>@pstn-customer/n` into
        `inbound,<queue>`. Returns the call id (the customer leg's Uniqueid, its Linkedid).
        Raises ValueError for an unknown queue or a number that is not digits.
        """
        if self.config.queue(queue) is None:
            raise ValueError(_("File d'attente inconnue : « {queue} ».").format(queue=queue))
        if not number.isdigit():
            raise ValueError(
                _("Numéro d'appelant invalide : « {number} » (chiffres uniquement).").format(
                    number=number
                )
            )
        call_id = f"{self.config.system_name}-call-{next(self._calls)}"
        headers: Pairs = [
            ("Action", "Originate"),
            ("Channel", f"Local/{number}@pstn-customer/n"),
            ("Context", "inbound"),
            ("Exten", queue),
            ("Priority", "1"),
            ("CallerID", f'"{caller_name}" <{number}>' if caller_name else number),
            ("Async", "true"),
            ("ChannelId", call_id),
        ]
        if hangup_after is not None:
            headers.append(("Variable", f"CUSTOMER_HANGUP_AFTER={hangup_after:g}"))
        self.actions.do_Originate(Message(headers))
        return call_id

    def add_listener(self, listener: Callable[[str, str, Pairs], None]) -> None:
        """Receive every event in-process (name, class, headers)."""
        self.pbx.listeners.append(listener)
