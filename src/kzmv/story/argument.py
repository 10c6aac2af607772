"""The argument chapter's prose: each paragraph built from numbers is a tested function here.

Why here and not in the notebook: a sentence that carries a number is code,
and code belongs where it can be tested. The numbers themselves are computed in
the analysis layer (:mod:`kzmv.analysis.argument`, with the claims' measures),
one result per paragraph; each function here takes the tables (the same
mapping the claims ledger uses), asks for that result, and words it, rounding
once when it formats (:mod:`kzmv.story.numbers`). The years it compares come
from :mod:`kzmv.analysis.periods` or from the data, never typed. Where a
comparison crosses 2022, the year oil prices inflated every dollar value, the
paragraph says what changes in volume or without oil.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from typing import Any

import pandas as pd

from kzmv.analysis import argument as argument_numbers
from kzmv.analysis import macro, periods, politics, sanctions_trade, trade, vectors
from kzmv.analysis.claims import (
    DEPENDS,
    MEASURES,
    NOT_TESTABLE,
    ROBUST_SHARE,
    STRENGTHS,
    Assessment,
    assess,
    section_reach,
    strength_counts,
)
from kzmv.data import outputs
from kzmv.data.claims_register import Claim
from kzmv.data.evidence import Evidence
from kzmv.errors import PipelineError
from kzmv.figures.style import FigureText
from kzmv.story import claims
from kzmv.story import scorecard_robustness as robustness
from kzmv.story.back_matter import source_labels
from kzmv.story.numbers import as_stated, billions, number, pct, points
from kzmv.story.prose import named

Tables = Mapping[str, pd.DataFrame]

# What the paragraphs read besides the claims' own tables.
TABLES: tuple[str, ...] = (
    "trade_by_group",
    "trade_by_partner",
    "export_structure",
    "oil_exports",
    "fdi_by_group",
    "fdi_by_partner",
    "fdi_gross_vs_net",
    "macro_indicators",
    "raw:exports_by_commodity_monthly",
    "raw:fdi_page_figures",
    "raw:fdi_by_country_page_figures",
    "raw:imf_weo_kaz",
    "raw:oil_cpc_page_figures",
    "raw:owid_weo_real_gdp_growth",
    "raw:trade_page_figures",
    # the politics and security chapter's tables
    "vector_scorecard",
    "arms_imports_by_supplier",
    "arms_imports_by_window",
    "unga_ukraine_votes",
    "unga_ideal_points",
    "sanctions_era_trade",
    "peer_imports_by_partner",
    "fdi_positions_kazakhstan",
    "vector_scorecard_variants",
)
# The neighbours the growth claim is judged against (the macro chapter's default comparators).
GROWTH_PEERS_CLAIM = "B17"
# The claims whose windows, years and peers the politics and security paragraphs reuse, so that a paragraph
# and a verdict cannot describe different comparisons.
SECURITY_CLAIM, SECURITY_CHANGE_CLAIM, TURKEY_ARMS_CLAIM = "B26", "B27", "W8"
NEUTRAL_CLAIM, ALIGNMENT_CLAIM, GATEWAY_CLAIM, AHEAD_CLAIM = "B28", "B29", "B30", "B14"


def assess_claims(evidence: Evidence, tolerance_pct: float) -> list[Assessment]:
    """Every claim of the register under each of its specifications, at this run's tolerance."""
    return assess(evidence.register, evidence.tables, tolerance_pct)


def build_ledger(evidence: Evidence, assessments: list[Assessment]) -> pd.DataFrame:
    """The checked claims ledger of this run, each source named by its full label."""
    ledger = claims.ledger_frame(assessments, source_labels(evidence.bibliography), evidence.dictionary)
    claims.check_ledger(ledger, evidence.register, evidence.known_ids)
    return ledger


# --------------------------------------------------------------------------- small helpers


def _listing(parts: list[str]) -> str:
    if not parts:
        return ""
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def _params(register: list[Claim], claim_id: str) -> dict[str, Any]:
    found = [c for c in register if c.claim_id == claim_id]
    if not found:
        raise PipelineError(f"data/claims.yml has no claim {claim_id}, which the argument chapter reads")
    return dict(found[0].params)


def figure_ref(name: str, present: set[str] | None = None) -> str:
    """A citation of a figure the argument rests on, ``[Figure](#fig-<name>)``, only if the figure exists.

    The renderer numbers such links in reading order; a figure that is not drawn is
    not cited, so that no link dangles.
    """
    present = present if present is not None else outputs.figure_names()
    return f"[Figure](#fig-{name})" if name in present else ""


def cite(names: list[str], present: set[str] | None = None) -> str:
    """ " (see [Figure](#fig-a), [Figure](#fig-b))" for the figures that exist, or ""."""
    refs = [r for r in (figure_ref(n, present) for n in names) if r]
    return f" (see {', '.join(refs)})" if refs else ""


# --------------------------------------------------------------------------- the ledger in words


