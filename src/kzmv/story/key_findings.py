"""Key findings: the handful of sentences a reader sees first, computed from the data.

They reuse the claims ledger's measure functions, so a number in the summary
and the same number in the ledger can never disagree. The report renderer
lifts these sentences to the top of the report. Three habits a careful reader
checks for are kept here: each number is rounded once, when it is printed; a
comparison from the pre-war year also gives the result against the two years
before it, since 2021 was a peak for Russia's share; and a change in dollars
across 2022 is set against all trade, which oil prices inflated.
"""

from __future__ import annotations

import pandas as pd

from kzmv.analysis import energy, periods
from kzmv.analysis.claims import measures, verdict_counts
from kzmv.analysis.trade import last_complete_year
from kzmv.story import claims
from kzmv.story.numbers import pct
from kzmv.story.prose import join_and, named

BEFORE_SHOCKS = periods.BASE_YEAR
TABLES = ("trade_by_group", "fdi_by_group", "fdi_by_partner", "export_structure", "oil_exports", "vector_scorecard")
FOCUS = "KAZ"
# The ledger's claim of a neutral stance at the UN since the invasion (data/claims.yml).
NEUTRAL_VOTES_CLAIM = "B28"


def _vector_cell(row: pd.Series) -> str:
    """ "arms (88% in 2020–2024)" or "UN votes (the nearest ideal point in 2024)": one scorecard row for prose."""
    if row["unit"] == "percent of the total":
        return f"{row['vector']} ({pct(row['leader_value'], 0)} in {row['period']})"
    return f"{row['vector']} (the nearest ideal point of the partners compared, in {row['period']})"


def vectors_finding(scorecard: pd.DataFrame, ledger: pd.DataFrame, country: str = FOCUS) -> str:
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
    neutral = ledger.loc[ledger["claim_id"] == NEUTRAL_VOTES_CLAIM, "measured"]
    if len(neutral) and pd.notna(neutral.iloc[0]):
        text += (
            f" On the UN's Ukraine resolutions since the invasion, {pct(float(neutral.iloc[0]), 0)} of Kazakhstan's "
            "known votes took neither side."
        )
    return text


def _share(by_group: pd.DataFrame, year: int | list[int], group: str, flow: str) -> float:
    return measures.group_share(by_group, [group], year, flow)


def _headline(counts: dict[str, int], fragile: int) -> str:
    """The claims bullet's bold lead, worded from the counts."""
    tested = counts["supported"] + counts["partly supported"] + counts["not supported"]
    if counts["supported"] * 2 > tested:
        lead = "The published claims mostly hold where they can be tested"
    elif counts["not supported"] * 2 > tested:
        lead = "Most of the published claims that can be tested do not hold"
    else:
        lead = "The published claims hold and fail in about equal measure"
    return lead + (", but many verdicts are fragile." if fragile * 3 >= tested else ".")


def _with_and_without_crude(growth_all: float, growth_no_crude: float) -> str:
    """``"+40%, or +25% without crude oil exports"``; one number, said once, when the two round alike."""
    with_crude, without = pct(growth_all, 0, signed=True), pct(growth_no_crude, 0, signed=True)
    if with_crude == without:
        return f"{with_crude}, with or without crude oil exports"
    return f"{with_crude}, or {without} without crude oil exports"


