"""Transfers: BlindTransfer, and Atxfer with its consultation, completion and cancel.

Asterisk's Atxfer only queues the feature code on the transferer's channel, so its events
come a little after the Response (13: Hold about 0.26 s later, the consultation 0.18 s after
that). The transferer needs the transfer right (`Queue(…,t)` / `Dial(…,T)`); without it
nothing happens although the Response is Success (14).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cti.pbx.bridges import Bridge
from cti.pbx.channels import Channel

if TYPE_CHECKING:
    from cti.pbx.core import DialAttempt, Pbx

HOLD_DELAY = 0.26
CONSULT_DELAY = 0.18
#: Completion by the *2 keys lands about 0.3 s after the last key (14).
COMPLETE_DELAY = 0.3


@dataclass(eq=False)
class Consultation:
    transferer: Channel  # the agent's ;1
    original: Bridge
    bridge: Bridge | None = None
    target: Channel | None = None  # Local/<exten>@<context>-N;1
    attempt: DialAttempt | None = None
    timer: Any = None
    answered: bool = False


class Transfers:
    def __init__(self, pbx: Pbx) -> None:
        self.pbx = pbx
        self.consultations: dict[int, Consultation] = {}

    # ------------------------------------------------------------------ blind
    def blind(self, transferer: Channel, context: str, exten: str) -> bool:
        """BlindTransfer: the other party goes to `<exten>@<context>`, the transferer hangs up.

        Returns False (with a BlindTransfer Result=Invalid event) when not in a bridge.
        """
        pbx = self.pbx
        bridge = transferer.bridge
        extra = [("IsExternal", "Yes"), ("Context", context), ("Extension", exten)]
        if bridge is None or len(bridge.channels) != 2:
            pbx.emit(
                "BlindTransfer",
                "call",
                [("Result", "Invalid"), *transferer.snapshot("Transferer"), *extra],
            )
            return False
        transferee = bridge.others(transferer)[0]
        pbx.chan_event("Unhold", transferer)
        pbx.emit(
            "BlindTransfer",
            "call",
            [
                ("Result", "Success"),
                *transferer.snapshot("Transferer"),
                *transferee.snapshot("Transferee"),
                *bridge.snapshot(),
                *extra,
            ],
        )
        pbx.queues.transferred(transferee, dest_snap=False)
        transferer.after_bridge = None
        pbx.bridge_leave(transferer)
        pbx.hangup(transferer, 16, soft=None)
        transferee.after_bridge = None
        pbx.bridge_leave(transferee)
        pbx.destroy_bridge(bridge)
        pbx.dialplan.run(transferee, context, exten, 1)
        return True

    # -------------------------------------------------------------- attended
    def atxfer(self, transferer: Channel, context: str, exten: str) -> None:
        """Start a consultation call from `transferer` (the agent's bridged ;1)."""
        pbx = self.pbx
        if transferer.variables.get("CAN_TRANSFER") != "1" or transferer.bridge is None:
            return  # the feature code goes nowhere (14)
        consult = Consultation(transferer, transferer.bridge)
        self.consultations[id(transferer)] = consult

        def hold() -> None:
            if transferer.gone or transferer.bridge is not consult.original:
                self.consultations.pop(id(transferer), None)
                return
            pbx.chan_event("Hold", transferer)
            for other in consult.original.others(transferer):
                pbx.start_moh(other)
            consult.timer = pbx.clock.call_later(CONSULT_DELAY, dial)

        def dial() -> None:
            consult.timer = None
            if transferer.gone:
                return
            consult.bridge = pbx.new_bridge()
            attempt = pbx.dial(
                None,
                f"Local/{exten}@{context}",
                on_answer=lambda a: answered(),
                on_fail=lambda a, status: self._abort(consult),
                on_ringing=None,
                dialstring=f"{exten}@{context}",
                linkedid=(transferer.linkedid, transferer.linked_seq),
                begin=False,
                before_begin=lambda one: pbx.bridge_enter(consult.bridge, one),  # type: ignore[arg-type]
            )
            if attempt is None:
                self._abort(consult)
                return
            consult.attempt = attempt
            consult.target = attempt.dest
            # The transferer moves to the consultation bridge; the customer hears music.
            pbx.bridge_leave(transferer)
            pbx.bridge_enter(consult.bridge, transferer)
            consult.timer = pbx.clock.call_later(
                pbx.config.atxfer_noanswer_timeout, lambda: self._abort(consult)
            )
            typed: list[str] = []

            def key(digit: str) -> None:
                # atxfercomplete = *2 (features.conf), typed on the transferer's channel (14)
                typed.append(digit)
                if "".join(typed[-2:]) == "*2" and consult.answered:
                    transferer.on_dtmf = None
                    pbx.clock.call_later(
                        COMPLETE_DELAY, lambda: self._complete_if_live(consult, by_keys=True)
                    )

            transferer.on_dtmf = key

        def answered() -> None:
            consult.answered = True
            if consult.timer is not None:
                consult.timer.cancel()
                consult.timer = None

        consult.timer = pbx.clock.call_later(HOLD_DELAY, hold)

    def consulting(self, handset: Channel) -> bool:
        """True when this handset's `;1` has a consultation call up (13)."""
        one = handset.peer
        consult = self.consultations.get(id(one)) if one is not None else None
        return consult is not None and consult.target is not None

    def transferer_hangup(self, handset: Channel) -> bool:
        """The agent hung up during a consultation: complete the transfer (13)."""
        one = handset.peer
        if one is None:
            return False
        consult = self.consultations.get(id(one))
        if consult is None or consult.bridge is None or consult.target is None:
            return False
        self.complete(consult)
        return True

    def _complete_if_live(self, consult: Consultation, *, by_keys: bool) -> None:
        if self.consultations.get(id(consult.transferer)) is consult:
            self.complete(consult, by_keys=by_keys)

    def complete(self, consult: Consultation, *, by_keys: bool = False) -> None:
        """Join the target to the customer's bridge; the transferer's legs are hung up."""
        pbx = self.pbx
        self.consultations.pop(id(consult.transferer), None)
        if consult.timer is not None:
            consult.timer.cancel()
        agent = consult.transferer
        target = consult.target
        assert target is not None and consult.bridge is not None
        original = consult.original
        second = consult.bridge
        customer = original.channels[0] if original.channels else None
        if agent.bridge is second and not by_keys:
            pbx.bridge_leave(agent)
        pbx.emit("BridgeMerge", "call", original.snapshot("To") + second.snapshot("From"))
        pbx.bridge_leave(target)
        pbx.bridge_enter(original, target)
        if agent.bridge is second:
            pbx.bridge_leave(agent)
        if customer is not None:
            pbx.stop_moh(customer)
            pbx.emit(
                "AttendedTransfer",
                "call",
                [
                    ("Result", "Success"),
                    *agent.snapshot("OrigTransferer"),
                    *original.snapshot("Orig"),
                    *agent.snapshot("SecondTransferer"),
                    *second.snapshot("Second"),
                    *customer.snapshot("Transferee"),
                    *target.snapshot("TransferTarget"),
                    ("IsExternal", "No"),
                    ("DestType", "Bridge"),
                    ("DestBridgeUniqueid", original.uniqueid),
                ],
            )
            caller = pbx.queues.caller_of(customer)
            if caller is not None:
                pbx.queues.transferred(customer, dest_snap=True)
        pbx.destroy_bridge(second)
        agent.on_hangup = None
        pbx.hangup(agent, 16, soft=None)

    def cancel(self, transferer: Channel) -> None:
        """CancelAtxfer: hang up the consultation, back to the customer."""
        consult = self.consultations.get(id(transferer))
        if consult is not None:
            self.pbx.clock.call_later(HOLD_DELAY, lambda: self._abort(consult))

    def _abort(self, consult: Consultation) -> None:
        pbx = self.pbx
        if self.consultations.pop(id(consult.transferer), None) is None:
            return
        if consult.timer is not None:
            consult.timer.cancel()
            consult.timer = None
        agent = consult.transferer
        agent.on_dtmf = None
        bridge = consult.bridge
        # The transferer goes back to the customer first, then the consultation is torn down.
        if not agent.gone and consult.original.uniqueid in pbx.bridges:
            if agent.bridge is not None:
                pbx.bridge_leave(agent)
            pbx.bridge_enter(consult.original, agent)
            for other in consult.original.others(agent):
                pbx.stop_moh(other)
            pbx.chan_event("Unhold", agent)
        if bridge is not None and bridge.uniqueid in pbx.bridges:
            for ch in list(bridge.channels):
                pbx.bridge_leave(ch)
            pbx.destroy_bridge(bridge)
        attempt = consult.attempt
        if attempt is not None and not attempt.done:
            attempt.done = True  # the feature drops the leg: no DialEnd for it (14)
            attempt.dest.dial = None
        if consult.target is not None and not consult.target.gone:
            pbx.hangup(consult.target, 16, soft=None)
