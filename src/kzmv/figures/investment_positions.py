"""Direct-investment positions in Kazakhstan after the partner data end: the USA and China, and China's second figure.

Kazakhstan's own figures (the IMF's mirror rows) are solid lines; China's own figure
for the same stock is dashed with hollow markers, so that the two ledgers are told
apart by line style as well as by label.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from kzmv.analysis import investment_positions as positions_analysis
from kzmv.figures.style import GROUP_COLOURS, MUTED_INK, FigureText, new_figure, publish, spread_labels, year_axis

SOURCE_IMF = (
    "Source: IMF, Direct Investment Positions by Counterpart Economy (formerly CDIS), downloaded 29 March 2026; "
    "kzmv analysis."
)
POSITION_NOTE = (
    "End-year stocks by immediate counterpart (directional principle): capital routed through the Netherlands or Hong "
    "Kong is booked there. The USA reports no figure of its own for Kazakhstan."
)
INVESTOR_GROUPS: dict[str, str] = {"USA": "USA", "CHN": "China", "DEU": "EU-27", "JPN": "Other", "SGP": "Other"}


def positions_figure(
    positions: pd.DataFrame, investors: Sequence[str], first: int, last: int, names: dict[str, str]
) -> None:
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
    for (text, _, colour), y in zip(ends, spread_labels([y for _, y, _ in ends], gap), strict=True):
        ax.text(last + 0.3, y, text, color=colour, va="center", fontsize=8)
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
    mirror = positions_analysis.china_mirror(positions, first, last)
    publish(
        fig,
        "investment_positions",
        FigureText(**_positions_text(positions, mirror, investors, first, last, names)),
        table="fdi_positions_kazakhstan",
    )


def _positions_text(
    positions: pd.DataFrame,
    mirror: pd.DataFrame,
    investors: Sequence[str],
    first: int,
    last: int,
    names: dict[str, str],
) -> dict[str, str]:
    usa = positions_analysis.position_series(positions, "USA", positions_analysis.MIRROR)
    both = mirror.dropna(subset=["china_figure_usd_m", "kazakhstan_figure_usd_m"])
    end = positions_analysis.PARTNER_DATA_LAST_YEAR
    spread = (
        f"China's own figure ran from {both['gap_pct'].min():+.0f}% to {both['gap_pct'].max():+.0f}% of "
        f"Kazakhstan's in {int(both.index.min())}–{int(both.index.max())}"
        if not both.empty
        else "China reports no figure of its own for these years"
    )
    usa_last = usa.get(last, np.nan) / 1000
    china_last = mirror["kazakhstan_figure_usd_m"].get(last, np.nan) / 1000
    return {
        "title": (
            f"In {last} the US direct-investment position in {names['KAZ']} was USD {usa_last:.1f} billion by "
            f"{names['KAZ']}'s count, China's {china_last:.1f} billion; {spread}"
        ),
        "subtitle": (
            f"Direct-investment positions in {names['KAZ']} of {', '.join(names[i] for i in investors)}, "
            f"{first}–{last}, USD billion; solid: {names['KAZ']}'s figure (IMF mirror), dashed: the investor's own"
        ),
        "source": SOURCE_IMF,
        "alt": (
            f"Line chart of investment positions in {names['KAZ']}, {first}–{last}, USD billion. "
            + "; ".join(
                f"{names[i]} ({names['KAZ']}'s figure) "
                + ", ".join(
                    f"{y}: {v / 1000:.1f}"
                    for y, v in positions_analysis.position_series(positions, i, positions_analysis.MIRROR)
                    .loc[first:last]
                    .items()
                    if y in (first, end, last)
                )
                for i in investors
            )
            + ". China's own figure: "
            + ", ".join(f"{int(y)}: {v / 1000:.1f}" for y, v in both["china_figure_usd_m"].items())
            + "."
        ),
        "note": POSITION_NOTE,
    }
