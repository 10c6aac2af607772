"""The numbers the report's key findings state, computed once from the published tables.

Why here and with the claims' measures: a number in the summary and the same
number in the ledger must never disagree, so the headlines reuse the measures
(:mod:`kzmv.analysis.claims.measures`). Two habits a careful reader checks for
are computed with them: a comparison from the pre-war year comes with the
result against the mean of the years before it (the pre-war year was a peak for
Russia's share), and a change in dollars across the oil-price year comes with
the change without crude oil. The story layer
(:mod:`kzmv.story.key_findings`) puts them into words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from kzmv.analysis import energy, periods
from kzmv.analysis.claims import measures

# The year the key findings compare from: the last year before the shocks of 2022.
BEFORE_SHOCKS = periods.BASE_YEAR
# The tables the headlines read (processed tables).
TABLES = (
    "trade_by_group",
    "fdi_by_group",
    "fdi_by_partner",
    "export_structure",
    "oil_exports",
    "vector_scorecard",
    "vector_scorecard_variants",
)


@dataclass(frozen=True)
class Headlines:
    """The key findings' numbers: trade's two leanings, Russia since the pre-war year, oil, European investment."""

    year: int  # the latest complete year of partner trade
    exports_eu: float  # the EU-27's share of exports in ``year``, percent
    imports_ru: float  # Russia's share of imports in ``year``
    imports_cn: float
    turnover_ru: float  # Russia's share of turnover in ``year``
    turnover_cn: float
    imports_ru_before: float  # Russia's share of imports in BEFORE_SHOCKS
    imports_ru_base: float  # ... on average over periods.ALTERNATIVE_BASE
    growth_ru: float  # turnover with Russia, percent change from BEFORE_SHOCKS to ``year``
    growth_all: float  # all turnover, the same
    growth_no_crude: float  # all turnover less crude oil exports, the same
    crude: float  # crude oil's share of export value in ``year``
    cpc_year: int  # the latest full year with the CPC's share of a stated total
    cpc: float  # the CPC's share of crude exports then
    crossing_year: int  # the latest year with the share of crude that did not bypass Russian ports
    crossing: float
    fdi_year: int  # the last year of the wiiw partner data
    eu_stock: float  # the EU-27's share of the inward FDI stock then
    nl_stock: float  # the Netherlands' share


def _share(by_group: pd.DataFrame, year: int | list[int], group: str, flow: str) -> float:
    return measures.group_share(by_group, [group], year, flow)


def headlines(tables: Mapping[str, pd.DataFrame]) -> Headlines:
    """:class:`Headlines` of the published tables (:data:`TABLES`)."""
    by_group = tables["trade_by_group"]
    year = periods.last_complete_year(by_group["year"])
    base = list(range(periods.ALTERNATIVE_BASE[0], periods.ALTERNATIVE_BASE[1] + 1))
    totals = by_group.groupby("year")["turnover_usd_m"].sum(min_count=1)
    crude_value = tables["export_structure"].query("item_code == 'CRUDE_OIL'").set_index("year")["value_usd_m"]
    cpc_year = int(measures.cpc_shares(tables["oil_exports"]).index.max())
    crossing = energy.crossing_russia_share(tables["oil_exports"])
    stock = tables["fdi_by_group"]
    fdi_year = int(stock.loc[stock["measure"] == "inward stock", "year"].max())
    russia_now = measures.group_value(by_group, ["Russia"], year)
    russia_before = measures.group_value(by_group, ["Russia"], BEFORE_SHOCKS)
    return Headlines(
        year=year,
        exports_eu=_share(by_group, year, "EU-27", "exports"),
        imports_ru=_share(by_group, year, "Russia", "imports"),
        imports_cn=_share(by_group, year, "China", "imports"),
        turnover_ru=_share(by_group, year, "Russia", "turnover"),
        turnover_cn=_share(by_group, year, "China", "turnover"),
        imports_ru_before=_share(by_group, BEFORE_SHOCKS, "Russia", "imports"),
        imports_ru_base=_share(by_group, base, "Russia", "imports"),
        growth_ru=100 * (russia_now / russia_before - 1),
        growth_all=100 * (totals[year] / totals[BEFORE_SHOCKS] - 1),
        growth_no_crude=100
        * ((totals[year] - crude_value[year]) / (totals[BEFORE_SHOCKS] - crude_value[BEFORE_SHOCKS]) - 1),
        crude=measures.crude_oil_export_share(tables, year),
        cpc_year=cpc_year,
        cpc=measures.cpc_share_of_oil_exports(tables, cpc_year),
        crossing_year=int(crossing.index[-1]),
        crossing=float(crossing.iloc[-1]),
        fdi_year=fdi_year,
        eu_stock=measures.fdi_stock_share(tables, "EU-27", fdi_year),
        nl_stock=measures.partner_stock_share(tables, "NLD", fdi_year),
    )
