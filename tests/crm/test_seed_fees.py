"""The seed company's documents agree on the box activation fee (company.yaml `fees`): the
PROSPECTION-FIBRE script must not promise it to an ADSL customer changing box (OFF-020)."""

from __future__ import annotations

from decimal import Decimal

import yaml
from babel.numbers import format_decimal

from seed_data import SEED_DIR


def _script(code: str) -> str:
    campaigns = yaml.safe_load((SEED_DIR / "campaigns.yaml").read_text("utf-8"))["campaigns"]
    return next(item["script"] for item in campaigns if item["code"] == code)


def test_fibre_campaign_states_the_fee_as_the_company_and_off_020_do() -> None:
    company = yaml.safe_load((SEED_DIR / "company.yaml").read_text("utf-8"))
    fee = format_decimal(Decimal(str(company["fees"]["activation_box"])), locale="fr_FR")
    off_020 = next((SEED_DIR / "kb").rglob("off-020-*.md")).read_text("utf-8")
    assert "Pas de nouveaux frais de mise en service (48 €) pour un changement de box" in off_020
    script = _script("PROSPECTION-FIBRE")
    assert f"{fee} € sur la première facture pour un client mobile seul" in script
    assert "pas de frais pour un client ADSL qui passe à la fibre" in script
    assert "OFF-020" in script
