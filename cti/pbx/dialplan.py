"""The number plan: what each context of the shipped extensions.conf does.

Contexts (cti/asterisk/extensions.conf holds the same plan for a real Asterisk):

* `pstn-customer` `_X.`: the customer's handset; answers, hangs up after
  `CUSTOMER_HANGUP_AFTER` seconds (default 3600).
* `inbound` `<queue>`: a customer call entering `Queue(<queue>,t)`.
* `agents` `_1XX`: an agent handset rung by a queue; rings until answered (Redirect to
  `agent-answer`), 300 s at most. `agents-dbflag`: answers when AstDB `cti-answer/<agent>` = 1.
* `agent-answer` `_1XX` (priority `talk` skips the Answer), `agent-hold` `_1XX` (HOLD through
  the pair; `#` resumes), `agent-phone` `_1XX` (auto-answer, click-to-dial and auto-answer
  members).
* `outbound` `_0XXXXXXXXX`: `Dial(Local/<n>@pstn/n,20,T)`.
* `pstn`: 0140000001 answers after 2 s, …02 busy, …03 never answers, …04 congestion,
  …05 answers then hangs up after 4 s; any other 0XXXXXXXXX (a customer called back)
  answers after 2 s like …01.
* `internal`: 2XX dials `[phones]`, 1XX dials an agent (`Dial(…,t)` in the shipped plan: the
  agent may transfer), 0XXXXXXXXX goes to `outbound`, parking spaces retrieve a parked call.
* `phones` `2XX`: ring 2 s, answer; 299 never answers.
* `hold`: `moh` plays music, `wait` waits (the Redirect-hold recipe).
* `parkedcalls`: 701–720 retrieve a parked call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cti.pbx.channels import SOFT_EXPLICIT, UP, Channel

if TYPE_CHECKING:
    from cti.pbx.core import DialAttempt, Pbx

PSTN_NUMBERS = ("0140000001", "0140000002", "0140000003", "0140000004", "0140000005")
LONG = 3600.0


def _is_external(exten: str) -> bool:
    return len(exten) == 10 and exten.startswith("0") and exten.isdigit()


class Dialplan:
    """Runs the contexts above on channels, with timers on the PBX clock."""

    def __init__(self, pbx: Pbx) -> None:
        self.pbx = pbx
        self.config = pbx.config

    # ----------------------------------------------------------------- lookup
    def exists(self, context: str, exten: str) -> bool:
        """True when `<exten>@<context>` is in the plan (else Originate/Dial fail at once)."""
        cfg = self.config
        if context == "pstn-customer":
            return exten.isdigit()
        if context == "inbound":
            return cfg.queue(exten) is not None
        if context in ("agents", "agents-dbflag", "agent-answer", "agent-phone"):
            return cfg.is_agent(exten)
        if context == "agent-hold":
            return cfg.is_agent(exten) or exten == "#"
        if context == "outbound":
            return _is_external(exten)
        if context == "pstn":
            return exten in PSTN_NUMBERS or (cfg.pstn_any_number and _is_external(exten))
        if context == "internal":
            return (
                cfg.is_phone(exten)
                or cfg.is_agent(exten)
                or _is_external(exten)
                or self.pbx.parking.is_space(exten)
            )
        if context == "phones":
            return cfg.is_phone(exten)
        if context == "hold":
            return exten in ("moh", "wait")
        if context == "parkedcalls":
            return self.pbx.parking.is_space(exten) or exten == self.config.parking.parkext
        return context == "park-dial"

    # ------------------------------------------------------------------ steps
    def _at(self, ch: Channel, context: str, exten: str, priority: int, app: str = "") -> None:
        ch.context, ch.exten, ch.priority = context, exten, priority
        ch.app, ch.app_data = app, ""

    def _wait(self, ch: Channel, seconds: float, then: object) -> None:
        ch.app = "Wait"
        ch.timer = self.pbx.clock.call_later(seconds, then)  # type: ignore[arg-type]

    def _end(self, ch: Channel, cause: int = 16) -> None:
        """`Hangup(cause)` in the dialplan (or the end of the extension)."""
        ch.timer = None
        self.pbx.hangup(ch, cause, soft=SOFT_EXPLICIT)

    def _seconds(self, ch: Channel, variable: str) -> float:
        try:
            value = float(ch.variables.get(variable, ""))
        except ValueError:
            return LONG
        return value if value > 0 else LONG

    # -------------------------------------------------------------------- run
    def run(self, ch: Channel, context: str, exten: str, priority: int | str = 1) -> None:
        """Start `<exten>@<context>` at `priority` on `ch` (a number or the label `talk`)."""
        if ch.gone:
            return
        ch.in_pbx = True
        if not self.exists(context, exten):
            self._at(ch, context, exten, 1)
            self._end(ch, 16)
            return
        handler = getattr(self, "_ctx_" + context.replace("-", "_"))
        handler(ch, exten, str(priority))

    def _ctx_pstn_customer(self, ch: Channel, exten: str, priority: str) -> None:
        self._at(ch, "pstn-customer", exten, 1, "Answer")
        self.pbx.answer(ch)
        if ch.gone:
            return
        ch.priority = 2
        self._wait(ch, self._seconds(ch, "CUSTOMER_HANGUP_AFTER"), lambda: self._end(ch, 16))

    def _ctx_inbound(self, ch: Channel, exten: str, priority: str) -> None:
        self._at(ch, "inbound", exten, 3, "Queue")
        if ch.state != UP:
            self.pbx.answer(ch)
        self.pbx.queues.join(ch, exten)

    def _ctx_agents(self, ch: Channel, exten: str, priority: str) -> None:
        self._at(ch, "agents", exten, 3, "Wait")
        ch.variables["AGENT"] = exten
        self.pbx.ringing(ch)
        self._wait(ch, 300, lambda: self._end(ch, 19))

    def _ctx_agents_dbflag(self, ch: Channel, exten: str, priority: str) -> None:
        self._at(ch, "agents-dbflag", exten, 4, "WaitForCondition")
        ch.variables["AGENT"] = exten
        key = ("cti-answer", exten)
        self.pbx.astdb.pop(key, None)
        self.pbx.ringing(ch)

        def poll() -> None:
            if ch.gone:
                return
            if self.pbx.astdb.get(key) == "1":
                self.pbx.astdb.pop(key, None)
                self.run(ch, "agent-answer", exten, 1)
                return
            if self.pbx.clock.monotonic() - started >= 300:
                self._end(ch, 19)
                return
            ch.timer = self.pbx.clock.call_later(0.1, poll)

        started = self.pbx.clock.monotonic()
        ch.timer = self.pbx.clock.call_later(0.1, poll)

    def _ctx_agent_answer(self, ch: Channel, exten: str, priority: str) -> None:
        ch.variables["AGENT"] = exten
        if priority != "talk":
            self._at(ch, "agent-answer", exten, 2, "Answer")
            self.pbx.answer(ch)
            if ch.gone:
                return
        self._at(ch, "agent-answer", exten, 3)
        self._wait(ch, LONG, lambda: self._end(ch, 16))

    def _ctx_agent_hold(self, ch: Channel, exten: str, priority: str) -> None:
        agent = ch.variables.get("AGENT", exten)
        if exten == "#":
            self.run(ch, "agent-answer", agent, "talk")
            return
        self._at(ch, "agent-hold", exten, 2, "WaitExten")
        ch.variables["AGENT"] = exten
        self.pbx.indicate_hold(ch, True)

        def key(digit: str) -> None:
            if digit == "#":
                ch.on_dtmf = None
                if ch.timer is not None:
                    ch.timer.cancel()
                    ch.timer = None
                self.pbx.indicate_hold(ch, False)
                self.run(ch, "agent-answer", agent, "talk")

        ch.on_dtmf = key
        ch.timer = self.pbx.clock.call_later(LONG, lambda: self._end(ch, 16))

    def _ctx_agent_phone(self, ch: Channel, exten: str, priority: str) -> None:
        self._at(ch, "agent-phone", exten, 2, "Answer")
        ch.variables["AGENT"] = exten
        self.pbx.answer(ch)
        if not ch.gone:
            self.run(ch, "agent-answer", exten, "talk")

    def _ctx_outbound(self, ch: Channel, exten: str, priority: str) -> None:
        self._at(ch, "outbound", exten, 2, "Dial")
        ch.variables["CAN_TRANSFER"] = "1"  # Dial(…,T): the caller may transfer
        self.dial_app(ch, f"Local/{exten}@pstn/n", self.config.dial_timeout)

    def _ctx_pstn(self, ch: Channel, exten: str, priority: str) -> None:
        pbx = self.pbx
        if exten == "0140000002":
            self._at(ch, "pstn", exten, 1, "Busy")
            pbx.busy(ch)
        elif exten == "0140000004":
            self._at(ch, "pstn", exten, 1, "Congestion")
            pbx.busy(ch, congestion=True)
        elif exten == "0140000003":
            self._at(ch, "pstn", exten, 2, "Ringing")
            pbx.ringing(ch)
            self._wait(ch, 600, lambda: self._end(ch, 16))
        elif exten == "0140000005":
            self._at(ch, "pstn", exten, 1, "Answer")
            pbx.answer(ch)
            if not ch.gone:
                ch.priority = 2
                self._wait(ch, self.config.pstn_short_call, lambda: self._end(ch, 16))
        else:
            self._at(ch, "pstn", exten, 2, "Ringing")
            pbx.ringing(ch)

            def pick_up() -> None:
                ch.priority = 3
                pbx.answer(ch)
                if not ch.gone:
                    ch.priority = 4
                    after = self._seconds(ch, "PSTN_HANGUP_AFTER")
                    self._wait(ch, after, lambda: self._end(ch, 16))

            self._wait(ch, self.config.pstn_answer_after, pick_up)

    def _ctx_internal(self, ch: Channel, exten: str, priority: str) -> None:
        cfg = self.config
        if _is_external(exten):
            self.run(ch, "outbound", exten, 1)
        elif self.pbx.parking.is_space(exten):
            self._at(ch, "internal", exten, 1, "ParkedCall")
            self.pbx.parking.retrieve(ch, exten)
        elif cfg.is_agent(exten):
            self._at(ch, "internal", exten, 2, "Dial")
            self.dial_app(
                ch,
                f"Local/{exten}@agents/nm",
                cfg.dial_timeout,
                callee_transfers=cfg.internal_agent_transfer,
            )
        else:
            self._at(ch, "internal", exten, 2, "Dial")
            self.dial_app(ch, f"Local/{exten}@phones/n", cfg.dial_timeout)

    def _ctx_phones(self, ch: Channel, exten: str, priority: str) -> None:
        pbx = self.pbx
        self._at(ch, "phones", exten, 1, "Ringing")
        pbx.ringing(ch)
        if exten == self.config.never_answers:
            self._wait(ch, 600, lambda: self._end(ch, 16))
            return

        def pick_up() -> None:
            ch.priority = 3
            pbx.answer(ch)
            if not ch.gone:
                ch.priority = 4
                self._wait(ch, LONG, lambda: self._end(ch, 16))

        self._wait(ch, self.config.phone_answer_after, pick_up)

    def _ctx_hold(self, ch: Channel, exten: str, priority: str) -> None:
        if exten == "moh":
            self._at(ch, "hold", "moh", 1, "MusicOnHold")
            self.pbx.start_moh(ch)
        else:
            self._at(ch, "hold", "wait", 1)
        ch.after_bridge = lambda c: self._end(c, 16)
        self._wait(ch, LONG, lambda: self._end(ch, 16))

    def _ctx_parkedcalls(self, ch: Channel, exten: str, priority: str) -> None:
        if exten == self.config.parking.parkext:
            self._at(ch, "parkedcalls", exten, 1, "Park")
            self.pbx.parking.park_self(ch)
            return
        self._at(ch, "parkedcalls", exten, 1, "ParkedCall")
        self.pbx.parking.retrieve(ch, exten)

    def _ctx_park_dial(self, ch: Channel, exten: str, priority: str) -> None:
        self._at(ch, "park-dial", exten, 1, "Dial")
        target = ch.variables.get("PARKER", "")
        self.dial_app(ch, target + "/n", self.config.parking.comebackdialtime)

    # ------------------------------------------------------------------- Dial
    def dial_app(
        self, ch: Channel, target: str, timeout: float, *, callee_transfers: bool = False
    ) -> None:
        """`Dial(<target>,<timeout>)`: bridge on answer, then the caller's dialplan ends.

        `callee_transfers`: option `t`, the called party may transfer (Atxfer).
        """
        pbx = self.pbx

        previous = ch.on_hangup  # e.g. the queue of a parked-then-called-back customer

        def answered(attempt: DialAttempt) -> None:
            ch.on_hangup = previous
            if ch.gone:
                return
            ch.app = "Dial"
            if ch.state != UP:
                pbx.answer(ch)  # the bridge answers the caller (a ;2 answers its ;1)
            ch.after_bridge = lambda c: self._end(c, 16)
            pbx.bridge_two(attempt.dest, ch)

        def failed(attempt: DialAttempt, status: str) -> None:
            ch.on_hangup = previous
            if status != "CHANUNAVAIL":
                pbx.fail_dial(attempt, status)
            if not ch.gone:
                ch.priority += 2
                self._end(ch, 16)

        def caller_gone(gone: Channel) -> None:
            if holder and holder[0] is not None:
                pbx.cancel_dial(holder[0], 16, twice=False)
            if previous is not None:
                previous(gone)

        holder: list[DialAttempt | None] = []
        ch.on_hangup = caller_gone

        def ringing(_attempt: DialAttempt) -> None:
            if ch.half == 2:
                pbx.ringing(ch)  # the ringback goes back through a Local pair

        attempt = pbx.dial(
            ch,
            target,
            on_answer=answered,
            on_fail=failed,
            on_ringing=ringing,
            timeout=timeout,
            dialstring=target.removeprefix("Local/"),
            dial_app=True,
        )
        if attempt is not None and callee_transfers:
            attempt.dest.variables["CAN_TRANSFER"] = "1"
        holder.append(attempt)
