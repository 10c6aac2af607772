"""The "gateway" chart: EU exports to Kazakhstan, its neighbours and Russia, indexed, with Kazakhstan's own exports to Russia.

Each line is indexed to its own 2019-2021 average, because the two ledgers differ in
currency and valuation and their levels must not be compared. The scale is
logarithmic, so that a doubling looks the same for every partner. Lines are labelled
at their ends and drawn in different styles, so no colour carries meaning alone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kzmv.analysis.sanctions_trade import BASE_YEARS
from kzmv.figures.style import (
    GROUP_COLOURS,
    INK,
    LINESTYLES,
    MUTED_INK,
    Chart,
    FigureText,
    new_figure,
    spread_labels,
)

BASE = f"{BASE_YEARS[0]}–{BASE_YEARS[1]}"
# Partner colours: the partner's group where it has one, grey for the Caucasus.
PARTNER_COLOURS: dict[str, str] = {
    "RUS": GROUP_COLOURS["Russia"],
    "KAZ": INK,
    "KGZ": GROUP_COLOURS["Central Asia"],
    "UZB": GROUP_COLOURS["Central Asia"],
    "ARM": "#777777",
    "GEO": "#777777",
}


def _month_x(period: pd.Series) -> np.ndarray:
    """``YYYY-MM`` as decimal years at mid-month; ``YYYY`` at mid-year."""
    text = period.astype(str)
    year = text.str[:4].astype(int).to_numpy()
    monthly = (text.str.len() > 4).to_numpy()
    month = pd.to_numeric(text.str[5:7].where(monthly, "1")).to_numpy()
    return np.where(monthly, year + (month - 0.5) / 12, year + 0.5)


def gateway_figure(series: pd.DataFrame, war_x: float, text: FigureText) -> Chart:
    """Monthly EU exports per partner and Kazakhstan's annual exports to Russia, base-period average = 100.

    ``war_x`` is the date of the invasion as a decimal year.
    """
    fig, ax = new_figure(height_in=5.8)
    ends = []
    partners = list(dict.fromkeys(series.loc[series["frequency"] == "month", "partner_iso3"]))
    for i, iso3 in enumerate(partners):
        one = series[(series["partner_iso3"] == iso3) & (series["frequency"] == "month")]
        colour = PARTNER_COLOURS.get(iso3, MUTED_INK)
        ax.plot(
            _month_x(one["period"]),
            one["index_2019_2021"],
            color=colour,
            lw=2.2 if iso3 in ("KAZ", "RUS") else 1.3,
            ls=LINESTYLES[i % len(LINESTYLES)] if iso3 not in ("KAZ", "RUS") else "-",
        )
        ends.append((f"EU → {one['partner'].iloc[0]}", float(one["index_2019_2021"].iloc[-1]), colour))
    own = series[series["frequency"] == "year"]
    for label, one in own.groupby("series", sort=False):
        x = _month_x(one["period"])
        ax.step(x, one["index_2019_2021"], where="mid", color=INK, lw=1.6, ls="--")
        ax.plot(x, one["index_2019_2021"], "s", color=INK, ms=5, mfc="white")
        ends.append((f"{label} (annual)", float(one["index_2019_2021"].dropna().iloc[-1]), INK))
    ax.set_yscale("log", base=2)
    ticks = [25, 50, 100, 200, 400, 800, 1600]
    ax.set_yticks(ticks, [str(t) for t in ticks])
    ax.minorticks_off()
    ax.axhline(100, color=MUTED_INK, lw=0.8)
    ax.axvline(war_x, color=MUTED_INK, ls="--", lw=0.8)
    ax.text(war_x + 0.03, 1, "invasion of Ukraine", transform=ax.get_xaxis_transform(), fontsize=7.5, va="top")
    last_x = float(np.nanmax(_month_x(series["period"])))
    logs = spread_labels([float(np.log2(y)) for _, y, _ in ends], 0.2)
    for (label, _, colour), ly in zip(ends, logs, strict=True):
        ax.text(last_x + 0.15, 2**ly, label, color=colour, va="center", fontsize=8)
    first_year = int(series["period"].astype(str).str[:4].min())
    ax.set_xticks(range(first_year, int(last_x) + 1))
    ax.set_xlim(first_year, last_x + 1.9)
    ax.set_ylabel(f"index, {BASE} average = 100 (log scale)")
    return Chart(fig, "sanctions_eu_exports", text, table="sanctions_era_trade")
