"""The built-in training PBX: an AMI server that behaves like Asterisk 22 on the wire.

Usage (in-process, on the application's loop)::

    from cti.pbx import PbxServer, default_config
    server = PbxServer(default_config(secret="…"), clock)   # clock: workstation.clock.Clock
    host, port = await server.start("127.0.0.1", 5038)     # port 0 picks a free port
    call_id = server.place_customer_call("0612345678", "accueil", "Client Dupont",
                                         hangup_after=120)   # trainer's "incoming call"
    ...
    await server.stop()   # like `core restart now`: calls torn down, Shutdown, sockets closed

Clients log in with the account of the config (`cti` / the secret) and drive calls with the
recipes of ami-reference/README.md: QueueAdd `Local/<agent>@agents/nm`, answer by Redirect of
the handset `;2` to `agent-answer`, hold by Redirect to `agent-hold`, BlindTransfer/Atxfer
from the agent's `;1`, Hangup of the handset, click-to-dial by Originate
`Local/<agent>@agent-phone/nm` into `outbound`. The number plan (dialplan.py) gives the
outcomes: 0140000001 answers after 2 s, …02 busy, …03 no answer, …04 congestion, …05 answers
then hangs up after 4 s; 2XX ring 2 s then answer, 299 never answers.

Modules: config (frozen PbxConfig, default_config, reference_config), permissions (manager.conf
classes), channels, bridges, core (the call model), dialplan (the number plan), queues,
parking, transfers, actions (AMI actions), server (PbxServer, sessions). Time runs on the
injected clock: tests use VirtualClock and `await clock.advance(s)`.
"""

from cti.pbx.config import (
    AmiAccount,
    ParkingConfig,
    PbxConfig,
    QueueConfig,
    default_config,
    reference_config,
)
from cti.pbx.core import Pbx
from cti.pbx.server import PbxServer

__all__ = [
    "AmiAccount",
    "ParkingConfig",
    "Pbx",
    "PbxConfig",
    "PbxServer",
    "QueueConfig",
    "default_config",
    "reference_config",
]
