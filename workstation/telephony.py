"""The workstation's telephony: the PBX it talks to, the AMI session, the agent.

Embedded default: the built-in training PBX runs in this process, on the app's event loop,
listening on a loopback port with a secret drawn at start-up (nobody else can drive it). With
`--pbx ami://user:secret@host:port` the same AMI client drives a classroom PBX (the built-in
one served by `acvd pbx serve`, or a real Asterisk 22): nothing else changes (DESIGN 5, 6).
"""

from __future__ import annotations

import secrets
from gettext import gettext as _
from typing import TYPE_CHECKING

# The PBX, the AMI client and the call model load when the self-test first probes (after
# login), not before the login screen is drawn (bench_cold_start.py).
if TYPE_CHECKING:
    from cti.agent import Agent
    from cti.ami.client import AmiClient, AmiUrl
    from cti.clock import Clock
    from cti.pbx import PbxServer


class Telephony:
    """One AMI session (and, by default, the PBX itself) for one workstation."""

    def __init__(self, clock: Clock, pbx_url: str | None = None) -> None:
        self.clock = clock
        self._pbx_url = pbx_url
        self.server: PbxServer | None = None
        self.client: AmiClient | None = None
        self.agent: Agent | None = None
        self._url: AmiUrl | None = None

    @property
    def description(self) -> str:
        """Where calls come from, for the user and the journal (never the secret)."""
        if self._pbx_url is None:
            return _("PBX intégré")
        from cti.ami.client import parse_ami_url

        return str(parse_ami_url(self._pbx_url))

    @property
    def embedded(self) -> bool:
        return self._pbx_url is None

    async def start(self) -> None:
        """Start the built-in PBX if needed and create the (not yet connected) client."""
        if self.client is not None:
            return
        from cti.ami.client import AmiClient, AmiUrl, parse_ami_url
        from cti.pbx import PbxServer, default_config
        from cti.pbx.config import CTI_USERNAME

        if self._pbx_url is None:
            secret = secrets.token_urlsafe(16)
            self.server = PbxServer(default_config(secret=secret), self.clock)
            host, port = await self.server.start("127.0.0.1", 0)
            url = AmiUrl(host=host, port=port, username=CTI_USERNAME, secret=secret)
        else:
            url = parse_ami_url(self._pbx_url)
        self._url = url
        self.client = AmiClient(url, self.clock)

    async def probe(self) -> str:
        """Connect and log in if needed; returns what the PBX says it is (self-test)."""
        await self.start()
        assert self.client is not None
        await self.client.connect()
        banner = self.client.banner
        return banner.text if banner is not None else _("session ouverte")

    async def agent_for(self, extension: str, name: str = "") -> Agent:
        """The call model of the agent at `extension`, on a connected session."""
        from cti.agent import Agent, AgentIdentity

        await self.probe()
        assert self.client is not None
        if self.agent is None or self.agent.identity.extension != extension:
            if self.agent is not None:
                self.agent.close()
            self.agent = Agent(self.client, self.clock, AgentIdentity(extension, name))
        return self.agent

    async def open_customer_client(self) -> AmiClient:
        """A second, connected AMI session on the same PBX, for simulated customers (issue 8):
        they talk over the PBX exactly as a trainer in another terminal would."""
        await self.start()
        from cti.ami.client import AmiClient

        assert self._url is not None
        client = AmiClient(self._url, self.clock)
        await client.connect()
        return client

    async def close(self) -> None:
        """Log off and stop the built-in PBX."""
        if self.agent is not None:
            self.agent.close()
            self.agent = None
        if self.client is not None:
            await self.client.close()
            self.client = None
        if self.server is not None:
            await self.server.stop(restart=False)
            self.server = None
