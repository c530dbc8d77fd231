"""Asyncio AMI client: one session to an Asterisk (or the built-in PBX) on the app's loop.

* actions are futures matched by ActionID only, each with a timeout on the injected clock (tests
  run on a VirtualClock); list actions finish on their `*Complete` event and collect the items
  carrying their ActionID (item events reuse live event names, so the ActionID decides);
* events go to subscribers as typed events (registry in `events.py`) or, for names not
  registered, as the raw Message; nothing is parsed for an event nobody listens to, and a
  failing listener is logged, never kills the reader;
* a ping watchdog aborts a dead line; the client then reconnects with backoff and jitter, waits
  for `FullyBooted`, and runs the resync hooks (the call model re-adds its queue membership and
  rebuilds its calls). Actions in flight when the line died fail with ConnectionLost and are
  never sent again: replaying an Originate would place a second call;
* secrets (`Secret`, `Key`) never reach the log.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import hashlib
import itertools
import logging
import random
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from gettext import gettext as _
from typing import Any
from urllib.parse import unquote, urlsplit

from cti.ami.codec import (
    BANNER_PREFIX,
    DEFAULT_MAX_FRAME,
    Banner,
    Decoder,
    FrameTooLarge,
    Message,
    encode_message,
)
from cti.ami.errors import (
    ActionTimeout,
    AmiError,
    AuthenticationFailed,
    ConnectFailed,
    ConnectionLost,
    InvalidAmiUrl,
    NotAnAmiServer,
    NotConnected,
    error_for,
)
from cti.ami.events import REGISTRY, AmiEvent
from cti.clock import Clock, TimerHandle

log = logging.getLogger("cti.ami")

DEFAULT_PORT = 5038
SECRET_HEADERS = frozenset({"secret", "key"})

Listener = Callable[[Any], None]
ResyncHook = Callable[[], Awaitable[None]]
StateListener = Callable[["ConnectionState"], None]
Headers = Mapping[str, str] | Iterable[tuple[str, str]]


class ConnectionState(enum.Enum):
    """Where the session is. Only CONNECTED accepts actions."""

    DISCONNECTED = "disconnected"
    CONNECTING = "connecting"
    AUTHENTICATING = "authenticating"
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"
    CLOSED = "closed"


@dataclass(frozen=True)
class AmiUrl:
    """Where and as whom to connect. The secret is kept out of repr and str."""

    host: str
    port: int
    username: str
    secret: str = field(repr=False)

    def __str__(self) -> str:
        return f"ami://{self.username}@{self.host}:{self.port}"


def parse_ami_url(url: str) -> AmiUrl:
    """Parse `ami://user:secret@host[:port]` (port 5038 by default)."""
    parts = urlsplit(url.strip())
    if parts.scheme != "ami":
        raise InvalidAmiUrl(
            _("Adresse AMI invalide : elle doit commencer par ami:// (ex. {example}).").format(
                example="ami://cti:secret@127.0.0.1:5038"
            )
        )
    try:
        port = parts.port or DEFAULT_PORT
    except ValueError:
        raise InvalidAmiUrl(_("Adresse AMI invalide : numéro de port incorrect.")) from None
    if not parts.hostname:
        raise InvalidAmiUrl(_("Adresse AMI invalide : le nom ou l'adresse du PBX manque."))
    if not parts.username or parts.password is None:
        raise InvalidAmiUrl(
            _(
                "Adresse AMI invalide : l'utilisateur et le mot de passe manquent (ami://{example})."
            ).format(example="utilisateur:secret@hote:port")
        )
    return AmiUrl(parts.hostname, port, unquote(parts.username), unquote(parts.password))


@dataclass(frozen=True)
class ReconnectPolicy:
    """Exponential backoff with jitter. The cap stays low so that a PBX back from a restart is
    reached again within about 2 s."""

    initial: float = 0.1
    factor: float = 2.0
    maximum: float = 1.5
    jitter: float = 0.2

    def delay(self, attempt: int, rand: Callable[[], float]) -> float:
        """Seconds to wait before attempt number `attempt` (0-based)."""
        base = min(self.maximum, self.initial * self.factor**attempt)
        return base * (1.0 - self.jitter + 2.0 * self.jitter * rand())


@dataclass(frozen=True)
class ListResult:
    """A list action's Response, its items (in order) and the `*Complete` event."""

    response: Message
    items: list[Message]
    complete: Message | None


@dataclass
class _Pending:
    action: str
    future: asyncio.Future[Any]
    is_list: bool
    timer: TimerHandle | None = None
    response: Message | None = None
    items: list[Message] = field(default_factory=list)