def register_summary(register: list[Claim], documents: list[Any], tolerance_pct: float) -> str:
    """How many claims, from which pieces, how many the data can test and under how many specifications."""
    per_source = [f"{sum(c.source == d.key for c in register)} from {d.short}" for d in documents]
    tested = [c for c in register if c.measure]
    quoted = sum(c.claimed_form == "quote" for c in register)
    consistency = sum(c.test_kind == "consistency" for c in tested)
    specs = [len(c.specifications(MEASURES)) for c in tested]
    banded = sum(bool(c.band and c.band.kinds) for c in tested)
    fewer = sum(bool(c.fewer_because) for c in tested)
    return (
        f"The register holds {len(register)} claims ({'; '.join(per_source)}). The data can test {len(tested)} of "
        f"them, {consistency} only for consistency (the data can agree with the claim but not prove it); for the "
        f"other {len(register) - len(tested)} the ledger says why not. Each tested claim is judged under every "
        f"specification its declared choices allow, {sum(specs)} in all, from {min(specs)} to {max(specs)} a "
        f"claim ({fewer} of them with fewer than three, for a stated reason); {banded} carry a band from the "
        "measure's own "
        f"uncertainty, and the rest say why they have none. For {quoted} claims the *claimed* column quotes the "
        f"source's own words, in quotation marks; for {len(register) - quoted} it paraphrases, and says so. The "
        f"tolerance in this run is {as_stated(tolerance_pct)}% of the claimed value, and every claim whose rule "
        f"has slack is judged at half and at twice it as well."
    )


def _strength_parts(by_strength: Mapping[str, Mapping[str, int]]) -> list[str]:
    """ "supported 9 (7 robustly)": each strength with how many of its claims hold it robustly."""
    return [f"{s} {by_strength[s]['claims']} ({by_strength[s]['robust']} robustly)" for s in STRENGTHS]


def ledger_summary(ledger: pd.DataFrame) -> str:
    """The verdicts by strength, each with how many are robust, and how many depend on the choices.

    Counted by where most of a claim's specifications put it; a consistency test
    is counted as consistent, never as support.
    """
    by_strength = strength_counts(ledger)
    tested = int((ledger["verdict"] != NOT_TESTABLE).sum())
    depends = claims.depends_ids(ledger)
    return (
        f"Of the {len(ledger)} claims, the data can test {tested}. By the verdict most of each claim's specifications "
        f"give: {_listing(_strength_parts(by_strength))}. *Robustly* means under at least "
        f"{as_stated(100 * ROBUST_SHARE)}% of the claim's specifications; a consistency test can find the data "
        f"consistent with a claim, never prove it, so the consistent are never counted with the supported. "
        f"{len(depends)} verdicts depend on the choices, and the ledger names the choice that flips each; "
        f"{len(ledger) - tested} claims cannot be tested with the data in this report."
    )


def specifications_paragraph(ledger: pd.DataFrame, specs: pd.DataFrame) -> str:
    """How many specifications agree, which choices flip the verdicts that depend on them, and the tolerance's part."""
    tested = ledger[ledger["verdict"] != NOT_TESTABLE]
    unanimous = int((tested["robust_share"] >= 1 - 1e-9).sum())
    robust = int((tested["verdict"] != DEPENDS).sum())
    flips = tested.loc[tested["verdict"] == DEPENDS, "flips_on"].str.split(": ").str[0].value_counts()
    named_flips = _listing([f"{dim} ({n})" for dim, n in flips.items()]) if len(flips) else ""
    tolerance = tested.loc[tested["flips_on"].str.startswith("tolerance:"), "claim_id"].tolist()
    return (
        f"The {len(tested)} tested claims were judged under {len(specs)} specifications. The specifications of "
        f"{unanimous} claims all agree, and those of {robust} agree at least {as_stated(100 * ROBUST_SHARE)}% of "
        "the time, which makes their verdict robust; for the other "
        f"{len(tested) - robust} the verdict depends on the choices"
        + (f"; the choice that flips each is, by how often: {named_flips}" if named_flips else "")
        + ". "
        + (
            f"The tolerance is one of the choices, and it is the one that flips {_listing(tolerance)}."
            if tolerance
            else "The tolerance is one of the choices, and it flips no verdict on its own."
        )
        + " Every specification is drawn"
        + cite(["ledger_specifications"])
        + "."
    )


def depends_paragraph(ledger: pd.DataFrame) -> str:
    """The verdicts that depend on the choices, one bullet each, with the choice that flips them and to what."""
    rows = ledger[ledger["verdict"] == DEPENDS]
    if rows.empty:
        return "Every tested verdict holds under at least four in five of its specifications."
    lines = [
        f"{len(rows)} verdicts depend on the choices: fewer than {as_stated(100 * ROBUST_SHARE)}% of their "
        "specifications agree. For each, the verdict most of them give, and the choice under which it flips.",
        "",
    ]
    for row in rows.itertuples():
        share = claims.share_words(row.robust_share, row.specifications)
        lines.append(f"- **{row.claim_id}, {row.title}.** {share} give {row.modal_verdict}; with {row.flips_on}.")
    return "\n".join(lines)


