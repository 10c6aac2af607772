"""Key findings: the handful of sentences a reader sees first, written from the headline numbers.

The numbers are computed in the analysis layer (:mod:`kzmv.analysis.headlines`),
with the claims ledger's measure functions, so a number in the summary and the
same number in the ledger can never disagree; here they are put into words and
rounded once, when printed. The report renderer lifts these sentences to the
top of the report. A comparison from the pre-war year also gives the result
against the two years before it, since 2021 was a peak for Russia's share; and
a change in dollars across 2022 is set against all trade, which oil prices
inflated.
"""

from __future__ import annotations

import pandas as pd

from kzmv.analysis import periods, vectors
from kzmv.analysis.claims import DEPENDS, NOT_TESTABLE, STRENGTHS, strength_counts
from kzmv.analysis.headlines import BEFORE_SHOCKS, headlines
from kzmv.story.numbers import pct
from kzmv.story.prose import join_and, named

FOCUS = "KAZ"
# The ledger's claim of a neutral stance at the UN since the invasion (data/claims.yml).
NEUTRAL_VOTES_CLAIM = "B28"


def _vector_cell(row: pd.Series) -> str:
    """ "arms (88% in 2020–2024)" or "UN votes (the nearest ideal point in 2024)": one scorecard row for prose."""
    if row["unit"] == "percent of the total":
        return f"{row['vector']} ({pct(row['leader_value'], 0)} in {row['period']})"
    return f"{row['vector']} (the nearest ideal point of the partners compared, in {row['period']})"


def vectors_finding(
    scorecard: pd.DataFrame, ledger: pd.DataFrame, country: str = FOCUS, variants: pd.DataFrame | None = None
) -> str:
    """The scorecard's answer in one bullet: which vectors Russia leads, which others lead, and the UN stance.

    Why in the key findings: the sources argue political and security limits as
    well as economic ones, and a summary of trade and investment alone would
    answer only a third of their case. Vectors the data do not reach are left
    out, and the count says how many were compared.
    """
    rows = scorecard[(scorecard["country_iso3"] == country) & scorecard["leader"].notna()]
    russia = rows[rows["leader"] == "Russia"]
    others = rows[rows["leader"] != "Russia"]
    lead = (
        f"Russia leads in {join_and(russia['vector'])}; "
        + "; ".join(f"{named(g)} in {join_and(r['vector'])}" for g, r in others.groupby("leader", sort=False))
        + "."
        if len(others)
        else "Russia leads in every vector the data reach."
    )
    text = (
        f"- **{lead[0].upper() + lead[1:]}** Of the {len(rows)} vectors the scorecard compares for Kazakhstan, "
        f"Russia leads {len(russia)}: {join_and(_vector_cell(r) for _, r in russia.iterrows())}"
    )
    if len(others):
        text += "; " + "; ".join(
            f"{named(g)} leads {join_and(_vector_cell(r) for _, r in part.iterrows())}"
            for g, part in others.groupby("leader", sort=False)
        )
    text += ". Arms are SIPRI trend-indicator values, not money; an ideal point is a position, not an alliance."
    if variants is not None:
        summary = vectors.variant_summary(variants, country)
        same = (summary["led_by_russia"] == len(russia)) & (summary["vectors_with_data"] == len(rows))
        text += (
            f" Russia's count of {len(russia)} holds in {int(same.sum())} of the {len(summary)} variants of the "
            "scorecard's own choices (each vector's latest year or one common year, groups or single countries, "
            f"ideal points or the Ukraine votes); across them Russia leads between {int(summary['led_by_russia'].min())} "
            f"and {int(summary['led_by_russia'].max())}."
        )
    neutral = ledger.loc[ledger["claim_id"] == NEUTRAL_VOTES_CLAIM, "measured"]
    if len(neutral) and pd.notna(neutral.iloc[0]):
        text += (
            f" On the UN's Ukraine resolutions since the invasion, {pct(float(neutral.iloc[0]), 0)} of Kazakhstan's "
            "known votes took neither side."
        )
    return text


