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
    PanelData,
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


# The comparison chart: colours per partner group (Central Asia green, the Caucasus grey, Russia its own), line
# styles to tell the members of a group apart without colour.
GATEWAY_COLOURS: dict[str, str] = {
    **PARTNER_COLOURS,
    "TJK": GROUP_COLOURS["Central Asia"],
    "TKM": GROUP_COLOURS["Central Asia"],
    "AZE": "#777777",
}
BAND_COLOUR = "#dddddd"
PANEL_COLUMNS = ["year", "partner_iso3", "partner", "role", "exports_eur_m", "gap_change_log"]
BAND_COLUMNS = ["comparison_p05", "comparison_median", "comparison_p95"]
DID_COLUMNS = ["partner_iso3", "partner", "role", "did_log", "did_pct", "pre_trend_slope", "rank", "rank_of"]


def gateway_comparison_figure(panel: pd.DataFrame, did: pd.DataFrame, shock_year: int, text: FigureText) -> Chart:
    """Left: each treated destination's gap to the comparison group, 2019-2021 = 0, with the group's 5-95% band.

    Right: the difference in differences of every comparison destination (grey ticks, its
    placebo against the rest of the group) and of each treated destination and Russia (dots),
    so that a reader sees where Kazakhstan ranks. Both in log points: 0.69 is a doubling
    relative to the group. ``shock_year`` is the first war year, marked on the left.
    """
    fig, (left, right) = new_figure(height_in=6.4, ncols=2, gridspec_kw={"width_ratios": [1.35, 1]})
    shown = panel[panel["role"].isin(["treated", "contrast"])]
    band = panel.drop_duplicates("year").sort_values("year")
    left.fill_between(
        band["year"], band["comparison_p05"], band["comparison_p95"], color=BAND_COLOUR, lw=0, label="_band"
    )
    left.plot(band["year"], band["comparison_median"], color=MUTED_INK, lw=0.8, ls=":")
    ends = []
    for i, (iso3, one) in enumerate(shown.groupby("partner_iso3", sort=False)):
        colour = GATEWAY_COLOURS.get(iso3, MUTED_INK)
        bold = iso3 in ("KAZ", "RUS")
        left.plot(
            one["year"],
            one["gap_change_log"],
            color=colour,
            lw=2.2 if bold else 1.2,
            ls="-" if bold else LINESTYLES[i % len(LINESTYLES)],
        )
        ends.append((str(one["partner"].iloc[-1]), float(one["gap_change_log"].iloc[-1]), colour))
    left.axhline(0, color=MUTED_INK, lw=0.8)
    left.axvline(shock_year - 0.5, color=MUTED_INK, ls="--", lw=0.8)
    last = int(band["year"].max())
    placed = spread_labels([y for _, y, _ in ends], 0.09)
    for (label, _, colour), y in zip(ends, placed, strict=True):
        left.text(last + 0.2, y, label, color=colour, va="center", fontsize=7.5)
    first = int(band["year"].min())
    left.set_xlim(first - 0.3, last + 3.2)
    left.set_xticks(range(first, last + 1, 2))
    left.set_ylabel("gap to the comparison group, log points (2019–2021 = 0)")
    left.text(first, float(band["comparison_p95"].max()), "comparison group, 5–95%", fontsize=7.5, color=MUTED_INK)

    comparison = did[did["role"] == "comparison"]
    marked = did[did["role"].isin(["treated", "contrast"])].sort_values("did_log")
    right.scatter(comparison["did_log"], [0] * len(comparison), marker="|", s=220, color="#999999", lw=1)
    labels = [f"comparison group ({len(comparison)})"]
    for y, row in enumerate(marked.itertuples(), start=1):
        colour = GATEWAY_COLOURS.get(row.partner_iso3, MUTED_INK)
        right.scatter([row.did_log], [y], color=colour, s=36, zorder=3)
        labels.append(f"{row.partner} ({row.rank} of {row.rank_of})")
    right.set_yticks(range(len(labels)), labels, fontsize=8)
    right.axvline(0, color=MUTED_INK, lw=0.8)
    right.grid(axis="y", visible=False)
    right.set_xlabel("difference in differences, log points")
    return Chart(
        fig,
        "gateway_comparison",
        text,
        panels=[
            PanelData("left panel", "gateway_panel", PANEL_COLUMNS + BAND_COLUMNS, {"role": ["treated", "contrast"]}),
            PanelData("right panel", "gateway_did", DID_COLUMNS),
        ],
    )