def verdict_lists(ledger: pd.DataFrame) -> str:
    """One bullet per verdict with the claims that got it, each with its robustness share; consistency tests marked."""
    consistency = set(ledger.loc[ledger["test_kind"] == "consistency", "claim_id"])
    lines = []
    for verdict in (*STRENGTHS, DEPENDS, NOT_TESTABLE):
        rows = ledger[ledger["verdict"] == verdict]
        ids = [
            f"{r.claim_id}{'†' if r.claim_id in consistency else ''}"
            + (f" ({pct(100 * r.robust_share, 0)})" if pd.notna(r.robust_share) and r.robust_share < 1 - 1e-9 else "")
            for r in rows.itertuples()
        ]
        lines.append(f"- **{verdict[0].upper() + verdict[1:]}** ({len(rows)}): {', '.join(ids) or 'none'}")
    return (
        "\n".join(lines) + "\n\nIn brackets, the share of a claim's specifications that give its verdict (or, where "
        "it depends on the choices, the most common one), where not all do. † a test of consistency: it can find the "
        "data consistent with the claim, never prove it."
    )


# --------------------------------------------------------------------------- the specification curve


def curve_claims(ledger: pd.DataFrame) -> list[str]:
    """The tested claims, in ledger order: the rows of the specification curve."""
    return ledger.loc[ledger["verdict"] != NOT_TESTABLE, "claim_id"].tolist()


def curve_labels(ledger: pd.DataFrame) -> dict[str, str]:
    """Each row's label: the claim's id and short title."""
    return {r.claim_id: f"{r.claim_id}  {r.title}" for r in ledger.itertuples()}


def curve_notes(ledger: pd.DataFrame) -> dict[str, str]:
    """Each row's note on the right: the share agreeing and, where the verdict depends on the choices, the choice."""
    notes = {}
    for r in ledger[ledger["verdict"] != NOT_TESTABLE].itertuples():
        share = pct(100 * r.robust_share, 0)
        notes[r.claim_id] = share if r.verdict != DEPENDS else f"{share}, flips on {r.flips_on.split(': ')[0]}"
    return notes


def specification_curve_text(ledger: pd.DataFrame, specs: pd.DataFrame) -> FigureText:
    """The curve's words: how many claims hold under most of their specifications, what is drawn, how to read it."""
    tested = ledger[ledger["verdict"] != NOT_TESTABLE]
    robust = int((tested["verdict"] != DEPENDS).sum())
    per_verdict = specs["verdict"].value_counts()
    return FigureText(
        title=(
            f"{robust} of the {len(tested)} tested claims keep one verdict under at least "
            f"{as_stated(100 * ROBUST_SHARE)}% of their specifications"
        ),
        subtitle=(
            "Each row is a claim and each mark one specification of its test (a combination of defensible choices), "
            "coloured by its verdict; the ringed mark reads the claim as stated. On the right, the share of "
            "specifications giving the most common verdict"
        ),
        source="Source: the claims ledger, data/processed/claim_specifications.csv (computed from the report's data).",
        alt=(
            f"Specification curve of {len(tested)} claims and {len(specs)} specifications: "
            + "; ".join(f"{int(per_verdict.get(v, 0))} {v}" for v in STRENGTHS)
            + ". "
            + "; ".join(
                f"{r.claim_id}: {claims.share_words(r.robust_share, r.specifications)} give {r.modal_verdict}"
                for r in tested.itertuples()
            )
        ),
        note=(
            "Blue: supported; light blue: consistent (a consistency test goes no higher); grey: indeterminate (the "
            "band straddles the threshold); orange: not supported; red: contradicted."
        ),
    )


# --------------------------------------------------------------------------- aspiration


def china_paragraph(tables: Tables) -> str:
    """China's share of turnover over the long run and around 2022, against all trade's growth."""
    c = argument_numbers.china_weight(tables)
    verdict = (
        "the deepening the early pieces saw shows in the longer run, not in the first year of the war"
        if abs(c.moved) < 1 and c.long_run > 0
        else "China's weight moved in the first war year as well as over the longer run"
    )
    return (
        f"China's share of Kazakhstan's goods turnover rose from {pct(c.share_first)} in {c.first} "
        f"to {pct(c.share_war)} in {c.war} and {pct(c.share_latest)} in "
        f"{c.latest}. In {c.war} itself trade with China grew {pct(c.growth_china, 0)} in dollars, but all trade grew "
        f"{pct(c.growth_all, 0)}, so China's share moved by {points(c.moved, 2)} points: {verdict}."
    )


def eu_investment_paragraph(tables: Tables) -> str:
    """The EU's FDI stock share, its peak, the Netherlands inside it, and the flows of the last year."""
    e = argument_numbers.eu_stock(tables)
    against = "less" if e.without_netherlands < e.usa else "more"
    return (
        f"The EU-27's lead is one of stock, built up over two decades: it held {pct(e.eu)} of the inward "
        f"FDI stock at the end of {e.year} (the last year of the wiiw partner data), down from a peak of "
        f"{pct(e.peak)} in {e.peak_year}; the Netherlands alone held {pct(e.netherlands)}, and without it the EU "
        f"would hold {pct(e.without_netherlands)}, {against} than the USA ({pct(e.usa)}). In the net inflow of "
        f"{e.year} alone, the USA accounted for {pct(e.net_usa)} and the EU-27 for {pct(e.net_eu)}."
    )


