"""Key findings: the handful of sentences a reader sees first, computed from the data.

They reuse the claims ledger's measure functions, so a number in the summary
and the same number in the ledger can never disagree. The report renderer
lifts these sentences to the top of the report.
"""

from __future__ import annotations

import pandas as pd

from kzmv.analysis.trade import last_complete_year
from kzmv.story import claims

BEFORE_SHOCKS = 2021  # the last year before the shocks of 2022 (CSTO deployment, invasion, mobilisation)
TABLES = ("trade_by_group", "fdi_by_group", "fdi_by_partner", "export_structure", "oil_exports")


def _share(by_group: pd.DataFrame, year: int, group: str, column: str) -> float:
    return float(by_group.loc[(by_group["year"] == year) & (by_group["group"] == group), column].iloc[0])


def findings_markdown(tables: dict[str, pd.DataFrame], ledger: pd.DataFrame) -> str:
    """Five Markdown bullets: trade, Russia since 2021, oil, investment, the claims."""
    by_group = tables["trade_by_group"]
    year = last_complete_year(by_group["year"])
    exports_eu = _share(by_group, year, "EU-27", "exports_share")
    imports_ru, imports_cn = (_share(by_group, year, g, "imports_share") for g in ("Russia", "China"))
    turnover_ru, turnover_cn = (_share(by_group, year, g, "turnover_share") for g in ("Russia", "China"))
    imports_ru_before = _share(by_group, BEFORE_SHOCKS, "Russia", "imports_share")
    growth_ru = 100 * (
        _share(by_group, year, "Russia", "turnover_usd_m") / _share(by_group, BEFORE_SHOCKS, "Russia", "turnover_usd_m")
        - 1
    )
    crude = claims.crude_oil_export_share(tables, year)
    cpc_years = claims.cpc_shares(tables["oil_exports"])
    cpc_year = int(cpc_years.index.max())
    cpc = claims.cpc_share_of_oil_exports(tables, cpc_year)
    stock = tables["fdi_by_group"]
    fdi_year = int(stock.loc[stock["measure"] == "inward stock", "year"].max())
    eu_stock = claims.fdi_stock_share(tables, "EU-27", fdi_year)
    partners = tables["fdi_by_partner"]
    nl = partners[(partners["partner_iso3"] == "NLD") & (partners["measure"] == "inward stock")]
    world = stock[(stock["group"] == "World") & (stock["measure"] == "inward stock") & (stock["year"] == fdi_year)]
    nl_share = 100 * float(nl.loc[nl["year"] == fdi_year, "value"].iloc[0]) / float(world["value"].iloc[0])
    counts = claims.verdict_counts(ledger)
    return "\n".join(
        [
            f"- **Trade leans two ways.** In {year}, the EU-27 bought {exports_eu:.0f}% of Kazakhstan's exports, "
            f"while Russia and China together supplied {imports_ru + imports_cn:.0f}% of its imports. China "
            f"({turnover_cn:.0f}% of turnover) and Russia ({turnover_ru:.0f}%) were the largest single partners.",
            f"- **Russia's share fell; its trade did not.** Russia's share of Kazakhstan's imports went from "
            f"{imports_ru_before:.0f}% in {BEFORE_SHOCKS} to {imports_ru:.0f}% in {year}, yet turnover with Russia "
            f"{'rose' if growth_ru >= 0 else 'fell'} {abs(growth_ru):.0f}% in dollars over the same years.",
            f"- **Oil still pays, and most of it crosses Russia.** Crude oil earned {crude:.0f}% of the value of goods "
            f"exports in {year}; the CPC pipeline through Russia carried {cpc:.0f}% of crude exports in {cpc_year}.",
            f"- **Europe's investment is largely Dutch.** The EU-27 held {eu_stock:.0f}% of the inward FDI stock at "
            f"the end of {fdi_year}, the Netherlands alone {nl_share:.0f}%: much of that is capital routed through "
            "holding companies, not necessarily European money.",
            f"- **The published claims mostly hold, where they can be tested.** Of the {sum(counts.values())} "
            f"claims the ledger records from the three sources, the data support {counts.get('supported', 0)}, partly support "
            f"{counts.get('partly supported', 0)} and do not support {counts.get('not supported', 0)}; "
            f"{counts.get('not testable', 0)} lie beyond the data.",
        ]
    )
