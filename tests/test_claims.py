"""The claims register, the measures, the verdict rules and the published ledger."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd
import pytest

from kzmv.data.manifest import load_manifest
from kzmv.data.tables import load_dictionary
from kzmv.errors import PipelineError
from kzmv.story import back_matter as methods
from kzmv.story import claims

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
PUBLISHED = ROOT / "data" / "processed" / "claims.csv"


@pytest.fixture(scope="module")
def register() -> list[claims.Claim]:
    bib = methods.load_bibliography(ROOT / "data" / "bibliography.yml")
    return claims.load_register(ROOT / "data" / "claims.yml", documents={d.key for d in bib.documents})


# --------------------------------------------------------------------------- register


def test_register_covers_the_claims_the_issue_names(register) -> None:
    measures = {c.measure for c in register}
    for needed in (
        "crude_oil_export_share",  # crude oil's share of export revenue in 2024
        "cpc_share_of_oil_exports",  # the CPC's share of crude exports
        "min_turnover_growth_pct",  # trade with Russia rising every year since 2022
        "russia_gross_fdi_ratio",  # Russian FDI more than doubling since 2021
        "fdi_stock_share",  # the EU's ~60% of FDI
        "fdi_stock_lead",  # the EU as the largest investor
        "turnover_ratio",  # Russia's weight against China and the West
        "partners_matching",  # China as the only counterweight
    ):
        assert needed in measures, needed
    claimed = " ".join(c.claimed for c in register)
    assert "40%" in claimed and "58%" in claimed, "Russian firms' share and Rosatom's uranium share are listed"
    assert {c.source for c in register} == {"avdaliani2023", "wahlang2023", "briefing2026"}


def test_untestable_claims_say_why(register) -> None:
    for claim in register:
        if claim.measure is None:
            assert claim.not_testable_reason and len(claim.not_testable_reason) > 30, claim.claim_id


def test_register_notes_carry_no_typed_numbers_from_the_data(register) -> None:
    """Numbers in notes could drift from the data; measured values are computed, never typed (years and HS codes may be named)."""
    for claim in register:
        text = re.sub(r"\b(?:19|20)\d\d\b|\bHS \d+|EU-27", "", claim.note)
        assert not re.search(r"\d", text), f"{claim.claim_id}: note has a number: {claim.note!r}"


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed documents (../shared/seeds) are not beside the project")
def test_claims_are_paraphrased_not_copied(register) -> None:
    """No claim repeats six consecutive words of a source."""

    def words(text: str) -> list[str]:
        return re.findall(r"[a-z0-9%]+", text.lower().replace("’", "'"))

    seed_text = " ".join(words(" ".join(p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt"))))
    for claim in register:
        w = words(claim.claim)
        for i in range(len(w) - 5):
            assert " ".join(w[i : i + 6]) not in seed_text, f"{claim.claim_id} copies the source: {claim.claim}"


def test_a_bad_register_is_reported_by_claim_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "claims.yml"
    bad.write_text(
        "claims:\n  - {claim_id: X1, section: economic, claim: 'Something testable here.', source: s, claimed: '1',"
        " claimed_value: 1, unit: u, period: p, measure: no_such_measure, rule: approx, not_testable_reason: null}\n"
    )
    with pytest.raises(PipelineError, match=r"claim #1 \(X1\).*unknown measure 'no_such_measure'"):
        claims.load_register(bad)
    bad.write_text(
        "claims:\n  - {claim_id: X1, section: economic, claim: 'Something untestable.', source: s, claimed: '1',"
        " claimed_value: null, unit: u, period: p, measure: null, rule: null, not_testable_reason: null}\n"
    )
    with pytest.raises(PipelineError, match="needs a not_testable_reason"):
        claims.load_register(bad)


# --------------------------------------------------------------------------- verdicts


@pytest.mark.parametrize(
    ("measured", "claimed", "rule", "tolerance", "expected"),
    [
        (52.5, 53, "approx", 10, "supported"),
        (50.8, 60, "approx", 10, "partly supported"),  # 15% off: within twice the tolerance
        (50.8, 60, "approx", 20, "supported"),
        (40.0, 60, "approx", 10, "not supported"),
        (52.5, 53, "approx", 0, "not supported"),
        (82.3, 80, "greater_than", 10, "supported"),
        (79.4, 80, "greater_than", 10, "partly supported"),
        (1.61, 2, "greater_than", 10, "not supported"),
        (0.3, 0, "greater_than", 10, "supported"),
        (0.0, 0, "greater_than", 10, "not supported"),  # no slack around zero
        (-1.2, 0, "greater_than", 50, "not supported"),
        (3.0, 4, "less_than", 10, "supported"),
        (1.0, 1, "equals", 10, "supported"),
        (2.0, 1, "equals", 10, "not supported"),
        (float("nan"), 1, "approx", 10, "not testable"),
        (None, None, None, 10, "not testable"),
    ],
)
def test_verdict_rules(measured, claimed, rule, tolerance, expected) -> None:
    assert claims.verdict(measured, claimed, rule, tolerance) == expected


def test_verdict_rejects_unknown_rules_and_negative_tolerance() -> None:
    with pytest.raises(PipelineError, match="unknown comparison rule"):
        claims.verdict(1.0, 1.0, "roughly", 10)
    with pytest.raises(PipelineError, match="zero or more"):
        claims.verdict(1.0, 1.0, "approx", -1)


# --------------------------------------------------------------------------- measures on small tables


@pytest.fixture
def toy() -> dict[str, pd.DataFrame]:
    by_group = pd.DataFrame(
        {
            "year": [2021] * 4 + [2022] * 4,
            "group": ["Russia", "China", "EU-27", "Other"] * 2,
            "exports_usd_m": [10, 20, 50, 99, 12, 30, 60, 99],
            "imports_usd_m": [30, 20, 10, 1, 33, 30, 15, 1],
            "turnover_usd_m": [40, 40, 60, 100, 45, 60, 75, 100],
            "turnover_share": [16.0, 16.0, 24.0, 44.0, 16.36, 21.82, 27.27, 36.36],
        }
    )
    by_partner = pd.DataFrame(
        {
            "year": [2022] * 4,
            "partner_iso3": ["RUS", "CHN", "ITA", "DEU"],
            "turnover_usd_m": [45.0, 60.0, 45.0, 10.0],
        }
    )
    return {"trade_by_group": by_group, "trade_by_partner": by_partner}


def test_trade_measures(toy) -> None:
    assert claims.turnover_growth_pct(toy, ["Russia"], 2022) == pytest.approx(12.5)
    assert claims.min_turnover_growth_pct(toy, ["Russia", "China"], 2022, 2022) == pytest.approx(31.25)
    assert claims.turnover_share_change_pp(toy, ["China"], 2021, 2022) == pytest.approx(5.82)
    assert claims.turnover_ratio(toy, ["Russia"], ["China", "EU-27"], 2022) == pytest.approx(45 / 135)
    assert claims.export_lead(toy, "EU-27", 2022) == pytest.approx(2.0)  # "Other" is not a rival group
    assert claims.partners_matching(toy, "RUS", 2022) == 2  # China above, Italy level


def test_trade_measures_name_what_is_missing(toy) -> None:
    with pytest.raises(PipelineError, match="year 2030 is not in trade_by_group"):
        claims.turnover_growth_pct(toy, ["Russia"], 2030)
    with pytest.raises(PipelineError, match=r"partner group\(s\) \['Mars'\]"):
        claims.turnover_ratio(toy, ["Mars"], ["China"], 2022)
    with pytest.raises(PipelineError, match="needs table"):
        claims.MEASURES["crude_oil_export_share"]({}, year=2024)


def test_energy_fdi_and_macro_measures_on_small_tables() -> None:
    structure = pd.DataFrame(
        {
            "year": [2022, 2024, 2024],
            "item_code": ["CRUDE_OIL", "CRUDE_OIL", "TOTAL"],
            "share_of_total_pct": [float("nan"), 52.5, 100.0],
        }
    )
    assert claims.crude_oil_export_share({"export_structure": structure}, 2024) == 52.5
    with pytest.raises(PipelineError, match="2022 is not a complete year"):
        claims.crude_oil_export_share({"export_structure": structure}, 2022)
    oil = pd.DataFrame(
        {
            "year": [2013, 2022, 2024, 2025],
            "period": ["full year", "full year", "January–October", "full year"],
            "route": ["CPC"] * 4,
            "share_of_total_pct": [40.3, 81.2, 80.1, 82.3],
            "denominator": [
                "sum of listed routes",
                "stated total exports",
                "total via main pipelines",
                "stated total exports",
            ],
        }
    )
    tables = {"oil_exports": oil}
    assert claims.cpc_share_of_oil_exports(tables) == 82.3  # latest full year with a stated total
    assert claims.cpc_share_of_oil_exports(tables, 2022) == 81.2
    with pytest.raises(PipelineError, match="no CPC share for 2013"):
        claims.cpc_share_of_oil_exports(tables, 2013)  # only a share of the listed routes
    gross = pd.DataFrame(
        {
            "year": [2021, 2022, 2023, 2021],
            "partner": ["Russia", "Russia", "Russia", "All countries"],
            "concept": ["gross inflow"] * 4,
            "value": [2.0, 1.5, 3.0, 23.8],
        }
    )
    assert claims.russia_gross_fdi_ratio({"fdi_gross_vs_net": gross}, 2021) == pytest.approx(1.5)
    with pytest.raises(PipelineError, match="no Russian gross inflow for 2024"):
        claims.russia_gross_fdi_ratio({"fdi_gross_vs_net": gross}, 2021, 2024)
    by_group = pd.DataFrame(
        {
            "year": [2021] * 2,
            "group": ["EU-27", "USA"],
            "measure": ["inward stock"] * 2,
            "value": [60.0, 30.0],
            "share_of_world_pct": [50.0, 25.0],
        }
    )
    by_partner = pd.DataFrame(
        {
            "year": [2021] * 3,
            "group": ["EU-27", "USA", "Other"],
            "measure": ["inward stock"] * 3,
            "value": [55.0, 30.0, 20.0],
        }
    )
    fdi = {"fdi_by_group": by_group, "fdi_by_partner": by_partner}
    assert claims.fdi_stock_share(fdi, "EU-27", 2021) == 50.0
    assert claims.fdi_stock_lead(fdi, "EU-27", 2021) == pytest.approx(2.0)
    macro = pd.DataFrame(
        {
            "year": [2017, 2018, 2022, 2023],
            "iso3": ["KAZ"] * 4,
            "indicator": [claims.CPI] * 4,
            "source": ["World Bank WDI"] * 4,
            "value": [6.0, 8.0, 15.0, 13.0],
        }
    )
    assert claims.cpi_above_baseline_pp(
        {"macro_indicators": macro}, "World Bank WDI", 2022, 2023, 2017, 2018
    ) == pytest.approx(7.0)
    with pytest.raises(PipelineError, match=r"no World Bank WDI CPI inflation for \[2019\]"):
        claims.cpi_above_baseline_pp({"macro_indicators": macro}, "World Bank WDI", 2022, 2023, 2017, 2019)


# --------------------------------------------------------------------------- the ledger


def check_ledger(ledger: pd.DataFrame, register: list[claims.Claim]) -> None:
    """Schema, vocabulary and evidence of a ledger (built here or read from a CSV)."""
    known = set(load_manifest(ROOT / "data" / "sources.yml")) | set(load_dictionary(ROOT / "data" / "dictionary.yml"))
    claims.check_ledger(ledger, register, known)
    for column in ("claim", "source", "claimed", "unit", "period", "verdict"):
        assert ledger[column].notna().all() and (ledger[column].astype(str).str.len() > 0).all(), column


def test_check_ledger_catches_a_bad_verdict_and_an_unknown_evidence_id(register, toy) -> None:
    toy_register = [c for c in register if c.measure is None][:2]
    ledger = claims.build_ledger(toy_register, toy)
    known = {"trade_partner_panel", "fdi_page_figures", "exports_by_commodity_monthly"}
    claims.check_ledger(ledger, toy_register, known | set(load_manifest(ROOT / "data" / "sources.yml")))
    bad = ledger.assign(verdict=["true", "not testable"])
    with pytest.raises(PipelineError, match="verdict 'true' is not one of"):
        claims.check_ledger(bad, toy_register, known)
    bad = ledger.assign(evidence=["nowhere", ""])
    with pytest.raises(PipelineError, match=r"unknown evidence id\(s\) \['nowhere'\]"):
        claims.check_ledger(bad, toy_register, known)


def test_dictionary_documents_exactly_the_ledger_columns() -> None:
    assert list(load_dictionary(ROOT / "data" / "dictionary.yml")["claims"]["columns"]) == claims.LEDGER_COLUMNS


def test_ledger_built_from_toy_tables_has_the_schema(register, toy) -> None:
    toy_register = [c for c in register if c.measure in (None, "turnover_ratio")]
    toy_register = [c.model_copy(update={"params": {**c.params, "year": 2022}}) for c in toy_register]
    for c in toy_register:
        if c.measure == "turnover_ratio":
            c.params.update(numerator=["Russia"], denominator=["China"])
    ledger = claims.build_ledger(toy_register, toy, tolerance_pct=10, dictionary=load_dictionary())
    check_ledger(ledger, toy_register)
    row = ledger[ledger["measured"].notna()].iloc[0]
    assert row["measured"] == pytest.approx(0.75) and row["verdict"] == "not supported"
    assert row["evidence"] == "trade_by_group; trade_partner_panel"


@pytest.mark.skipif(not PUBLISHED.is_file(), reason="data/processed/claims.csv is not published yet (make report)")
def test_published_ledger_is_reproduced_from_the_processed_data(register) -> None:
    ledger = pd.read_csv(PUBLISHED)
    check_ledger(ledger, register)
    tables = claims.load_tables(claims.required_tables(register), ROOT / "data" / "processed")
    for claim, row in zip(register, ledger.itertuples(), strict=True):
        value = claims.measured_value(claim, tables)
        if value is None:
            assert math.isnan(row.measured)
        else:
            assert row.measured == pytest.approx(value, rel=1e-5), claim.claim_id
