"""The claims register, the verdict rules, the measures on small tables, fragility, and the published ledger."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd
import pytest

from kzmv.analysis.claims import MEASURES, measured_value, measures, tolerance_sensitivity, verdict
from kzmv.data.bibliography import load_bibliography
from kzmv.data.claims_register import Claim, load_register, required_tables
from kzmv.data.evidence import load_tables
from kzmv.data.manifest import load_manifest
from kzmv.data.tables import load_dictionary
from kzmv.errors import PipelineError
from kzmv.story import claims

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
PUBLISHED = ROOT / "data" / "processed" / "claims.csv"
# Which seed file holds which document: found by a phrase only that document has.
SEED_MARKERS = {
    "avdaliani2023": "AVDALIANI",
    "wahlang2023": "Jason Wahlang",
    "briefing2026": "This Briefing Paper",
}


@pytest.fixture(scope="module")
def register() -> list[Claim]:
    bib = load_bibliography(ROOT / "data" / "bibliography.yml")
    return load_register(MEASURES, ROOT / "data" / "claims.yml", documents={d.key for d in bib.documents})


# --------------------------------------------------------------------------- register


def test_register_covers_the_claims_the_issues_name(register) -> None:
    measured = {c.measure for c in register}
    for needed in (
        "crude_oil_export_share",  # crude oil's share of export revenue in 2024
        "cpc_share_of_oil_exports",  # the CPC's share of crude exports
        "crude_crossing_russia_share",  # the share of oil that must cross Russia, not only the CPC's
        "min_turnover_growth_pct",  # trade with Russia rising every year since 2022
        "fdi_stock_share",  # the EU's ~60% of FDI
        "fdi_stock_lead",  # the EU as the largest investor
        "turnover_ratio",  # Russia's weight against China
        "largest_country_ratio",  # ... and against the West, country by country as the paper's chart ranks
        "partners_matching",  # China as the only counterweight
        "crude_destination_share",  # Europe as the first destination of oil, on oil data
        "non_russian_gross_fdi_change_pct",  # non-Russian investors leaving
        "growth_above_benchmark_pp",  # growth since the war against the pre-war benchmark
        "growth_above_peers_pp",  # ... and against the peers in the IMF growth file
        "cpi_above_baseline_pp",  # inflation: high, and a sign of overheating
        "current_account_change_pp",  # overheating: the external balance
        "transit_ratio",  # Russian oil to China through Kazakhstan
        "cpc_holder_lead",  # the CPC's operator
        "other_routes_to_cpc_ratio",  # the minister: no other route matches the CPC
    ):
        assert needed in measured, needed
    turkey = [c for c in register if c.params.get("groups") == ["Turkey"]]
    assert turkey and turkey[0].measure == "turnover_share_change_pp", "Turkey as a strengthening partner, on shares"
    assert {c.source for c in register} == {"avdaliani2023", "wahlang2023", "briefing2026"}


def test_claims_of_change_are_tested_on_shares_not_dollar_growth(register) -> None:
    """'Deepening', 'upswing', 'strengthen': a partner's growth when all trade grew is not a deepening."""
    for claim_id in ("A1", "W2", "W6", "B24"):
        claim = next(c for c in register if c.claim_id == claim_id)
        assert claim.measure == "turnover_share_change_pp", claim_id
        assert "share" in claim.unit, claim_id


def test_untestable_claims_say_why_and_tested_ones_how_they_could_fail(register) -> None:
    for claim in register:
        if claim.measure is None:
            assert claim.not_testable_reason and len(claim.not_testable_reason) > 30, claim.claim_id
        else:
            assert claim.refuted_by and len(claim.refuted_by) > 20, claim.claim_id
            assert claim.probes, claim.claim_id


def _numbers_allowed(text: str, claim: Claim) -> str:
    """The text without what may be typed: years, HS codes, "EU-27", claim ids and the claim's own threshold."""
    text = re.sub(r"\b(?:19|20)\d\d\b|\bHS \d+|EU-27|\b[ABW]\d+\b", "", text)
    if claim.claimed_value is not None:
        text = text.replace(f"{claim.claimed_value:g}", "")
    return text