# --------------------------------------------------------------------------- economic limits


def russia_trade_paragraph(tables: Tables) -> str:
    """Turnover with Russia year by year, as revised and as first released, and Russia's share against two bases."""
    r = argument_numbers.russia_trade(tables)
    growth = [f"{pct(g, signed=True)} in {y}{trade.preliminary_label(y)}" for y, g in r.growth]
    early = [
        f"the first release for {y} gave USD {number(v / 1000, 1)} billion, {pct(g, signed=True)} on the year before"
        for y, v, g in r.first_releases
    ]
    before, after, base_share = r.share_before, r.share_after, r.share_base
    direction = "fell" if after < before else "rose"
    against = (
        "the change is smaller but in the same direction"
        if (after - base_share) * (after - before) > 0 and abs(after - base_share) < abs(after - before)
        else "the change is no smaller"
        if (after - base_share) * (after - before) > 0
        else "the change goes the other way"
    )
    return (
        "Turnover with Russia changed by "
        + ", ".join(growth)
        + " (revised figures)"
        + (f"; {_listing(early)}" if early else "")
        + f". From {r.pre} to {r.latest} trade with Russia changed by {pct(r.dollars, 0, signed=True)} in dollars "
        f"and all trade by {pct(r.everyone, 0, signed=True)}, so Russia's share {direction} from {pct(before)} to "
        f"{pct(after)}. Measured from the mean of {periods.span(r.base)} ({pct(base_share)}) instead, since {r.pre} "
        f"was a peak for Russia's share, {against}."
    )


def prices_paragraph(tables: Tables) -> str:
    """What the first war year's dollar growth was in volume and without crude oil."""
    w = argument_numbers.war_year_prices(tables)
    war = w.war
    price = "Most of the jump" if w.volume < w.total / 2 else "Part of the jump"
    return (
        f"Dollar values across {war} carry the oil price with them. Over the {w.months} months the Bureau "
        f"reports for both {war - 1} and {war}, exports rose {pct(w.total, 0)} in dollars, crude oil "
        f"{pct(w.crude, 0)}, and everything else {pct(w.without_crude, 0)}; in volume, the IMF "
        f"puts the growth of exports of goods and services in {war} at {pct(w.volume, signed=True)}. {price} in "
        f"{war} was price, which is why the ledger tests claims of change on shares."
    )


def oil_paragraph(tables: Tables) -> str:
    """The CPC's share by year, the share crossing Russia, Russian transit to China, and the CPC's owners."""
    o = argument_numbers.oil_transit(tables)
    months = o.transit_period.replace("January", "Jan").replace("October", "Oct")
    return (
        "The CPC's share of crude exports, in the full years with a stated total, was "
        + ", ".join(f"{pct(v)} in {y}" for y, v in o.cpc.items())
        + ". Counting every route that crosses Russia, not only the CPC, at least "
        + " and ".join(f"{pct(v)} in {y}" for y, v in o.crossing.items())
        + f" did not bypass Russian ports. Transit also runs the other way: in {months} {o.transit_year}, "
        f"{number(o.russian_through_kazakhstan_mt, 1)} million tonnes of Russian oil crossed Kazakhstan, "
        f"{number(o.russian_to_china_mt, 1)} of them to China, against {number(o.kazakh_to_china_mt, 1)} million "
        f"tonnes of Kazakhstan's own crude piped to China and {number(o.kazakh_through_russia_mt, 1)} million tonnes "
        f"piped across Russia. The largest CPC shareholder is {o.largest_holder} "
        f"({as_stated(o.largest_percent)}%, ahead of {o.second_holder} with {as_stated(o.second_percent)}%); "
        f"summed by state, Russia holds {as_stated(o.russia_state_percent)}% and Kazakhstan "
        f"{as_stated(o.kazakhstan_state_percent)}%."
    )


def investment_paragraph(tables: Tables) -> str:
    """Russian gross FDI as far as the data go, inflows from everyone else, and by-country changes."""
    c = argument_numbers.russian_capital(tables)
    russia, others, halves, pre = c.russia, c.others, c.halves, c.pre
    moves = [f"{country} {pct(change, 1, signed=True)} ({year})" for country, change, year in c.country_changes]
    last_other, last_half = int(others.index.max()), int(halves.index.max())
    return (
        "Russia's gross direct investment, as officials quoted it, was "
        + ", ".join(f"USD {number(v, 2)} billion in {int(y)}" for y, v in russia.items())
        + f" ({pre} derived from the next year's level and its quoted change): {number(c.ratio, 2)} times the {pre} "
        f"level by {int(russia.index.max())}. The paper's 'more than doubled' rests on a later release than the data "
        "hold, so the ledger leaves it untested. Investors other than Russia put in "
        f"USD {number(others[last_other - 1], 1)} billion in {last_other - 1} and USD {number(others[last_other], 1)} "
        f"billion in {last_other}; by country, officials quoted changes of {_listing(moves)}. No full-year total is "
        f"in the data after {last_other}: in the first half of {last_half}, all investors together put in USD "
        f"{number(halves[last_half], 1)} billion, against {number(halves[last_half - 1], 1)} a year earlier."
    )


