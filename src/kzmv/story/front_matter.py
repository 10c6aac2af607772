"""The report's front matter built from numbers: the "date of the data" line of the title block.

Why computed: the date of the data is what the files actually hold, not what
their titles promise, so it is read from the coverage table of the data
preparation step and can never go stale when a file is updated.
"""

from __future__ import annotations

import pandas as pd

from kzmv.analysis.macro import WEO_VINTAGE


def date_of_data(cover: pd.DataFrame, preliminary_years: frozenset[int]) -> str:
    """The "date of the data" line of the report's title block, from what the files hold."""
    last = cover.set_index("source")["last"]
    trade_last = int(last["trade_partner_panel"])
    prelim = " (preliminary)" if trade_last in preliminary_years else ""
    totals, goods = (pd.Timestamp(last[s] + "-01") for s in ("trade_monthly_totals", "exports_by_commodity_monthly"))
    monthly = (
        f"monthly trade and exports by commodity to {totals:%B %Y}"
        if totals == goods
        else f"monthly trade to {totals:%B %Y}, exports by commodity to {goods:%B %Y}"
    )
    return (
        f"Partner trade to {trade_last}{prelim}; {monthly}; "
        f"FDI by partner to {last['fdi_by_partner_wiiw']}; IMF WEO {WEO_VINTAGE} vintage. "
        "Every raw file is verified by its SHA-256 checksum, listed with its source in the appendix."
    )
