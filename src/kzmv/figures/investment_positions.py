"""Direct-investment positions in Kazakhstan after the partner data end: the USA and China, and China's second figure.

Kazakhstan's own figures (the IMF's mirror rows) are solid lines; China's own figure
for the same stock is dashed with hollow markers, so that the two ledgers are told
apart by line style as well as by label. The words come from
:mod:`kzmv.story.politics_chapter`.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from kzmv.analysis import investment_positions as positions_analysis
from kzmv.figures.style import GROUP_COLOURS, MUTED_INK, Chart, FigureText, new_figure, spread_labels, year_axis

INVESTOR_GROUPS: dict[str, str] = {"USA": "USA", "CHN": "China", "DEU": "EU-27", "JPN": "Other", "SGP": "Other"}


def positions_figure(
    positions: pd.DataFrame, investors: Sequence[str], first: int, last: int, names: dict[str, str], text: FigureText
) -> Chart:
    """Positions in Kazakhstan, USD billion: Kazakhstan's figure for each investor, and China's own figure."""
    fig, ax = new_figure(height_in=5.0)
    ends = []
    for iso3 in investors:
        colour = GROUP_COLOURS[INVESTOR_GROUPS.get(iso3, "Other")]
        mirror = positions_analysis.position_series(positions, iso3, positions_analysis.MIRROR).loc[first:last] / 1000
        ax.plot(mirror.index, mirror.to_numpy(), color=colour, lw=2, marker="o", ms=3.5)
        ends.append((f"{names[iso3]}, Kazakhstan's figure", float(mirror.iloc[-1]), colour))
        own = positions_analysis.position_series(positions, iso3, positions_analysis.OWN).loc[first:last] / 1000
        if not own.empty:
            ax.plot(own.index, own.to_numpy(), color=colour, lw=1.6, ls="--", marker="o", ms=4, mfc="white")
            ends.append((f"{names[iso3]}, its own figure", float(own.iloc[-1]), colour))
    gap = 0.06 * (ax.get_ylim()[1] - ax.get_ylim()[0])
    for (label, _, colour), y in zip(ends, spread_labels([y for _, y, _ in ends], gap), strict=True):
        ax.text(last + 0.3, y, label, color=colour, va="center", fontsize=8)
    end_partner = positions_analysis.PARTNER_DATA_LAST_YEAR
    if first <= end_partner < last:
        ax.axvspan(end_partner + 0.5, last + 0.5, color="#f2f2f2", zorder=0, lw=0)
        ax.text(
            end_partner + 0.6,
            1,
            "after the NBK partner data (wiiw) end",
            transform=ax.get_xaxis_transform(),
            fontsize=7.5,
            va="top",
            color=MUTED_INK,
        )
    year_axis(ax, first, last)
    ax.set_xlim(first - 0.5, last + 3.6)
    ax.set_ylim(bottom=0)
    ax.set_ylabel("USD billion, end of year")
    return Chart(fig, "investment_positions", text, table="fdi_positions_kazakhstan")
