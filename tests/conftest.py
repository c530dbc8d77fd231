"""Fixtures shared by every test package.

`db_url` runs a test on SQLite and on PostgreSQL. PostgreSQL is reached through
ACVD_TEST_DATABASE_URL (set by .ci/run); each test gets its own schema, dropped afterwards.
Outside CI, without that variable, the PostgreSQL variants are skipped with the reason; in CI
(CI=true) a missing variable is an error, so the PostgreSQL tests cannot silently vanish.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from cti.ami.client import AmiClient, parse_ami_url
from cti.pbx import PbxServer, default_config
from workstation.clock import VirtualClock

PG_ENV = "ACVD_TEST_DATABASE_URL"


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the real user's config or data."""
    monkeypatch.setenv("ACVD_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("ACVD_DATA_DIR", str(tmp_path / "data"))
    for name in ("ACVD_DB", "ACVD_PBX", "ACVD_LANG"):
        monkeypatch.delenv(name, raising=False)


def postgres_base_url() -> str:
    """The PostgreSQL server for tests, or skip/fail with the reason."""
    url = os.environ.get(PG_ENV)
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"CI=true mais {PG_ENV} n'est pas défini : .ci/run doit le définir.")
        pytest.skip(
            f"PostgreSQL non testé : définissez {PG_ENV}=postgresql://127.0.0.1:5432/test "
            "(ce que fait .ci/run) pour lancer ces variantes."
        )
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A URL to a fresh, empty PostgreSQL schema of its own."""
    base = postgres_base_url()
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database URL: an SQLite file, then a PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.sqlite3'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def clock() -> VirtualClock:
    """A virtual clock that moves only when the test says so."""
    return VirtualClock()


#: The `cti` account's secret of the test PBX.
PBX_SECRET = "test-secret"


@pytest.fixture
async def pbx(clock: VirtualClock) -> AsyncIterator[PbxServer]:
    """The built-in PBX on a free loopback port, on the virtual clock."""
    server = PbxServer(default_config(secret=PBX_SECRET), clock)
    await server.start("127.0.0.1", 0)
    yield server
    await server.stop(restart=False)


@pytest.fixture
async def ami(
    pbx: PbxServer, clock: VirtualClock
) -> AsyncIterator[Callable[[], Awaitable[AmiClient]]]:
    """`await ami()`: a new AMI session logged in to `pbx` (closed after the test)."""
    clients: list[AmiClient] = []

    async def connect() -> AmiClient:
        assert pbx.address is not None
        host, port = pbx.address
        url = parse_ami_url(f"ami://cti:{PBX_SECRET}@{host}:{port}")
        client = AmiClient(url, clock, rand=lambda: 0.5)
        task = asyncio.ensure_future(client.connect())
        for _ in range(600):  # the login exchange, on loopback, in virtual time
            if task.done():
                break
            await clock.advance(0.05)
        task.result()
        clients.append(client)
        return client

    yield connect
    for client in clients:
        await client.close()