def growth_paragraph(tables: Tables, register: list[Claim]) -> str:
    """Kazakhstan's growth in the war years against its own past and its neighbours (the peers of claim B17).

    The war years and the peers are those of the ledger's claim, so the
    paragraph and the verdict cannot describe different comparisons.
    """
    from kzmv.data.partners import load_groups

    params = next(c for c in register if c.claim_id == GROWTH_PEERS_CLAIM).params
    g = argument_numbers.growth_benchmarks(tables, (int(params["first"]), int(params["last"])), params["peers"])
    parts = [f"{pct(growth)} a year in {k} ({periods.span(s)})" for k, (s, growth) in g.spans.items()]
    groups = load_groups()
    words = [
        f"{'faster' if g.own > g.pre_war_decade else 'slower'} than in its own pre-war decade",
        f"{'faster' if g.own > g.oil_boom else 'slower'} than in the oil boom",
        f"{'above' if g.own > g.peer_median else 'below'} the median of its neighbours",
    ]
    return (
        "Real GDP grew by " + "; ".join(parts) + f" (IMF; {g.war[1]} is an estimate). Over the same war years the "
        "neighbours' yearly growth was: "
        + ", ".join(f"{macro.country_name(i, groups)} {pct(v)}" for i, v in g.peers.sort_values().items())
        + f", a median of {pct(g.peer_median)}. Kazakhstan grew {_listing(words)}: whether that is "
        "impressive turns on the benchmark."
    )


# --------------------------------------------------------------------------- political limits


def inflation_paragraph(tables: Tables) -> str:
    """CPI inflation by source in the war years, against the pre-war baseline, the disputed year, the current account."""
    i = argument_numbers.war_inflation(tables)
    (before, cab_before), (last, cab_last) = sorted(i.current_account.items())
    return (
        "Consumer prices rose by "
        + "; ".join(f"{pct(i.world_bank[y])} in {y} (IMF: {pct(i.imf[y])})" for y in i.years)
        + f", against an average of {pct(i.base_mean)} a year in {periods.span(i.base)} (World Bank)."
        + "".join(
            f" For {y} the two sources are {number(abs(gap), 1)} points apart and the IMF value is an "
            "estimate: the ledger tests the war years on the years they agree on, with the IMF's figures as the band."
            for y, gap in i.gaps.items()
        )
        + f" The current account, the other sign of an economy running hot, was {pct(cab_last, 1)} of GDP in "
        f"{last} and {pct(cab_before, 1)} in {before}, against {pct(i.current_account_base, 1)} "
        f"on average in {periods.span(i.base)} (IMF)."
    )


# --------------------------------------------------------------------------- geopolitical limits


def weights_paragraph(tables: Tables) -> str:
    """Russia's, China's and the EU's trade in the latest complete year, and Russia against the largest Western country."""
    w = argument_numbers.trade_weights(tables)
    levels, shares = w.levels_bn, w.shares
    bloc = "more" if levels["EU-27"] > max(levels["China"], levels["Russia"]) else "less"
    single = "more" if levels["Russia"] > w.largest_west_bn else "less"
    together = "more" if levels["Russia"] > w.west_bn else "less"
    return (
        f"In {w.year}, Kazakhstan's goods turnover was USD {number(levels['China'], 1)} billion with China "
        f"({pct(shares['China'])} of the total), USD {number(levels['Russia'], 1)} billion with Russia "
        f"({pct(shares['Russia'])}) and USD {number(levels['EU-27'], 1)} billion with the EU-27 "
        f"({pct(shares['EU-27'])}): as a bloc the EU-27 traded {bloc} than either neighbour, and "
        f"{pct(w.eu_exports_share, 0)} of that trade was Kazakh exports, mostly oil. Country by country, the largest "
        f"Western partner, {w.largest_west}, traded USD {number(w.largest_west_bn, 1)} billion and the West together "
        f"(the EU-27, the USA and the UK) USD {number(w.west_bn, 1)} billion, so Russia weighed {single} than any "
        f"single Western state and {together} than the West together: which of the two 'on a par' means decides "
        "the verdict."
    )


# --------------------------------------------------------------------------- votes, arms, wartime trade


