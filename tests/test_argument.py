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
    summary = argument.register_summary(evidence.register, evidence.bibliography.documents, ledger, 12.5)
    quoted = sum(c.claimed_form == "quote" for c in evidence.register)
    assert f"For {quoted} claims the *claimed* column quotes" in summary and "is 12.5% of" in summary
    judged = set(ledger.loc[ledger["verdict"] != "not testable", "claim_id"])
    total = sum(len(c.specifications(MEASURES)) for c in evidence.register if c.claim_id in judged)
    assert f"{total} in all" in summary
    # a claim with a test whose data end before its period is counted with the untested, and said apart
    waiting = [c.claim_id for c in evidence.register if c.measure and c.claim_id not in judged]
    assert waiting and f"{len(waiting)} of them because the data end before the period" in summary


def test_the_one_page_summary_names_every_claim_by_title_once_never_by_a_bare_id(ledger) -> None:
    summary = argument.verdict_summary(ledger)
    for row in ledger.itertuples():
        assert summary.count(f"[{row.title}](#claim-{row.claim_id})") == 1, row.claim_id
    bare = re.sub(r"\(#claim-[A-Z][0-9]+\)", "", summary)
    assert not re.search(r"\b[ABW][0-9]+\b", bare), "a claim named by its id alone"
    for row in ledger[ledger["verdict"] == DEPENDS].itertuples():
        dimension = row.flips_on.split(": ")[0]
        assert f"[{row.title}](#claim-{row.claim_id}) (" in summary and f"it turns on the {dimension}" in summary
    robust = ledger[(ledger["verdict"] != DEPENDS) & (ledger["verdict"] != "not testable")]
    unanimous = robust[(robust["robust_share"] > 1 - 1e-9) & (robust["specifications"] > 1)].iloc[0]
    assert f"(all {unanimous.specifications} specifications agree" in summary
    assert "**Beyond the data**" in summary and "partly" not in summary
    # the groups follow the verdicts: a claim that loses its support moves
    moved = ledger.copy()
    first = moved.index[moved["verdict"] == "supported"][0]
    moved.loc[first, "verdict"] = "contradicted"
    title = moved.loc[first, "title"]
    assert title in argument.verdict_summary(moved).split("**Contradicted by the data**")[1]


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
    # "at least" bounds are rounded down, with their basis: 93.0 and 94.7 read 93 and 94, never 95
    assert "at least 95% in 2022 and 93% in 2023 crossed Russia, with the oil piped to China counted apart" in text
    assert "the bound would be 97% and 94%" in text
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


def test_the_conclusion_answers_the_thesis_first_then_each_limit_in_words(evidence, ledger) -> None:
    from kzmv.analysis.claims import section_balance

    text = argument.conclusion_paragraph(evidence.tables, ledger, evidence.register)
    opening = text.split(". ")[0]
    assert opening.startswith("Read against the data, the limits the briefing paper sets on Kazakhstan's")
    balances = [section_balance(ledger, evidence.register, s) for s in argument.LIMITS]
    tested, borne = sum(b["tested"] for b in balances), sum(b["for"] for b in balances)
    assert f"of the {tested} claims about them the data can test, {borne} are robustly borne out" in opening
    for section in argument.LIMITS:
        assert f"The {section} limit (" in text
    assert not re.search(r"\b[ABW][0-9]+\b", text), "limits are argued in words, never by bare claim ids"
    # the firmest evidence is named by title, with its verdict and how many specifications agree
    b20 = ledger.set_index("claim_id").loc["B20"]
    if b20["verdict"] == "supported" and b20["robust_share"] == 1:
        assert f"*{b20['title']}* (supported under all {b20['specifications']} specifications)" in text
    # the scorecard part follows the leaders
    card = evidence.tables["vector_scorecard"]
    mine = card[(card["country_iso3"] == "KAZ") & card["leader"].notna()]
    for vector in mine.loc[mine["leader"] == "Russia", "vector"]:
        assert vector in text.split("while Russia leads its", 1)[1].split(".")[0]
    assert f"China, the one counterweight the briefing paper sees, leads none of the {len(mine)} vectors" in text
    russia = _set(evidence.tables, "vector_scorecard", "leader", "Russia", country_iso3="KAZ")
    assert "Russia leads all 5 of Kazakhstan's vectors" in argument.conclusion_paragraph(
        russia, ledger, evidence.register
    )
    # the answer follows the verdicts: every limit claim contradicted, and the limits no longer hold
    limits = [c.claim_id for c in evidence.register if c.section in argument.LIMITS]
    tested_ids = ledger["claim_id"].isin(limits) & (ledger["verdict"] != "not testable")
    refuted = ledger.assign(verdict=ledger["verdict"].where(~tested_ids, "contradicted"))
    worse = argument.conclusion_paragraph(evidence.tables, refuted, evidence.register)
    assert "hold less than the paper says" in worse and "the data bear out none of its claims robustly" in worse
    geopolitical = [c.claim_id for c in evidence.register if c.section == "geopolitical"]
    untested = ledger.assign(verdict=ledger["verdict"].where(~ledger["claim_id"].isin(geopolitical), "not testable"))
    last = argument.conclusion_paragraph(evidence.tables, untested, evidence.register)
    assert f"The geopolitical limit (0 of its {len(geopolitical)} claims tested): the data reach none" in last


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