def claims_finding(ledger: pd.DataFrame) -> str:
    """The claims bullet: direct support first, then every strength with how many hold it robustly.

    Why worded this way: a consistency test can find the data consistent with a
    claim, never prove it, so the bold lead counts direct support alone, and no
    sentence adds the consistent to the supported. Each strength counts the claims
    most of whose specifications give it, with how many do so robustly (under at
    least four in five of them).
    """
    by_strength = strength_counts(ledger)
    tested = int((ledger["verdict"] != NOT_TESTABLE).sum())
    depends = int((ledger["verdict"] == DEPENDS).sum())
    untested = len(ledger) - tested
    supported = by_strength["supported"]["robust"]
    lead = f"The data robustly support {supported} of the {tested} claims they can test"
    lead += ", and many verdicts turn on the analysis choices." if depends * 3 >= tested else "."
    parts = [f"{s} {by_strength[s]['claims']} ({by_strength[s]['robust']} robustly)" for s in STRENGTHS]
    return (
        f"- **{lead}** Of the {len(ledger)} claims the ledger records from the three sources, each judged under "
        f"every specification its declared choices allow, the verdicts most specifications give are: "
        f"{', '.join(parts[:-1])} and {parts[-1]}. A consistency test can find the data consistent with a claim, "
        f"never prove it, so the consistent are not support. {depends} verdicts depend on the choices; "
        f"{untested} claims lie beyond the data."
    )


def _with_and_without_crude(growth_all: float, growth_no_crude: float) -> str:
    """``"+40%, or +25% without crude oil exports"``; one number, said once, when the two round alike."""
    with_crude, without = pct(growth_all, 0, signed=True), pct(growth_no_crude, 0, signed=True)
    if with_crude == without:
        return f"{with_crude}, with or without crude oil exports"
    return f"{with_crude}, or {without} without crude oil exports"


def findings_markdown(tables: dict[str, pd.DataFrame], ledger: pd.DataFrame) -> str:
    """Six Markdown bullets: trade, Russia since the pre-war year, oil, investment, the vectors, the claims."""
    h = headlines(tables)
    share_moved = "fell" if h.imports_ru < h.imports_ru_before else "rose"
    trade_moved = "rose" if h.growth_ru >= 0 else "fell"
    pace = "less than" if h.growth_ru < h.growth_all else "more than"
    span = periods.span(periods.ALTERNATIVE_BASE)
    return "\n".join(
        [
            f"- **Trade leans two ways.** In {h.year}, the EU-27 bought {pct(h.exports_eu, 0)} of Kazakhstan's exports, "
            f"while Russia and China together supplied {pct(h.imports_ru + h.imports_cn, 0)} of its imports. China "
            f"({pct(h.turnover_cn, 0)} of turnover) and Russia ({pct(h.turnover_ru, 0)}) were the largest single partners.",
            f"- **Russia's share {share_moved}; its trade {trade_moved}.** Russia's share of Kazakhstan's imports "
            f"went from {pct(h.imports_ru_before, 0)} in {BEFORE_SHOCKS} to {pct(h.imports_ru, 0)} in {h.year} ({pct(h.imports_ru_base, 0)} "
            f"on average in {span}: {BEFORE_SHOCKS} was a peak), while turnover with Russia {trade_moved} "
            f"{pct(abs(h.growth_ru), 0)} in dollars, {pace} all trade ({_with_and_without_crude(h.growth_all, h.growth_no_crude)}).",
            f"- **Oil still pays, and almost all of it crosses Russia.** Crude oil earned {pct(h.crude, 0)} of the value of "
            f"goods exports in {h.year}; the CPC pipeline through Russia carried {pct(h.cpc, 0)} of crude exports in "
            f"{h.cpc_year}, and at least {pct(h.crossing, 0)} did not bypass Russian ports in {h.crossing_year}.",
            f"- **Europe's investment is largely Dutch.** The EU-27 held {pct(h.eu_stock, 0)} of the inward FDI stock at "
            f"the end of {h.fdi_year}, the Netherlands alone {pct(h.nl_stock, 0)}: much of that is capital routed through "
            "holding companies, not necessarily European money.",
            vectors_finding(tables["vector_scorecard"], ledger, variants=tables.get("vector_scorecard_variants")),
            claims_finding(ledger),
        ]
    )