def scorecard_paragraph(tables: Tables, register: list[Claim]) -> str:
    """Which partner leads each of Kazakhstan's vectors, and what "Russia ahead of every partner" comes to."""
    params = _params(register, AHEAD_CLAIM)
    card = tables["vector_scorecard"]
    mine = card[card["country_iso3"] == params["country"]]
    parts = []
    for r in mine.itertuples():
        if pd.isna(r.leader):
            parts.append(f"{r.vector}: no data")
        elif r.unit == vectors.DISTANCE_UNIT:
            parts.append(f"UN votes ({r.period}): nearest to {r.leader}")
        else:
            russia = "" if r.leader == vectors.RUSSIA else f", Russia {pct(r.russia_value, 0)}"
            parts.append(f"{r.vector} ({r.period}): {r.leader} with {pct(r.leader_value, 0)}{russia}")
    led = vectors.russia_leads_everywhere(card, params["country"])
    return (
        "Vector by vector, the partner that leads Kazakhstan's "
        + "; ".join(parts)
        + f". Russia leads {led['led_by_russia']} of the {led['vectors_with_data']} vectors the data reach"
        + (f", not {_listing(led['not_led'])}" if led["not_led"] else "")
        + f". So the paper's view that Russia stays ahead of every other partner ({AHEAD_CLAIM}) holds for some "
        "vectors and not for others. Transit, the alliances and Russian capital after the partner data end are not "
        "in the scorecard"
        + cite(["vectors_scorecard"])
        + ". "
        + robustness.variants_paragraph(vectors.variant_summary(tables["vector_scorecard_variants"], params["country"]))
    )


def security_paragraph(tables: Tables, register: list[Claim]) -> str:
    """Russia's share of Kazakhstan's major arms in the claims' windows, the peers, Turkey, and what a TIV is not."""
    level = _params(register, SECURITY_CLAIM)
    change = _params(register, SECURITY_CHANGE_CLAIM)
    turkey = _params(register, TURKEY_ARMS_CLAIM)
    peer_codes = next(
        (
            alternative.params["peers"]
            for c in register
            if c.claim_id == SECURITY_CHANGE_CLAIM
            for alternatives in c.alternatives().values()
            for alternative in alternatives
            if "peers" in alternative.params
        ),
        [],
    )
    windows = {"before": change["before"], "after": change["after"], "pre": turkey["before"], "war": turkey["after"]}
    a = argument_numbers.arms_shares(tables, level["recipient"], windows, peer_codes)
    before, after, war, pre = (tuple(windows[k]) for k in ("before", "after", "war", "pre"))
    moved = a.peer_moves
    peer_word = (
        "fell by less than the median peer's"
        if moved and a.own_move > statistics.median(moved)
        else "fell by more than the median peer's"
        if moved and a.own_move < 0
        else "did not fall"
    )
    return (
        f"Russia supplied {pct(a.russia_after)} of the major arms Kazakhstan received in "
        f"{periods.span(after)} (SIPRI trend-indicator values), against {pct(a.russia_before)} in "
        f"{periods.span(before)}, and {pct(a.russia_war)} in the war years {periods.span(war)}: a share "
        f"that {peer_word} (a median change of "
        f"{points(statistics.median(moved)) if moved else '—'} points among the peers). In {periods.span(after)} the "
        "peers' shares from Russia were "
        + ", ".join(f"{n} {pct(v, 0)}" for n, v in sorted(a.peer_shares, key=lambda x: -x[1]))
        + f". Turkey's part rose from {pct(a.turkey_pre)} in {periods.span(pre)} to "
        f"{pct(a.turkey_war)} in {periods.span(war)}, and China's was {pct(a.china_after)} in {periods.span(after)}. "
        "A trend-indicator value is not "
        "money: SIPRI prices each weapon by its military capability, so shares compare suppliers but say nothing "
        "of budgets or sales, and one delivery can make a year, so only windows of several years are compared. "
        "Nor is a delivery the whole of a security tie: the CSTO, training and Russian-run sites are not in these "
        "data" + cite(["security_arms_suppliers"]) + "."
    )


def votes_paragraph(tables: Tables, register: list[Claim]) -> str:
    """Kazakhstan's votes on the Ukraine resolutions since the invasion: neither side, against, for, unknown."""
    params = _params(register, NEUTRAL_CLAIM)
    v = argument_numbers.neutral_votes(tables, params["country"], params["first_date"])
    said = _listing([f"{n} {politics.VOTE_LABELS[state]}" for state, n in v.counts.items()])
    return (
        f"On the {v.resolutions} Ukraine resolutions the Assembly voted on from the invasion to the latest "
        f"transcribed, Kazakhstan is recorded as {said}: of the {v.known} votes a page states, {v.neither} took "
        f"neither side. It voted as Russia did on {v.same_as_russia} of the {v.compared} where both votes are known. "
        "A vote no page states stays unknown: it is counted neither as an abstention nor as a side. Counted instead "
        f"as a side, every one of them, the votes for neither side would still be {pct(v.bound, 0)} of the total, "
        f"{'above' if v.bound > 50 else 'no more than'} half."
    )


