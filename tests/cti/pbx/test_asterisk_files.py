"""The shipped Asterisk files and the built-in PBX's defaults describe the same site."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from cti.pbx.config import CTI_PLACEHOLDER_SECRET, CTI_USERNAME, default_config

ASTERISK = Path(__file__).parents[3] / "cti" / "asterisk"
COMPANY = Path(__file__).parents[3] / "seed_data" / "company.yaml"
SHIPPED = {
    "manager.conf",
    "extensions.conf",
    "queues.conf",
    "features.conf",
    "res_parking.conf",
    "musiconhold.conf",
    "modules.conf",
    "logger.conf",
    "indications.conf",
}


def sections(name: str) -> dict[str, list[tuple[str, str]]]:
    """A minimal Asterisk .conf reader: [section](template) -> [(key, value)]."""
    out: dict[str, list[tuple[str, str]]] = {}
    current = ""
    for raw in (ASTERISK / name).read_text(encoding="utf-8").splitlines():
        line = raw.split(";", 1)[0].strip()
        if not line:
            continue
        header = re.match(r"^\[([^\]]+)\]", line)
        if header:
            current = header.group(1)
            out.setdefault(current, [])
            continue
        key, sep, value = line.partition("=>") if "=>" in line else line.partition("=")
        if sep:
            out.setdefault(current, []).append((key.strip(), value.strip()))
    return out


def test_every_file_is_shipped() -> None:
    assert {p.name for p in ASTERISK.glob("*.conf")} == SHIPPED
    assert (ASTERISK / "README.md").read_text(encoding="utf-8").startswith("# Brancher")


def test_one_cti_account_with_the_placeholder_secret() -> None:
    manager = sections("manager.conf")
    users = [name for name in manager if name != "general"]
    assert users == [CTI_USERNAME]
    values = dict(manager[CTI_USERNAME])
    assert values["secret"] == CTI_PLACEHOLDER_SECRET
    config = default_config()
    account = config.account(CTI_USERNAME)
    assert account is not None and account.secret == CTI_PLACEHOLDER_SECRET
    assert set(values["read"].split(",")) == set(account.read)
    assert values["write"] == "all"
    assert dict(manager["general"])["bindaddr"] == "127.0.0.1"


def test_queues_match_the_builtin_pbx_and_the_company() -> None:
    queues = sections("queues.conf")
    shipped = {name.split("(")[0]: dict(values) for name, values in queues.items()}
    shipped = {name: v for name, v in shipped.items() if "strategy" in v}
    config = default_config()
    assert {q.name: q.strategy for q in config.queues} == {
        name: v["strategy"] for name, v in shipped.items()
    }
    template = dict(queues["orbelia-queue"])
    for queue in config.queues:
        assert float(template["timeout"]) == queue.timeout
        assert float(template["retry"]) == queue.retry
        assert float(template["wrapuptime"]) == queue.wrapuptime
    company = yaml.safe_load(COMPANY.read_text(encoding="utf-8"))
    company_queues = {s["queue"] for s in company["services"] if s["queue"]}
    assert company_queues == {q.name for q in config.queues}


def test_extensions_cover_the_number_plan() -> None:
    plan = sections("extensions.conf")
    config = default_config()
    inbound = {value.split(",")[0] for key, value in plan["inbound"] if key == "exten"}
    assert inbound == {q.name for q in config.queues}
    company = yaml.safe_load(COMPANY.read_text(encoding="utf-8"))
    extensions = {s["extension"] for s in company["services"]}
    assert extensions == {ext for ext, _label in config.service_extensions}
    assert all(config.is_phone(ext) for ext in extensions)  # [phones] and [internal] _2XX
    phones = {value.split(",")[0] for key, value in plan["phones"] if key == "exten"}
    assert phones == {"_2XX", config.never_answers}
    agents = company["agent_extensions"]
    assert (agents["first"], agents["last"]) == (config.agent_first, config.agent_last)
    for context in ("agents", "agents-dbflag", "agent-answer", "agent-hold", "agent-phone"):
        patterns = {value.split(",")[0] for key, value in plan[context] if key == "exten"}
        assert "_1XX" in patterns  # covers 101-130
    # [internal] _1XX (a call straight to a student) gives the transfer right like the built-in.
    dial_agent = [v for _k, v in plan["internal"] if "@agents/nm" in v]
    assert dial_agent == ["n,Dial(Local/${EXTEN}@agents/nm,20,t)"]
    assert config.internal_agent_transfer
    pstn = {value.split(",")[0] for key, value in plan["pstn"] if key == "exten"}
    assert pstn == {f"014000000{n}" for n in range(1, 6)} | {"_0XXXXXXXXX"}
    parking = dict(sections("res_parking.conf")["default"])
    assert parking["parkpos"] == f"{config.parking.first_space}-{config.parking.last_space}"
    assert float(parking["parkingtime"]) == config.parking.parkingtime