def redacted(pairs: Iterable[tuple[str, str]]) -> str:
    """A message for the log, with secrets masked."""
    return ", ".join(f"{k}: {'********' if k.lower() in SECRET_HEADERS else v}" for k, v in pairs)


class _Protocol(asyncio.Protocol):
    def __init__(self, client: AmiClient) -> None:
        self.client = client
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.client._data_received(self, data)

    def connection_lost(self, exc: Exception | None) -> None:
        self.client._connection_lost(self)


class AmiClient:
    """One AMI session, reconnected on failure. Create it, `await connect()`, then act."""

    def __init__(
        self,
        url: AmiUrl,
        clock: Clock,
        *,
        events: bool = True,
        md5: bool = False,
        action_timeout: float = 10.0,
        connect_timeout: float = 5.0,
        booted_timeout: float = 3.0,
        ping_interval: float = 10.0,
        ping_timeout: float = 5.0,
        reconnect: ReconnectPolicy | None = ReconnectPolicy(),
        rand: Callable[[], float] = random.random,
        action_id_prefix: str = "acvd",
        max_frame: int = DEFAULT_MAX_FRAME,
    ) -> None:
        self.url = url
        self.clock = clock
        self.events_enabled = events
        self.md5 = md5
        self.action_timeout = action_timeout
        self.connect_timeout = connect_timeout
        self.booted_timeout = booted_timeout
        self.ping_interval = ping_interval
        self.ping_timeout = ping_timeout
        self.reconnect_policy = reconnect
        self.rand = rand
        self.max_frame = max_frame
        self.banner: Banner | None = None
        self._ids = (f"{action_id_prefix}-{n}" for n in itertools.count(1))
        self._state = ConnectionState.DISCONNECTED
        self._protocol: _Protocol | None = None
        self._decoder = Decoder(expect_banner=True, max_frame=max_frame)
        self._pending: dict[str, _Pending] = {}
        self._lists = 0
        # FullyBooted is always wanted (connect waits for it), hence its empty listener list.
        self._listeners: dict[str, list[tuple[Listener, bool]]] = {"FullyBooted": []}
        self._all_listeners: list[Listener] = []
        self._state_listeners: list[StateListener] = []
        self._resync_hooks: list[ResyncHook] = []
        self._waiters: list[tuple[Callable[[Message], bool], asyncio.Future[Message]]] = []
        self._banner_future: asyncio.Future[Banner] | None = None
        self._booted: asyncio.Future[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._ping_task: asyncio.Task[None] | None = None
        self._reconnect_task: asyncio.Task[None] | None = None
        self._closing = False

    # --- state and subscriptions --------------------------------------------------------

    @property
    def state(self) -> ConnectionState:
        """The current connection state."""
        return self._state

    def _set_state(self, state: ConnectionState) -> None:
        if state is self._state:
            return
        log.info("AMI %s: %s -> %s", self.url, self._state.value, state.value)
        self._state = state
        for listener in list(self._state_listeners):
            try:
                listener(state)
            except Exception:
                log.exception("AMI state listener failed")

    def on_state(self, listener: StateListener) -> Callable[[], None]:
        """Call `listener(state)` on each state change. Returns the unsubscribe function."""
        self._state_listeners.append(listener)
        return lambda: self._state_listeners.remove(listener)

    def subscribe(self, listener: Listener, *names: str, raw: bool = False) -> Callable[[], None]:
        """Call `listener(event)` for events named `names` (all events if none given).

        Registered names arrive as typed AmiEvents, others as the raw Message; with `raw=True`
        (named events only) the listener always gets the Message and nothing is parsed for it,
        so it can drop events cheaply. Returns the unsubscribe function.
        """
        if not names:
            self._all_listeners.append(listener)
            return lambda: self._all_listeners.remove(listener)
        entry = (listener, raw)
        for name in names:
            self._listeners.setdefault(name, []).append(entry)

        def unsubscribe() -> None:
            for name in names:
                self._listeners[name].remove(entry)

        return unsubscribe

    def add_resync_hook(self, hook: ResyncHook) -> None:
        """Run `await hook()` after each successful reconnection, in registration order."""
        self._resync_hooks.append(hook)

    def expect(
        self, predicate: Callable[[Message], bool], timeout: float, what: str = "événement"
    ) -> asyncio.Future[Message]:
        """A future for the next event matching `predicate`. Register it before acting."""
        future: asyncio.Future[Message] = asyncio.get_running_loop().create_future()
        entry = (predicate, future)
        self._waiters.append(entry)

        def expire() -> None:
            if not future.done():
                future.set_exception(ActionTimeout(what, timeout))

        timer = self.clock.call_later(timeout, expire)

        def done(_: asyncio.Future[Message]) -> None:
            timer.cancel()
            with contextlib.suppress(ValueError):
                self._waiters.remove(entry)

        future.add_done_callback(done)
        return future

    def next_action_id(self) -> str:
        """A fresh ActionID (to know it before sending, e.g. to match OriginateResponse)."""
        return next(self._ids)

    # --- connecting -----------------------------------------------------------------------

    async def connect(self) -> None:
        """Open the session: banner, login (plain or MD5), FullyBooted. Raises AmiError."""
        if self._state is ConnectionState.CONNECTED:
            return
        self._closing = False
        self._set_state(ConnectionState.CONNECTING)
        try:
            await self._open_session()
        except BaseException:
            self._abort()  # e.g. a Login that timed out leaves the socket open
            if self._state is not ConnectionState.CLOSED:
                self._set_state(ConnectionState.DISCONNECTED)
            raise

    async def _open_session(self) -> None:
        loop = asyncio.get_running_loop()
        self._decoder = Decoder(expect_banner=True, max_frame=self.max_frame)
        self._banner_future = loop.create_future()
        self._booted = loop.create_future()

        def factory() -> _Protocol:
            # Current before connection_made: the banner may arrive before we resume.
            self._protocol = _Protocol(self)
            return self._protocol

        try:
            _transport, protocol = await self._timed(
                loop.create_connection(factory, self.url.host, self.url.port),
                self.connect_timeout,
            )
        except (OSError, TimeoutError) as error:
            log.info("AMI %s: connection failed: %r", self.url, error)
            raise ConnectFailed(
                _(
                    "Impossible de joindre le PBX {host}:{port} : vérifiez qu'il est démarré, "
                    "son adresse et son port."
                ).format(host=self.url.host, port=self.url.port)
            ) from None
        try:
            banner = await self._timed(self._banner_future, self.connect_timeout)
        except TimeoutError:
            self._abort()
            raise NotAnAmiServer(
                _("Le serveur {host}:{port} ne s'est pas présenté comme un PBX AMI.").format(
                    host=self.url.host, port=self.url.port
                )
            ) from None
        if not banner.text.startswith(BANNER_PREFIX):
            self._abort()
            raise NotAnAmiServer(
                _("Le serveur {host}:{port} n'est pas un PBX AMI (« {banner} »).").format(
                    host=self.url.host, port=self.url.port, banner=banner.text[:60]
                )
            )
        self.banner = banner
        self._set_state(ConnectionState.AUTHENTICATING)
        await self._login()
        if self.events_enabled:
            # Asterisk sends FullyBooted right after the Login response to accounts that read
            # `system`; other accounts never get it, so waiting is bounded.
            with contextlib.suppress(TimeoutError):
                await self._timed(asyncio.shield(self._booted), self.booted_timeout)
        if self._protocol is not protocol:  # closed while we waited for FullyBooted
            raise ConnectFailed(_("Le PBX a fermé la connexion juste après l'authentification."))
        self._set_state(ConnectionState.CONNECTED)
        self._ping_task = self._spawn(self._watchdog(protocol))

    async def _login(self) -> None:
        headers: list[tuple[str, str]] = [("Username", self.url.username)]
        if self.md5:
            challenge = await self._send("Challenge", [("AuthType", "MD5")])
            digest = hashlib.md5(
                (challenge.get("Challenge", "") or "").encode() + self.url.secret.encode()
            ).hexdigest()
            headers += [("AuthType", "MD5"), ("Key", digest)]
        else:
            headers.append(("Secret", self.url.secret))
        if not self.events_enabled:
            headers.append(("Events", "off"))
        try:
            await self._send("Login", headers)
        except AmiError as error:
            if getattr(error, "reason", "") == "Authentication failed":
                self._abort()
                raise AuthenticationFailed() from None
            raise

    async def close(self) -> None:
        """Log off (best effort) and close for good; no reconnection after this."""
        self._closing = True
        for task in (self._reconnect_task, self._ping_task):
            if task is not None and task is not asyncio.current_task():
                task.cancel()
        if self._state is ConnectionState.CONNECTED:
            with contextlib.suppress(AmiError):
                await self._send("Logoff", (), timeout=min(2.0, self.action_timeout))
        self._abort()
        self._fail_all(ConnectionLost)
        self._set_state(ConnectionState.CLOSED)

    def drop_connection(self) -> None:
        """Abort the socket as a dead line would (the client then reconnects)."""
        self._abort()

    def _abort(self) -> None:
        protocol = self._protocol
        if protocol is not None and protocol.transport is not None:
            protocol.transport.abort()

    # --- actions --------------------------------------------------------------------------

    async def action(
        self,
        name: str,
        headers: Headers = (),
        *,
        action_id: str | None = None,
        timeout: float | None = None,
    ) -> Message:
        """Send an action and return its Response (raises the typed error of an Error)."""
        if self._state is not ConnectionState.CONNECTED:
            raise NotConnected()
        return await self._send(name, headers, action_id=action_id, timeout=timeout)

    async def list_action(
        self,
        name: str,
        headers: Headers = (),
        *,
        action_id: str | None = None,
        timeout: float | None = None,
    ) -> ListResult:
        """Send a list action (`EventList: start`) and return every item and the completion."""
        if self._state is not ConnectionState.CONNECTED:
            raise NotConnected()
        return await self._send(name, headers, action_id=action_id, timeout=timeout, is_list=True)

    async def _send(
        self,
        name: str,
        headers: Headers,
        *,
        action_id: str | None = None,
        timeout: float | None = None,
        is_list: bool = False,
    ) -> Any:
        protocol = self._protocol
        if protocol is None or protocol.transport is None or protocol.transport.is_closing():
            raise NotConnected()
        items = headers.items() if isinstance(headers, Mapping) else headers
        aid = action_id or self.next_action_id()
        pairs = [("Action", name), ("ActionID", aid), *items]
        data = encode_message(pairs)  # InvalidHeader before anything is registered or sent
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        pending = _Pending(name, future, is_list)
        seconds = self.action_timeout if timeout is None else timeout

        def expire() -> None:
            if self._pending.get(aid) is pending:
                self._forget(aid)
                if not future.done():
                    future.set_exception(ActionTimeout(name, seconds))

        pending.timer = self.clock.call_later(seconds, expire)
        self._pending[aid] = pending
        self._lists += is_list
        if log.isEnabledFor(logging.DEBUG):
            log.debug("AMI -> %s", redacted(pairs))
        protocol.transport.write(data)
        return await future

    def _forget(self, aid: str) -> _Pending | None:
        pending = self._pending.pop(aid, None)
        if pending is not None:
            self._lists -= pending.is_list
            if pending.timer is not None:
                pending.timer.cancel()
        return pending

    # --- reading --------------------------------------------------------------------------

    def _data_received(self, protocol: _Protocol, data: bytes) -> None:
        if protocol is not self._protocol:
            return
        busy = bool(self._lists or self._waiters or self._all_listeners)
        # While no list, waiter or catch-all listener is pending, events nobody subscribed to
        # are dropped by the decoder itself, before any Message is built.
        self._decoder.event_filter = None if busy else self._listeners
        try:
            messages = self._decoder.feed(data)
        except FrameTooLarge as error:
            log.error("AMI: %s", error)
            messages = error.messages
            self._abort()
        for message in messages:
            self.dispatch(message)

    def dispatch(self, message: Message | Banner) -> None:
        """Route one decoded message: Banner, Response, list item, or live event."""
        if isinstance(message, Banner):
            if self._banner_future is not None and not self._banner_future.done():
                self._banner_future.set_result(message)
            return
        assert isinstance(message, Message)
        key, value = message.first
        if key == "Event":
            # Hot path: a live event nobody waits for or listens to costs one dict lookup.
            if (
                self._lists
                or self._waiters
                or self._all_listeners
                or value in self._listeners
                or value == "FullyBooted"
            ):
                self._on_event(value, message)
        elif key == "Response":
            self._on_response(value, message)
        elif (name := message.event) is not None:
            self._on_event(name, message)
        elif (response := message.response) is not None:
            self._on_response(response, message)

    def _on_response(self, response: str, message: Message) -> None:
        aid = message.get("ActionID") or ""
        pending = self._pending.get(aid)
        if pending is None:
            log.debug("AMI: response for no pending action (%s)", aid or "sans ActionID")
            return
        if response == "Error":
            self._forget(aid)
            if not pending.future.done():
                pending.future.set_exception(error_for(pending.action, message.get("Message", "")))
            return
        if pending.is_list and (message.get("EventList") or "").lower() == "start":
            pending.response = message
            return
        self._forget(aid)
        if not pending.future.done():
            result = ListResult(message, [], None) if pending.is_list else message
            pending.future.set_result(result)

    def _on_event(self, name: str, message: Message) -> None:
        if self._lists:
            pending = self._pending.get(message.get("ActionID") or "")
            if pending is not None and pending.is_list:
                if (message.get("EventList") or "").lower() == "complete":
                    self._forget(message.get("ActionID") or "")
                    if not pending.future.done():
                        response = pending.response or message
                        pending.future.set_result(ListResult(response, pending.items, message))
                else:
                    pending.items.append(message)
                return
        if name == "FullyBooted" and self._booted is not None and not self._booted.done():
            self._booted.set_result(None)
        if self._waiters:
            for predicate, future in list(self._waiters):
                if not future.done() and predicate(message):
                    future.set_result(message)
        entries = self._listeners.get(name)
        if not entries and not self._all_listeners:
            return  # nobody listens: no parsing beyond the codec
        event: AmiEvent | Message | None = None  # typed on first need only
        for listener, raw in [*(entries or ()), *((a, False) for a in self._all_listeners)]:
            if not raw and event is None:
                cls = REGISTRY.get(name)
                event = cls.from_message(name, message) if cls else message
            try:
                listener(message if raw else event)
            except Exception:
                log.exception("AMI listener failed on %s", name)

    # --- losing the line, watchdog, reconnecting ---------------------------------------------

    def _connection_lost(self, protocol: _Protocol) -> None:
        if protocol is not self._protocol:
            return
        self._protocol = None
        if self._banner_future is not None and not self._banner_future.done():
            self._banner_future.set_exception(
                ConnectFailed(_("Le PBX a fermé la connexion avant de se présenter."))
            )
            self._banner_future.exception()  # read here: nobody may be waiting any more
        self._fail_all(ConnectionLost)
        if self._ping_task is not None:
            self._ping_task.cancel()
        if self._closing:
            self._set_state(ConnectionState.CLOSED)
        elif self._state is ConnectionState.CONNECTED:
            if self.reconnect_policy is None:
                self._set_state(ConnectionState.DISCONNECTED)
            else:
                self._set_state(ConnectionState.RECONNECTING)
                self._reconnect_task = self._spawn(self._reconnect())

    def _fail_all(self, error: Callable[[str], AmiError]) -> None:
        for aid in list(self._pending):
            pending = self._forget(aid)
            if pending is not None and not pending.future.done():
                pending.future.set_exception(error(pending.action))
        for _predicate, future in list(self._waiters):
            if not future.done():
                future.set_exception(error(""))

    async def _watchdog(self, protocol: _Protocol) -> None:
        """Ping every `ping_interval`; no Pong within `ping_timeout` means a dead line."""
        while protocol is self._protocol and not self._closing:
            await self.clock.sleep(self.ping_interval)
            if protocol is not self._protocol or self._state is not ConnectionState.CONNECTED:
                return
            try:
                await self._send("Ping", (), timeout=self.ping_timeout)
            except ActionTimeout:
                log.warning("AMI %s: no answer to Ping, the line is dead", self.url)
                self._abort()
                return
            except AmiError:
                return

    async def _reconnect(self) -> None:
        policy = self.reconnect_policy
        assert policy is not None
        for attempt in itertools.count():
            await self.clock.sleep(policy.delay(attempt, self.rand))
            if self._closing:
                return
            try:
                await self._open_session()
            except AmiError as error:
                log.warning("AMI %s: reconnection attempt %d failed: %s", self.url, attempt, error)
                self._abort()
                self._set_state(ConnectionState.RECONNECTING)
                continue
            for hook in list(self._resync_hooks):
                try:
                    await hook()
                except Exception:
                    log.exception("AMI resync hook failed")
            return

    # --- helpers ---------------------------------------------------------------------------

    async def _timed(self, awaitable: Awaitable[Any], seconds: float) -> Any:
        """Await with a timeout on the injected clock (TimeoutError when it expires)."""
        task = asyncio.ensure_future(awaitable)
        expired = False

        def expire() -> None:
            nonlocal expired
            if not task.done():
                expired = True
                task.cancel()

        timer = self.clock.call_later(seconds, expire)
        try:
            return await task
        except asyncio.CancelledError:
            if expired:
                raise TimeoutError from None
            raise
        finally:
            timer.cancel()

    def _spawn(self, coroutine: Awaitable[None]) -> asyncio.Task[None]:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task


__all__ = [
    "AmiClient",
    "AmiUrl",
    "ConnectionState",
    "ListResult",
    "ReconnectPolicy",
    "parse_ami_url",
    "redacted",
]