def alignment_paragraph(tables: Tables, register: list[Claim]) -> str:
    """Kazakhstan's and Russia's ideal points before the war and now: who moved, the band, and what a point is not."""
    params = _params(register, ALIGNMENT_CLAIM)
    focus, ref, start = params["country"], params["reference"], int(params["start"])
    a = argument_numbers.alignment(tables, focus, ref, start)
    m, end, towards = a.moved, a.end, a.towards
    bench = politics.ALIGNMENT_BENCHMARK
    ideal = tables["unga_ideal_points"]
    names = ideal.drop_duplicates("iso3").set_index("iso3")["country"]
    return (
        f"On the UN ideal points the distance between {names[focus]} and {names[ref]} went from "
        f"{number(m['distance_start'], 2)} in {start} to {number(m['distance_end'], 2)} in {end}, and it was "
        f"{names[ref] if abs(m['moved_reference']) > abs(m['moved_self']) else names[focus]} that moved more: "
        f"{names[ref]}'s score went from {number(m['reference_start'], 2)} to {number(m['reference_end'], 2)}, "
        f"{names[focus]}'s from {number(m['self_start'], 2)} to {number(m['self_end'], 2)}, a step of "
        f"{number(abs(towards), 2)} {'towards' if towards > 0 else 'away from'} where {names[ref]} had stood, "
        + ("larger than the estimate's uncertainty" if a.real else "within the estimate's uncertainty")
        + f". {names[bench]}, {names[ref]}'s closest ally, stood {number(a.benchmark_distance, 2)} from {names[ref]} "
        f"in {end}, {'farther' if a.benchmark_distance > m['distance_end'] else 'nearer'} than {names[focus]}. That "
        "is what an ideal point is not: it is a country's place on the one dimension that best orders all of the "
        "Assembly's recorded votes, not its agreement with Russia on the war, nor an alliance; two countries can sit "
        "close on it and vote apart on Ukraine" + cite(["politics_ideal_points"]) + "."
    )


def gateway_paragraph(tables: Tables, register: list[Claim]) -> str:
    """EU exports to Kazakhstan, its neighbours and Russia against 2019-2021, the onward leg, and what cannot be shown."""
    params = _params(register, GATEWAY_CLAIM)
    partner, versus, year = params["partner"], params["versus"], int(params["year"])
    g = argument_numbers.gateway(tables, partner, versus, year)
    series = tables["sanctions_era_trade"]
    names = series.drop_duplicates("partner_iso3").set_index("partner_iso3")["partner"]
    base = periods.span(sanctions_trade.BASE_YEARS)
    neighbours = [p for p in sanctions_trade.EU_ORDER if p not in (partner, versus)]
    return (
        f"With {base} = 100, EU-27 exports to {names[partner]} stood at {number(g.index[partner])} in "
        f"{year} and those to {names[versus]} at {number(g.index[versus])}; to the neighbours "
        + ", ".join(f"{names[p]} {number(g.index[p])}" for p in neighbours)
        + f". In the first {g.months} months of {g.part_year}, against the same months of {base}, the two stood at "
        f"{number(g.part_index[partner])} and {number(g.part_index[versus])}. Kazakhstan's own record shows its "
        f"imports from the EU-27 at {number(g.own_imports_index)} and its exports to Russia at "
        f"{number(g.onward_index)} in {year}. These are the "
        "diverging lines that re-exports through Kazakhstan would draw, so the data are consistent with the critics' "
        "gateway; they cannot prove it. Totals do not say which goods went on to Russia, and firms that moved out of "
        "Russia or new local demand would draw the same lines. The two ledgers of one flow differ too: the EU values "
        "its exports free on board and in euro, Kazakhstan its imports with freight and insurance and in dollars, "
        "so each side is compared only with its own pre-war level, never level with level"
        + cite(["sanctions_eu_exports"])
        + "."
    )


def investment_after_paragraph(tables: Tables) -> str:
    """The USA's and China's positions in Kazakhstan after the partner data end, on both counts of China's."""
    a = argument_numbers.positions_after_partner_data(tables)
    end, last = a.end, a.last
    usa, kz, cn = a.usa, a.china_kazakhstan_count, a.china_own_count
    return (
        f"After {end}, where the partner data end, the IMF's positions go on: the US position in Kazakhstan was "
        f"USD {billions(usa[end])} billion at the end of {end} and {billions(usa[last])} billion at the end of "
        f"{last} by Kazakhstan's count; China's {billions(kz[end])} and {billions(kz[last])} billion by "
        f"Kazakhstan's count, {billions(cn[end])} and {billions(cn[last])} billion by China's own. Positions are "
        "stocks by immediate investor, not the yearly inflows of claim B10, and Russia is not among the five "
        f"reporters, so Russian capital after {end} stays outside these data" + cite(["investment_positions"]) + "."
    )


# --------------------------------------------------------------------------- timeline


# The briefing paper's three limits, as the ledger's sections name them, in its order.
LIMITS = ("economic", "political", "geopolitical")
COUNTERWEIGHT = "China"  # the one partner the paper sees as able to balance Russia


def _reach_words(name: str, reach: dict[str, int]) -> str:
    """ "the economic one (17 of its 21 claims tested: 5 robustly supported, 3 robustly consistent)"."""
    tested = (
        f"all {reach['claims']}"
        if reach["tested"] == reach["claims"]
        else f"{reach['tested']} of its {reach['claims']}"
    )
    parts = [
        f"{reach[key]} {words}"
        for key, words in (
            ("supported", "robustly supported"),
            ("consistent", "robustly consistent"),
            ("against", "robustly not supported or contradicted"),
        )
        if reach[key]
    ]
    return f"the {name} one ({tested} claims tested: {', '.join(parts) if parts else 'none decided robustly'})"


