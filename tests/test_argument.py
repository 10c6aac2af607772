"""The argument chapter's paragraphs: computed from the tables, worded from the numbers, changed by the data."""

from __future__ import annotations

import re
import statistics
from pathlib import Path

import pandas as pd
import pytest

from kzmv.analysis import argument as argument_numbers
from kzmv.analysis import energy, macro, periods
from kzmv.analysis.claims import DEPENDS, MEASURES, ledger_results, measures, strength_counts
from kzmv.data.events import load_events
from kzmv.data.evidence import Evidence, load_evidence
from kzmv.data.partners import load_groups
from kzmv.story import argument, claims

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def evidence() -> Evidence:
    return load_evidence(MEASURES, argument.TABLES)


@pytest.fixture(scope="module")
def assessed(evidence):
    return argument.assess_claims(evidence, 10.0)


@pytest.fixture(scope="module")
def ledger(evidence, assessed) -> pd.DataFrame:
    return argument.build_ledger(evidence, assessed)


@pytest.fixture(scope="module")
def specs(assessed) -> pd.DataFrame:
    return claims.specification_table(assessed)


def _scaled(tables, group: str, year: int, factor: float) -> dict[str, pd.DataFrame]:
    frame = tables["trade_by_group"].copy()
    mask = (frame["group"] == group) & (frame["year"] == year)
    for column in ("exports_usd_m", "imports_usd_m", "turnover_usd_m"):
        frame.loc[mask, column] *= factor
    return {**tables, "trade_by_group": frame}


def test_the_ledger_summary_counts_by_strength_each_with_how_many_are_robust(evidence, ledger) -> None:
    by_strength = strength_counts(ledger)
    text = argument.ledger_summary(ledger)
    for strength, n in by_strength.items():
        assert f"{strength} {n['claims']} ({n['robust']} robustly)" in text
    assert "the consistent are never counted with the supported" in text
    assert f"{len(claims.depends_ids(ledger))} verdicts depend on the choices" in text
    assert sum(n["claims"] for n in by_strength.values()) == int((ledger["verdict"] != "not testable").sum())
    # the counts follow the ledger: a robustly supported claim that loses its support is counted where it goes
    first = ledger.index[ledger["verdict"] == "supported"][0]
    moved = ledger.copy()
    moved.loc[first, ["verdict", "modal_verdict"]] = "contradicted"
    after = strength_counts(moved)
    assert after["supported"]["robust"] == by_strength["supported"]["robust"] - 1
    assert after["contradicted"]["robust"] == by_strength["contradicted"]["robust"] + 1
    summary = argument.register_summary(evidence.register, evidence.bibliography.documents, 12.5)
    quoted = sum(c.claimed_form == "quote" for c in evidence.register)
    assert f"For {quoted} claims the *claimed* column quotes" in summary and "is 12.5% of" in summary
    total = sum(len(c.specifications(MEASURES)) for c in evidence.register)
    assert f"{total} in all" in summary


def test_the_verdict_lists_give_every_claim_once_with_its_share(ledger) -> None:
    lists = argument.verdict_lists(ledger)
    for row in ledger.itertuples():
        assert len(re.findall(rf"\b{row.claim_id}\b", lists)) == 1, row.claim_id
    for claim_id in claims.depends_ids(ledger):
        share = ledger.set_index("claim_id").loc[claim_id, "robust_share"]
        assert f"{claim_id}" in lists.split("**Depends on the choices**")[1].split("\n")[0]
        assert f"({100 * share:.0f}%)" in lists
    assert "**Supported**" in lists and "**Consistent**" in lists and "partly" not in lists


def test_the_specifications_paragraph_and_figure_words_follow_the_table(ledger, specs) -> None:
    text = argument.specifications_paragraph(ledger, specs)
    tested = ledger[ledger["verdict"] != "not testable"]
    assert f"judged under {len(specs)} specifications" in text
    assert f"for the other {int((tested['verdict'] == DEPENDS).sum())} the verdict depends on the choices" in text
    words = argument.specification_curve_text(ledger, specs)
    robust = int((tested["verdict"] != DEPENDS).sum())
    assert words.title.startswith(f"{robust} of the {len(tested)} tested claims keep one verdict")
    for claim_id in tested["claim_id"]:
        assert f"{claim_id}: " in words.alt
    notes = argument.curve_notes(ledger)
    for claim_id in claims.depends_ids(ledger):
        assert "flips on" in notes[claim_id]
    assert argument.curve_claims(ledger) == tested["claim_id"].tolist()