def test_register_text_carries_no_typed_numbers_from_the_data(register) -> None:
    """Numbers in notes, refutations and probe labels could drift from the data: they are computed, never typed."""
    for claim in register:
        for text in (claim.note, claim.refuted_by or "", *(p.label for p in claim.probes)):
            assert not re.search(r"\d", _numbers_allowed(text, claim)), f"{claim.claim_id}: {text!r}"


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9%]+", text.lower().replace("’", "'"))


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed documents (../shared/seeds) are not beside the project")
def test_claims_are_paraphrased_not_copied(register) -> None:
    """No claim repeats six consecutive words of a source."""
    seed_text = " ".join(_words(" ".join(p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt"))))
    for claim in register:
        w = _words(claim.claim)
        for i in range(len(w) - 5):
            assert " ".join(w[i : i + 6]) not in seed_text, f"{claim.claim_id} copies the source: {claim.claim}"


def normalised(text: str, join_hyphens: bool) -> str:
    """Seed text as one line: typographic quotes made plain, line-break hyphens joined (or kept), case folded."""
    for curly, plain in (("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"')):
        text = text.replace(curly, plain)
    text = re.sub(r"-\s*\n\s*", "" if join_hyphens else "-", text)
    return re.sub(r"\s+", " ", text).strip().lower()


def seed_texts() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in SEEDS.glob("*.txt"):
        text = path.read_text(encoding="utf-8")
        for key, marker in SEED_MARKERS.items():
            if marker in text:
                found[key] = [normalised(text, True), normalised(text, False)]
    assert set(found) == set(SEED_MARKERS), "every document has its seed text"
    return found


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed documents (../shared/seeds) are not beside the project")
def test_quotes_are_the_sources_own_words(register) -> None:
    """A 'claimed' column marked as a quote appears, word for word, in that document's text."""
    texts = seed_texts()
    for claim in register:
        if claim.claimed_form == "quote":
            wanted = normalised(claim.claimed, True)
            assert any(wanted in t for t in texts[claim.source]), (
                f"{claim.claim_id}: {claim.claimed!r} is not in the source"
            )


def test_quotes_are_short_enough_to_be_quotations(register) -> None:
    """The report may not repeat ten words of a source in a row (tests/test_own_words.py): quotes stay under that."""
    for claim in register:
        if claim.claimed_form == "quote":
            assert len(re.findall(r"[a-z0-9]+", claim.claimed.lower())) < 10, claim.claim_id


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed documents (../shared/seeds) are not beside the project")
def test_the_quote_check_catches_words_the_source_lacks() -> None:
    texts = seed_texts()["briefing2026"]
    assert any(normalised("increased year on year since 2022", True) in t for t in texts)
    assert not any(normalised("increased every single year since 2022", True) in t for t in texts)
    # words split by a line-break hyphen in the copy still match
    assert any(normalised("further deepening of economic dependence on Russia", True) in t for t in texts)


def test_a_bad_register_is_reported_by_claim_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "claims.yml"
    base = (
        "claims:\n  - {claim_id: X1, section: economic, claim: 'Something testable here.', source: s, claimed: '1',"
        " claimed_form: quote, claimed_value: 1, unit: u, period: p, rule: approx, not_testable_reason: null"
    )
    bad.write_text(base + ", measure: no_such_measure}\n")
    with pytest.raises(PipelineError, match=r"claim #1 \(X1\).*unknown measure 'no_such_measure'"):
        load_register(MEASURES, bad)
    bad.write_text(base + ", measure: turnover_ratio, params: {year: 2024}}\n")
    with pytest.raises(PipelineError, match="must say what result would refute it"):
        load_register(MEASURES, bad)
    bad.write_text(base + ", measure: turnover_ratio, refuted_by: 'a ratio far from one in the year', probes: []}\n")
    with pytest.raises(PipelineError, match="needs at least one probe"):
        load_register(MEASURES, bad)
    bad.write_text(
        base + ", measure: turnover_ratio, refuted_by: 'a ratio far from one in the year',"
        " probes: [{label: 'another year entirely', kind: period, params: {yaer: 2023}}]}\n"
    )
    with pytest.raises(PipelineError, match=r"has no parameter\(s\) \['yaer'\]"):
        load_register(MEASURES, bad)
    bad.write_text(base.replace("claimed_form: quote", "claimed_form: quoted") + ", measure: null}\n")
    with pytest.raises(PipelineError, match="claimed_form"):
        load_register(MEASURES, bad)


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
    assert verdict(measured, claimed, rule, tolerance) == expected


def test_verdict_rejects_unknown_rules_and_negative_tolerance() -> None:
    with pytest.raises(PipelineError, match="unknown comparison rule"):
        verdict(1.0, 1.0, "roughly", 10)
    with pytest.raises(PipelineError, match="zero or more"):
        verdict(1.0, 1.0, "approx", -1)


def test_tolerance_sensitivity_names_the_verdicts_that_move(register) -> None:
    w4 = next(c for c in register if c.claim_id == "W4")  # approx 60
    b3 = next(c for c in register if c.claim_id == "B3")  # more than zero: no slack
    table = tolerance_sensitivity([w4, b3], {"W4": 51.0, "B3": 0.3}, 10.0)
    rows = table.set_index("claim_id")
    assert rows.loc["W4", ["at_half", "at_tolerance", "at_twice"]].tolist() == [
        "not supported",
        "partly supported",
        "supported",
    ]
    assert rows.loc["W4", "changes"] and not rows.loc["B3", "changes"]


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
        }
    )
    by_partner = pd.DataFrame(
        {
            "year": [2022] * 4,
            "partner_iso3": ["RUS", "CHN", "ITA", "DEU"],
            "group": ["Russia", "China", "EU-27", "EU-27"],
            "turnover_usd_m": [45.0, 60.0, 45.0, 10.0],
        }
    )
    return {"trade_by_group": by_group, "trade_by_partner": by_partner}


def test_trade_measures(toy) -> None:
    assert measures.turnover_growth_pct(toy, ["Russia"], 2022) == pytest.approx(12.5)
    assert measures.min_turnover_growth_pct(toy, ["Russia", "China"], 2021 + 1, 2022) == pytest.approx(31.25)
    # shares are computed from the levels: China 40/240 -> 60/280
    assert measures.turnover_share_change_pp(toy, ["China"], 2021, 2022) == pytest.approx(100 * (60 / 280 - 40 / 240))
    assert measures.turnover_share_change_pp(toy, ["China"], [2021], 2022, flow="imports") == pytest.approx(
        100 * (30 / 79 - 20 / 61)
    )
    assert measures.turnover_ratio(toy, ["Russia"], ["China", "EU-27"], 2022) == pytest.approx(45 / 135)
    assert measures.partners_matching(toy, "RUS", 2022) == 2  # China above, Italy level
    assert measures.largest_country_ratio(toy, "RUS", ["EU-27"], 2022) == pytest.approx(1.0)  # Italy, not the bloc


def test_trade_measures_name_what_is_missing(toy) -> None:
    with pytest.raises(PipelineError, match="year 2030 is not in trade_by_group"):
        measures.turnover_growth_pct(toy, ["Russia"], 2030)
    with pytest.raises(PipelineError, match=r"partner group\(s\) \['Mars'\]"):
        measures.turnover_ratio(toy, ["Mars"], ["China"], 2022)
    with pytest.raises(PipelineError, match="needs table"):
        MEASURES["crude_oil_export_share"]({}, year=2024)
    with pytest.raises(PipelineError, match=r"do not fit \['groups', 'year'\]"):
        MEASURES["turnover_growth_pct"](toy, group=["Russia"], year=2022)


def test_first_releases_replace_the_revised_level(toy) -> None:
    pages = pd.DataFrame(
        {
            "year": [2022, 2022],
            "reporter": ["Kazakhstan (minister)", "China (customs)"],
            "partner": ["Russia", "Russia"],
            "flow": ["turnover", "turnover"],
            "value_usd_million": [38.0, 99.0],
            "source_date": ["2023-02-01", "2023-01-01"],
            "period": ["full year", "full year"],
        }
    )
    tables = {**toy, "raw:trade_page_figures": pages}
    assert measures.min_turnover_growth_first_release_pct(tables, ["Russia"], 2022, 2022) == pytest.approx(-5.0)
    with pytest.raises(PipelineError, match="single partners only"):
        measures.min_turnover_growth_first_release_pct(tables, ["Russia", "China"], 2022, 2022)


def test_energy_fdi_and_macro_measures_on_small_tables() -> None:
    structure = pd.DataFrame(
        {
            "year": [2022, 2024, 2024],
            "item_code": ["CRUDE_OIL", "CRUDE_OIL", "TOTAL"],
            "share_of_total_pct": [float("nan"), 52.5, 100.0],
        }
    )
    assert measures.crude_oil_export_share({"export_structure": structure}, 2024) == 52.5
    with pytest.raises(PipelineError, match="2022 is not a complete year"):
        measures.crude_oil_export_share({"export_structure": structure}, 2022)
    oil = pd.DataFrame(
        {
            "year": [2013, 2022, 2024, 2025, 2025, 2023, 2023],
            "period": ["full year", "full year", "January–October", "full year", "full year", "full year", "full year"],
            "route": ["CPC", "CPC", "CPC", "CPC", "Total exports", "Bypassing Russian ports (memo)", "Total exports"],
            "value": [28.7, 52.2, 46.3, 64.8, 78.7, 3.5, 70.0],
            "share_of_total_pct": [40.3, 81.2, 80.1, 82.3, 100.0, 5.0, 100.0],
            "denominator": [
                "sum of listed routes",
                "stated total exports",
                "total via main pipelines",
                "stated total exports",
                "stated total exports",
                "stated total exports",
                "stated total exports",
            ],
        }
    )
    tables = {"oil_exports": oil}
    assert measures.cpc_share_of_oil_exports(tables) == 82.3  # latest full year with a stated total
    assert measures.cpc_share_of_oil_exports(tables, 2022) == 81.2
    with pytest.raises(PipelineError, match="no CPC share of stated total exports for 2013"):
        measures.cpc_share_of_oil_exports(tables, 2013)  # only a share of the listed routes
    assert measures.crude_crossing_russia_share(tables, 2023) == pytest.approx(95.0)
    assert measures.other_routes_to_cpc_ratio(tables, 2025) == pytest.approx((78.7 - 64.8) / 64.8)
    gross = pd.DataFrame(
        {
            "year": [2021, 2022, 2023, 2021, 2022],
            "partner": ["Russia", "Russia", "Russia", "All countries", "All countries"],
            "concept": ["gross inflow"] * 5,
            "value": [2.0, 1.5, 3.0, 22.0, 21.5],
        }
    )
    assert measures.russia_gross_fdi_ratio({"fdi_gross_vs_net": gross}, 2021) == pytest.approx(1.5)
    with pytest.raises(PipelineError, match="no Russian gross inflow for 2024"):
        measures.russia_gross_fdi_ratio({"fdi_gross_vs_net": gross}, 2021, 2024)
    assert measures.non_russian_gross_fdi_change_pct({"fdi_gross_vs_net": gross}) == pytest.approx(0.0)
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
            "partner_iso3": ["NLD", "USA", "XXX"],
            "group": ["EU-27", "USA", "Other"],
            "measure": ["inward stock"] * 3,
            "value": [45.0, 30.0, 20.0],
        }
    )
    fdi = {"fdi_by_group": by_group, "fdi_by_partner": by_partner}
    assert measures.fdi_stock_share(fdi, "EU-27", 2021) == 50.0
    assert measures.fdi_stock_lead(fdi, "EU-27", 2021) == pytest.approx(2.0)
    assert measures.fdi_stock_lead(fdi, "EU-27", 2021, without=["NLD"]) == pytest.approx(0.5)
    macro = pd.DataFrame(
        {
            "year": [2017, 2018, 2022, 2023],
            "iso3": ["KAZ"] * 4,
            "indicator": [measures.CPI] * 4,
            "source": ["World Bank WDI"] * 4,
            "value": [6.0, 8.0, 15.0, 13.0],
        }
    )
    assert measures.cpi_above_baseline_pp(
        {"macro_indicators": macro}, "World Bank WDI", 2022, 2023, 2017, 2018
    ) == pytest.approx(7.0)
    with pytest.raises(PipelineError, match=r"no World Bank WDI CPI inflation for \[2019\]"):
        measures.cpi_above_baseline_pp({"macro_indicators": macro}, "World Bank WDI", 2022, 2023, 2017, 2019)


# --------------------------------------------------------------------------- fragility and the ledger


def test_a_probe_that_reverses_the_verdict_labels_it_fragile_with_the_figure(register, toy) -> None:
    claim = Claim.model_validate(
        {
            "claim_id": "X1",
            "section": "economic",
            "claim": "Trade with Russia grew in the toy year.",
            "source": "briefing2026",
            "claimed": "grew",
            "claimed_form": "paraphrase",
            "claimed_value": 0,
            "unit": "% change",
            "period": "2022",
            "measure": "turnover_growth_pct",
            "params": {"groups": ["Russia"], "year": 2022},
            "rule": "greater_than",
            "refuted_by": "a fall in the toy year",
            "probes": [{"label": "with the EU-27 alone instead", "kind": "reading", "params": {"groups": ["Other"]}}],
            "not_testable_reason": None,
        },
        context={"measures": MEASURES},
    )
    ledger = claims.build_ledger([claim], toy)
    assert (
        ledger.loc[0, "fragility"]
        == "fragile: the verdict rests on +12.5; with the EU-27 alone instead: +0.0, not supported"
    )
    assert claims.fragile_ids(ledger) == ["X1"]
    robust = claim.model_copy(update={"probes": [claim.probes[0].model_copy(update={"params": {"groups": ["China"]}})]})
    ledger = claims.build_ledger([robust], toy)
    assert ledger.loc[0, "fragility"] == "robust to: with the EU-27 alone instead (+50.0)"
    assert claims.fragile_ids(ledger) == []


def check_ledger(ledger: pd.DataFrame, register: list[Claim]) -> None:
    """Schema, vocabulary and evidence of a ledger (built here or read from a CSV)."""
    known = set(load_manifest(ROOT / "data" / "sources.yml")) | set(load_dictionary(ROOT / "data" / "dictionary.yml"))
    claims.check_ledger(ledger, register, known)
    for column in ("claim", "source", "claimed", "claimed_form", "unit", "period", "verdict"):
        assert ledger[column].notna().all() and (ledger[column].astype(str).str.len() > 0).all(), column


def test_check_ledger_catches_a_bad_verdict_an_unknown_evidence_id_and_a_missing_refutation(register, toy) -> None:
    untested = [c for c in register if c.measure is None][:2]
    ledger = claims.build_ledger(untested, toy)
    known = {"trade_partner_panel", "fdi_page_figures", "exports_by_commodity_monthly", "fdi_by_partner_wiiw"}
    claims.check_ledger(ledger, untested, known | set(load_manifest(ROOT / "data" / "sources.yml")))
    with pytest.raises(PipelineError, match="verdict 'true' is not one of"):
        claims.check_ledger(ledger.assign(verdict=["true", "not testable"]), untested, known)
    with pytest.raises(PipelineError, match=r"unknown evidence id\(s\) \['nowhere'\]"):
        claims.check_ledger(ledger.assign(evidence=["nowhere", ""]), untested, known)
    tested = ledger.assign(verdict=["supported", "not testable"], measured=[1.0, float("nan")])
    with pytest.raises(PipelineError, match="needs its fragility and refutation"):
        claims.check_ledger(tested, untested, known | set(load_manifest(ROOT / "data" / "sources.yml")))


def test_dictionary_documents_exactly_the_ledger_columns() -> None:
    assert list(load_dictionary(ROOT / "data" / "dictionary.yml")["claims"]["columns"]) == claims.LEDGER_COLUMNS


def test_the_displayed_ledger_marks_quotes_paraphrases_and_fragile_verdicts(register) -> None:
    ledger = pd.read_csv(PUBLISHED)
    shown = claims.ledger_display(ledger, register).set_index("id")
    b3 = next(c for c in register if c.claim_id == "B3")
    assert shown.loc["B3", "the source says"] == f"“{b3.claimed}”"
    assert shown.loc["B11", "the source says"].endswith("(paraphrase)")
    assert "fragile" in shown.loc["B3", "verdict"] and "Fragile:" in shown.loc["B3", "note"]
    html = claims.ledger_html(ledger, register)
    assert "<script" not in html and "refuted if" in html


@pytest.mark.skipif(not PUBLISHED.is_file(), reason="data/processed/claims.csv is not published yet (make report)")
def test_published_ledger_is_reproduced_from_the_processed_data(register) -> None:
    ledger = pd.read_csv(PUBLISHED)
    check_ledger(ledger, register)
    tables = load_tables(required_tables(register, MEASURES), ROOT / "data" / "processed")
    for claim, row in zip(register, ledger.itertuples(), strict=True):
        value = measured_value(claim, tables)
        if value is None:
            assert math.isnan(row.measured)
        else:
            assert row.measured == pytest.approx(value, rel=1e-5), claim.claim_id