def test_alignment_paragraph_reads_votes_and_ideal_points_and_says_who_moved(evidence) -> None:
    text = argument.alignment_paragraph(evidence.tables, evidence.register)
    assert "it was Russia that moved more" in text and "away from where Russia had stood" in text
    assert "what an ideal point is not" in text and "farther than Kazakhstan" in text
    assert "voted as Russia did on 12% of them and Belarus, Russia's closest ally, on 100%" in text
    assert "as aligned as Russia's closest ally" in text and "under both" in text
    tables = _set(evidence.tables, "unga_ideal_points", "ideal_point", 0.5, iso3="KAZ", year=2024)
    changed = argument.alignment_paragraph(tables, evidence.register)
    assert "it was Kazakhstan that moved more" in changed and "towards where Russia had stood" in changed


def test_gateway_paragraph_ranks_kazakhstan_among_destinations_far_from_the_war(evidence) -> None:
    from kzmv.analysis import gateway
    from kzmv.story.numbers import ordinal

    text = argument.gateway_paragraph(evidence.tables, evidence.register)
    assert "consistent with the critics' gateway; they cannot prove it" in text
    placebo = gateway.placebo_from_panel(evidence.tables["gateway_panel"], "KAZ", (2019, 2021), (2022, 2023))
    assert f"the {ordinal(placebo.rank)} largest change of the {placebo.of}" in text
    assert "with each destination's pre-war trend taken out" in text and "the ledgers cannot choose" in text
    slower = _set(evidence.tables, "gateway_panel", "exports_eur_m", 1.0, partner_iso3="KAZ", year=2023)
    assert f"the {ordinal(placebo.rank)} largest" not in argument.gateway_paragraph(slower, evidence.register)


def test_investment_after_paragraph_stops_where_the_positions_stop(evidence) -> None:
    text = argument.investment_after_paragraph(evidence.tables)
    assert "Russia is not among the five reporters" in text and "by China's own" in text
    # the US position's peak between the two endpoints is named, not hidden
    assert "by Kazakhstan's count (in between it peaked at 43.7 in 2022)" in text


def test_the_argument_s_paragraphs_name_no_module_file_or_engine(evidence, ledger, specs) -> None:
    """Issue 24: the argument's own text is about the argument; how verdicts are reached is said in the appendix."""
    tables, register = evidence.tables, evidence.register
    texts = [
        argument.register_summary(register, evidence.bibliography.documents, ledger, 10.0),
        argument.ledger_summary(ledger),
        argument.verdict_summary(ledger),
        argument.specifications_paragraph(ledger, specs),
        argument.depends_paragraph(ledger),
        argument.china_paragraph(tables),
        argument.eu_investment_paragraph(tables),
        argument.russia_trade_paragraph(tables),
        argument.prices_paragraph(tables),
        argument.oil_paragraph(tables),
        argument.investment_paragraph(tables),
        argument.gateway_paragraph(tables, register),
        argument.investment_after_paragraph(tables),
        argument.growth_paragraph(tables, register),
        argument.inflation_paragraph(tables),
        argument.weights_paragraph(tables),
        argument.scorecard_paragraph(tables, register),
        argument.security_paragraph(tables, register),
        argument.votes_paragraph(tables, register),
        argument.alignment_paragraph(tables, register),
        argument.conclusion_paragraph(tables, ledger, register),
    ]
    words = argument.specification_curve_text(ledger, specs)
    texts += [words.title, words.subtitle, words.source, words.note or ""]
    engine = re.compile(r"kzmv\.|\w+\.(?:yml|yaml|csv|py|ipynb)\b|data/|papermill", re.I)
    for text in texts:
        assert not engine.search(text), text[:120]
        assert not re.search(r"\b[Ff]igures? \d", text), "figures are cited by links the report numbers"