def test_the_depends_paragraph_names_each_flip(ledger) -> None:
    text = argument.depends_paragraph(ledger)
    for row in ledger[ledger["verdict"] == DEPENDS].itertuples():
        assert f"**{row.claim_id}, {row.title}.**" in text and f"with {row.flips_on}." in text
    robust = ledger.assign(verdict="supported", flips_on="")
    assert argument.depends_paragraph(robust).startswith("Every tested verdict holds")


def test_china_paragraph_sets_the_first_war_year_against_all_trade(evidence) -> None:
    tables = evidence.tables
    text = argument.china_paragraph(tables)
    moved = measures.group_share(tables["trade_by_group"], ["China"], periods.SHOCK_YEAR, "turnover") - (
        measures.group_share(tables["trade_by_group"], ["China"], periods.BASE_YEAR, "turnover")
    )
    assert f"moved by {moved:+.2f} points".replace("-", "−") in text
    assert "shows in the longer run" in text
    bigger = argument.china_paragraph(_scaled(tables, "China", periods.SHOCK_YEAR, 1.5))
    assert "moved in the first war year as well" in bigger


def test_russia_paragraph_gives_both_bases_and_the_first_release(evidence) -> None:
    tables = evidence.tables
    text = argument.russia_trade_paragraph(tables)
    assert "the first release for" in text and "Measured from the mean of" in text
    assert "Russia's share fell" in text
    doubled = argument.russia_trade_paragraph(
        _scaled(tables, "Russia", argument_numbers.latest_trade_year(tables), 2.0)
    )
    assert "Russia's share rose" in doubled


def test_prices_paragraph_separates_price_from_volume(evidence) -> None:
    tables = evidence.tables
    text = argument.prices_paragraph(tables)
    war = periods.SHOCK_YEAR
    crude = energy.like_for_like_change(tables["raw:exports_by_commodity_monthly"], war, items=("CRUDE_OIL",))
    assert f"crude oil {crude['change_pct']:.0f}%" in text and "Most of the jump" in text
    weo = tables["raw:imf_weo_kaz"].copy()
    weo.loc[(weo["weo_subject_code"] == "TX_RPCH") & (weo["year"] == war), "value"] = 40.0
    assert "Part of the jump" in argument.prices_paragraph({**tables, "raw:imf_weo_kaz": weo})


def test_oil_paragraph_counts_every_route_and_the_transit_back(evidence) -> None:
    text = argument.oil_paragraph(evidence.tables)
    for year, share in measures.cpc_shares(evidence.tables["oil_exports"]).items():
        assert f"{share:.1f}% in {year}" in text
    assert "Russian oil crossed Kazakhstan" in text and "The largest CPC shareholder is Transneft" in text


def test_investment_paragraph_stops_where_the_data_stop(evidence) -> None:
    text = argument.investment_paragraph(evidence.tables)
    ratio = measures.russia_gross_fdi_ratio(evidence.tables, base_year=periods.BASE_YEAR)
    assert f"{ratio:.2f} times the {periods.BASE_YEAR} level" in text
    assert "leaves it untested" in text and "first half of" in text


def test_growth_paragraph_uses_the_claims_own_peers_and_years(evidence) -> None:
    tables = evidence.tables
    text = argument.growth_paragraph(tables, evidence.register)
    params = next(c for c in evidence.register if c.claim_id == "B17").params
    peers = macro.peer_growth(tables["raw:owid_weo_real_gdp_growth"], params["peers"], params["first"], params["last"])
    assert f"a median of {statistics.median(peers):.1f}%" in text
    first = peers.sort_values().index[0]
    assert f"the neighbours' yearly growth was: {macro.country_name(first, load_groups())} " in text, text
    weo = tables["raw:imf_weo_kaz"].copy()
    war = (weo["weo_subject_code"] == "NGDP_RPCH") & weo["year"].between(params["first"], params["last"])
    weo.loc[war, "value"] = 12.0
    faster = argument.growth_paragraph({**tables, "raw:imf_weo_kaz": weo}, evidence.register)
    assert "above the median of its neighbours" in faster and "faster than in the oil boom" in faster


