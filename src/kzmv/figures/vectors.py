"""The scorecard of vectors as a grid: one row per country, one column per vector, the leader named in each cell.

Each cell names the leading partner group and its margin in words and numbers, on a
light tint of that group's colour; a cell the data do not reach says "no data" on
white with a hatch. The colour helps the eye, the text carries the meaning.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.patches import Rectangle

from kzmv.analysis import vectors
from kzmv.figures.style import GROUP_COLOURS, INK, MUTED_INK, Chart, FigureText, new_figure, tint


def cell_text(row: pd.Series) -> str:
    """What a scorecard cell says: the leader, its value and its lead, or "no data"."""
    if pd.isna(row["leader"]):
        return "no data"
    if row["unit"] == vectors.DISTANCE_UNIT:

        def d(v: float) -> str:
            return f"{v:.3f}" if abs(v) < 0.01 else f"{v:.2f}"

        return f"{row['leader']}\n{d(row['leader_value'])} apart\n(next {row['runner_up']} {d(row['runner_up_value'])})"
    runner = f"+{row['lead']:.0f} pp on {row['runner_up']}" if pd.notna(row["runner_up"]) else "no other group"
    return f"{row['leader']} {row['leader_value']:.0f}%\n{runner}"


def scorecard_figure(table: pd.DataFrame, countries: Sequence[str], text: FigureText) -> Chart:
    """The grid of leaders, Kazakhstan's row first."""
    columns = list(vectors.VECTORS)
    rows = list(countries)
    fig, ax = new_figure(height_in=0.62 * len(rows) + 2.3)
    for i, iso3 in enumerate(rows):
        for j, vector in enumerate(columns):
            row = table[(table["country_iso3"] == iso3) & (table["vector"] == vector)].iloc[0]
            y = len(rows) - 1 - i
            if pd.isna(row["leader"]):
                ax.add_patch(Rectangle((j, y), 1, 1, facecolor="white", edgecolor="#cccccc", hatch="///", lw=0.5))
                ax.text(j + 0.5, y + 0.5, "no data", ha="center", va="center", fontsize=7.5, color=MUTED_INK)
                continue
            colour = GROUP_COLOURS.get(str(row["leader"]), GROUP_COLOURS["Other"])
            ax.add_patch(Rectangle((j, y), 1, 1, facecolor=tint(colour, 0.35), edgecolor="white", lw=1.5))
            ax.text(j + 0.5, y + 0.5, cell_text(row), ha="center", va="center", fontsize=7.5, color=INK)
    names = table.drop_duplicates("country_iso3").set_index("country_iso3")["country"]
    ax.set_xlim(0, len(columns))
    ax.set_ylim(0, len(rows))
    ax.set_xticks(np.arange(len(columns)) + 0.5, [_column_label(table, v) for v in columns], fontsize=8.5)
    ax.xaxis.tick_top()
    ax.set_yticks(np.arange(len(rows)) + 0.5, [names[c] for c in rows[::-1]], fontsize=9)
    ax.tick_params(length=0)
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    return Chart(fig, "vectors_scorecard", text, table="vector_scorecard")


def _column_label(table: pd.DataFrame, vector: str) -> str:
    periods = table.loc[(table["vector"] == vector) & table["period"].notna(), "period"].unique()
    when = str(periods[0]) if len(periods) == 1 else "latest year"
    return f"{vector}\n({when})"