def conclusion_paragraph(tables: Tables, ledger: pd.DataFrame, register: list[Claim]) -> str:
    """The argument's answer in one paragraph: multi-vector in what and not in what, and how far each limit is measured.

    Why: the sections test the claims one by one and the scorecard names each
    vector's leader; a reader finishing the argument needs the two put together,
    with the counterweight the paper names and the reach of the data stated, so
    that the answer is not read as wider than the evidence.
    """
    params = _params(register, AHEAD_CLAIM)
    card = tables["vector_scorecard"]
    mine = card[(card["country_iso3"] == params["country"]) & card["leader"].notna()]
    russia = mine.loc[mine["leader"] == vectors.RUSSIA, "vector"].tolist()
    others = mine[mine["leader"] != vectors.RUSSIA]
    if len(others):
        leaders = _listing([named(leader) for leader in dict.fromkeys(others["leader"])])
        opening = (
            f"Measured vector by vector, a partner other than Russia leads Kazakhstan's "
            f"{_listing(others['vector'].tolist())} ({leaders})"
        )
        opening += f", while Russia leads its {_listing(russia)}" if russia else ", and Russia leads none"
    else:
        opening = f"Measured vector by vector, Russia leads all {len(mine)} of Kazakhstan's vectors the data reach"
    led = mine.loc[mine["leader"] == COUNTERWEIGHT, "vector"].tolist()
    second = mine.loc[mine["runner_up"] == COUNTERWEIGHT, "vector"].tolist()
    china = f"{COUNTERWEIGHT}, the one counterweight the briefing paper sees, leads " + (
        _listing(led) if led else f"none of the {len(mine)} vectors"
    )
    if second:
        china += f" and comes second in {_listing(second)}"
    reach = {section: section_reach(ledger, register, section) for section in LIMITS}
    best, middle, last = sorted(LIMITS, key=lambda s: -reach[s]["tested"] / max(reach[s]["claims"], 1))
    limits = (
        f"Of the paper's three limits, the data reach best {_reach_words(best, reach[best])}, then "
        f"{_reach_words(middle, reach[middle])}, and least {_reach_words(last, reach[last])}"
    )
    return (
        f"{opening}. {china}. {limits}. What the data do not hold, from legitimacy at home to the alliances and "
        "Russian capital after the partner data end, this report leaves to the sources."
    )


def timeline_events(events: pd.DataFrame) -> pd.DataFrame:
    """The events from the first war year to the latest event, for the chart."""
    from kzmv.data.events import events_between

    last = int(events["date"].dt.year.max())
    if last < periods.SHOCK_YEAR:
        raise PipelineError("data/events.csv has no event from the war years")
    return events_between(events, periods.SHOCK_YEAR, last)


SOURCE_SEEDS = (
    "Source: events named in Avdaliani (Jamestown Foundation, 2023); Wahlang (MP-IDSA, 2023); Briefing Paper (2025/26)."
)


def timeline_title(events: pd.DataFrame) -> str:
    """The finding: how many of the named events fell in the busiest year."""
    per_year = events["date"].dt.year.value_counts().sort_index()
    busiest = int(per_year.idxmax())
    return f"{per_year.max()} of the {len(events)} turning points the sources name fell in {busiest}"


def timeline_text(events: pd.DataFrame) -> FigureText:
    """The timeline chart's words: the busiest year, the span, every event for the alt text, the uncertain dates."""
    ordered = events.sort_values("date", kind="stable").reset_index(drop=True)
    noted = ordered["date_note"].notna() if "date_note" in ordered else pd.Series(False, index=ordered.index)
    first, last = ordered["date"].min(), ordered["date"].max()
    return FigureText(
        title=timeline_title(ordered),
        subtitle=f"Events named in the three source documents, {first:%B %Y} to {last:%B %Y}, by date and kind",
        source=SOURCE_SEEDS,
        alt="Timeline of events named in the sources: "
        + "; ".join(f"{r.date:%d %B %Y}: {r.label} ({r.category})" for r in ordered.itertuples()),
        note=(
            "Dates as given in data/events.csv. * Hollow marker: the sources disagree on the date, or date the "
            f"event only by a month, a season or the report they cite ({int(noted.sum())} of "
            f"{len(ordered)} events); the table below says how."
        ),
    )


def timeline_table(events: pd.DataFrame) -> pd.DataFrame:
    """The events for the reader: date, what happened, kind, source, and what is uncertain about the date."""
    shown = events.assign(date=events["date"].dt.strftime("%d %b %Y"))
    shown = shown.rename(columns={"date_note": "about the date"})
    return shown[["date", "label", "category", "source", "about the date"]]


def cite_as(version: str) -> str:
    """The citation line of the report, with the package version it was built with."""
    return f"Cite as: kzmv contributors, *Kazakhstan multi-vector data report (kzmv)*, version {version}."