def test_inflation_paragraph_quotes_both_sources_in_a_disputed_year(evidence) -> None:
    text = argument.inflation_paragraph(evidence.tables)
    disputed = macro.disputed_years(evidence.tables["macro_indicators"])
    for year in (y for y in disputed if y >= periods.SHOCK_YEAR):
        assert f"For {year} the two sources are" in text
    assert "(IMF:" in text and "current account" in text


def test_weights_paragraph_reads_the_west_both_ways(evidence) -> None:
    text = argument.weights_paragraph(evidence.tables)
    assert "Russia weighed more than any single Western state and less than the West together" in text


def test_timeline_table_says_what_is_uncertain_about_a_date() -> None:
    events = argument.timeline_events(load_events(ROOT / "data" / "events.csv"))
    assert events["date"].dt.year.min() == periods.SHOCK_YEAR
    table = argument.timeline_table(events)
    assert list(table.columns) == ["date", "label", "category", "source", "about the date"]
    withdrawal = table[table["label"].str.startswith("CSTO troops complete")]
    assert "13 January" in withdrawal["about the date"].iloc[0], "the paper's own footnote dates the start differently"


def test_recorded_values_round_trip_the_ledger(ledger) -> None:
    values = ledger_results(ledger, 10.0)
    assert set(values) == {
        "tolerance_pct",
        "verdicts",
        "measured",
        "robust_share",
        "verdict_counts",
        "by_strength",
        "depends",
    }
    assert values["verdicts"]["B3"] == ledger.set_index("claim_id").loc["B3", "verdict"]
    assert values["depends"] == claims.depends_ids(ledger) and sum(values["verdict_counts"].values()) == len(ledger)


# --------------------------------------------------------------------------- votes, arms, wartime trade


def _set(tables, table: str, column: str, value, **keys) -> dict[str, pd.DataFrame]:
    frame = tables[table].copy()
    mask = pd.Series(True, index=frame.index)
    for key, wanted in keys.items():
        mask &= frame[key] == wanted
    assert mask.any()
    frame.loc[mask, column] = value
    return {**tables, table: frame}


def test_figures_are_cited_only_if_they_exist() -> None:
    assert argument.figure_ref("a_chart", {"a_chart"}) == "[Figure](#fig-a_chart)"
    assert argument.figure_ref("a_chart", set()) == ""
    assert argument.cite(["a", "b"], {"b"}) == " (see [Figure](#fig-b))"
    assert argument.cite(["a"], set()) == ""


def test_scorecard_paragraph_follows_the_leaders(evidence) -> None:
    text = argument.scorecard_paragraph(evidence.tables, evidence.register)
    assert "Russia leads 3 of the 5 vectors the data reach, not exports and investment" in text
    tables = _set(evidence.tables, "vector_scorecard", "leader", "Russia", country_iso3="KAZ")
    assert "Russia leads 5 of the 5 vectors the data reach." in argument.scorecard_paragraph(tables, evidence.register)
    assert "[Figure](#fig-vectors_scorecard)" in text
    assert "Across all 8 variants Russia leads between" in text and "survives in" in text