def findings_markdown(tables: dict[str, pd.DataFrame], ledger: pd.DataFrame) -> str:
    """Six Markdown bullets: trade, Russia since the pre-war year, oil, investment, the vectors, the claims."""
    by_group = tables["trade_by_group"]
    year = last_complete_year(by_group["year"])
    base = list(range(periods.ALTERNATIVE_BASE[0], periods.ALTERNATIVE_BASE[1] + 1))
    exports_eu = _share(by_group, year, "EU-27", "exports")
    imports_ru, imports_cn = (_share(by_group, year, g, "imports") for g in ("Russia", "China"))
    turnover_ru, turnover_cn = (_share(by_group, year, g, "turnover") for g in ("Russia", "China"))
    imports_ru_before = _share(by_group, BEFORE_SHOCKS, "Russia", "imports")
    imports_ru_base = _share(by_group, base, "Russia", "imports")
    growth_ru = 100 * (
        measures.group_value(by_group, ["Russia"], year) / measures.group_value(by_group, ["Russia"], BEFORE_SHOCKS) - 1
    )
    totals = by_group.groupby("year")["turnover_usd_m"].sum(min_count=1)
    growth_all = 100 * (totals[year] / totals[BEFORE_SHOCKS] - 1)
    crude_value = tables["export_structure"].query("item_code == 'CRUDE_OIL'").set_index("year")["value_usd_m"]
    growth_no_crude = 100 * (
        (totals[year] - crude_value[year]) / (totals[BEFORE_SHOCKS] - crude_value[BEFORE_SHOCKS]) - 1
    )
    crude = measures.crude_oil_export_share(tables, year)
    cpc_years = measures.cpc_shares(tables["oil_exports"])
    cpc_year = int(cpc_years.index.max())
    cpc = measures.cpc_share_of_oil_exports(tables, cpc_year)
    crossing = energy.crossing_russia_share(tables["oil_exports"])
    stock = tables["fdi_by_group"]
    fdi_year = int(stock.loc[stock["measure"] == "inward stock", "year"].max())
    eu_stock = measures.fdi_stock_share(tables, "EU-27", fdi_year)
    nl_share = measures.partner_stock_share(tables, "NLD", fdi_year)
    counts = verdict_counts(ledger)
    fragile = claims.fragile_ids(ledger) if "fragility" in ledger else []
    share_moved = "fell" if imports_ru < imports_ru_before else "rose"
    trade_moved = "rose" if growth_ru >= 0 else "fell"
    pace = "less than" if growth_ru < growth_all else "more than"
    span = periods.span(periods.ALTERNATIVE_BASE)
    return "\n".join(
        [
            f"- **Trade leans two ways.** In {year}, the EU-27 bought {pct(exports_eu, 0)} of Kazakhstan's exports, "
            f"while Russia and China together supplied {pct(imports_ru + imports_cn, 0)} of its imports. China "
            f"({pct(turnover_cn, 0)} of turnover) and Russia ({pct(turnover_ru, 0)}) were the largest single partners.",
            f"- **Russia's share {share_moved}; its trade {trade_moved}.** Russia's share of Kazakhstan's imports "
            f"went from {pct(imports_ru_before, 0)} in {BEFORE_SHOCKS} to {pct(imports_ru, 0)} in {year} ({pct(imports_ru_base, 0)} "
            f"on average in {span}: {BEFORE_SHOCKS} was a peak), while turnover with Russia {trade_moved} "
            f"{pct(abs(growth_ru), 0)} in dollars, {pace} all trade ({_with_and_without_crude(growth_all, growth_no_crude)}).",
            f"- **Oil still pays, and almost all of it crosses Russia.** Crude oil earned {pct(crude, 0)} of the value of "
            f"goods exports in {year}; the CPC pipeline through Russia carried {pct(cpc, 0)} of crude exports in "
            f"{cpc_year}, and at least {pct(crossing.iloc[-1], 0)} did not bypass Russian ports in "
            f"{int(crossing.index[-1])}.",
            f"- **Europe's investment is largely Dutch.** The EU-27 held {pct(eu_stock, 0)} of the inward FDI stock at "
            f"the end of {fdi_year}, the Netherlands alone {pct(nl_share, 0)}: much of that is capital routed through "
            "holding companies, not necessarily European money.",
            vectors_finding(tables["vector_scorecard"], ledger),
            f"- **{_headline(counts, len(fragile))}** Of the {sum(counts.values())} claims the ledger records from "
            f"the three sources, the data support {counts['supported']}, partly support {counts['partly supported']} "
            f"and do not support {counts['not supported']}; {counts['not testable']} lie beyond the data, and "
            f"{len(fragile)} verdicts would be reversed by a nearby test.",
        ]
    )