def test_the_conclusion_puts_the_scorecard_and_the_ledger_together(evidence, ledger) -> None:
    text = argument.conclusion_paragraph(evidence.tables, ledger, evidence.register)
    card = evidence.tables["vector_scorecard"]
    mine = card[(card["country_iso3"] == "KAZ") & card["leader"].notna()]
    for vector in mine.loc[mine["leader"] == "Russia", "vector"]:
        assert vector in text.split("while Russia leads its", 1)[1].split(".")[0]
    assert f"China, the one counterweight the briefing paper sees, leads none of the {len(mine)} vectors" in text
    for section in ("economic", "political", "geopolitical"):
        ids = [c.claim_id for c in evidence.register if c.section == section]
        verdicts = ledger.set_index("claim_id").loc[ids, "verdict"]
        tested, supported = int((verdicts != "not testable").sum()), int((verdicts == "supported").sum())
        consistent = int((verdicts == "consistent").sum())
        reach = f"the {section} one ({'all ' + str(len(ids)) if tested == len(ids) else f'{tested} of its {len(ids)}'} "
        assert reach + "claims tested: " in text
        said = text.split(reach, 1)[1].split(")", 1)[0]
        assert (f"{supported} robustly supported" in said) == bool(supported), said
        assert (f"{consistent} robustly consistent" in said) == bool(consistent), said
    # the scorecard moves the first two sentences, the ledger the third
    china = _set(evidence.tables, "vector_scorecard", "leader", "China", country_iso3="KAZ", vector="exports")
    moved = argument.conclusion_paragraph(china, ledger, evidence.register)
    assert "leads Kazakhstan's exports and investment (China and the EU-27)" in moved
    assert "China, the one counterweight the briefing paper sees, leads exports" in moved
    russia = _set(evidence.tables, "vector_scorecard", "leader", "Russia", country_iso3="KAZ")
    assert "Russia leads all 5 of Kazakhstan's vectors" in argument.conclusion_paragraph(
        russia, ledger, evidence.register
    )
    geopolitical = [c.claim_id for c in evidence.register if c.section == "geopolitical"]
    untested = ledger.assign(verdict=ledger["verdict"].where(~ledger["claim_id"].isin(geopolitical), "not testable"))
    last = argument.conclusion_paragraph(evidence.tables, untested, evidence.register)
    assert f"and least the geopolitical one (0 of its {len(geopolitical)} claims tested: none decided robustly)" in last


def test_security_paragraph_uses_the_claims_windows_and_says_what_a_tiv_is_not(evidence) -> None:
    from kzmv.analysis import security

    text = argument.security_paragraph(evidence.tables, evidence.register)
    flows = evidence.tables["arms_imports_by_supplier"]
    assert f"Russia supplied {security.group_share(flows, 'KAZ', 'Russia', 2020, 2024):.1f}%" in text
    assert "is not money" in text and "Belarus 100%" in text and "[Figure](#fig-security_arms_suppliers)" in text


def test_votes_paragraph_keeps_unknown_votes_unknown(evidence) -> None:
    text = argument.votes_paragraph(evidence.tables, evidence.register)
    assert "2 unknown" in text and "of the 8 votes a page states, 6 took neither side" in text
    tables = _set(evidence.tables, "unga_ukraine_votes", "vote", "no", country_iso3="KAZ")
    changed = argument.votes_paragraph(tables, evidence.register)
    assert "0 took neither side" in changed and "no more than half" in changed


def test_alignment_paragraph_says_who_moved(evidence) -> None:
    text = argument.alignment_paragraph(evidence.tables, evidence.register)
    assert "it was Russia that moved more" in text and "away from where Russia had stood" in text
    assert "what an ideal point is not" in text and "farther than Kazakhstan" in text
    tables = _set(evidence.tables, "unga_ideal_points", "ideal_point", 0.5, iso3="KAZ", year=2024)
    changed = argument.alignment_paragraph(tables, evidence.register)
    assert "it was Kazakhstan that moved more" in changed and "towards where Russia had stood" in changed


def test_gateway_paragraph_is_consistency_never_proof(evidence) -> None:
    text = argument.gateway_paragraph(evidence.tables, evidence.register)
    assert "consistent with the critics' gateway; they cannot prove it" in text
    assert "free on board and in euro" in text and "in dollars" in text and "same months" in text


def test_investment_after_paragraph_stops_where_the_positions_stop(evidence) -> None:
    text = argument.investment_after_paragraph(evidence.tables)
    assert "Russia is not among the five reporters" in text and "by China's own" in text
