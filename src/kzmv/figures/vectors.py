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
from kzmv.figures.style import GROUP_COLOURS, INK, MUTED_INK, FigureText, new_figure, publish, tint

SOURCE = (
    "Sources: BNS and WITS (trade), wiiw/National Bank of Kazakhstan (FDI), national statistics of the peers "
    "(imports), SIPRI Arms Transfers Database (arms), Voeten UN ideal points (votes); kzmv analysis."
)


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


def scorecard_figure(table: pd.DataFrame, countries: Sequence[str], focus: str) -> None:
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
    publish(fig, "vectors_scorecard", FigureText(**_scorecard_text(table, focus, len(rows))), table="vector_scorecard")


def _column_label(table: pd.DataFrame, vector: str) -> str:
    periods = table.loc[(table["vector"] == vector) & table["period"].notna(), "period"].unique()
    when = str(periods[0]) if len(periods) == 1 else "latest year"
    return f"{vector}\n({when})"


def _scorecard_text(table: pd.DataFrame, focus: str, n_countries: int) -> dict[str, str]:
    mine = table[table["country_iso3"] == focus]
    name = str(mine["country"].iloc[0])
    led = vectors.russia_leads_everywhere(table, focus)
    by_russia = mine.loc[mine["leader"] == vectors.RUSSIA, "vector"].tolist()
    others = mine[mine["leader"].notna() & (mine["leader"] != vectors.RUSSIA)]
    other_text = "; ".join(f"{r.vector}: {r.leader}" for r in others.itertuples())
    known = int(table["leader"].notna().sum())
    return {
        "title": (
            f"Russia leads {led['led_by_russia']} of {name}'s {led['vectors_with_data']} vectors "
            f"({', '.join(by_russia) or 'none'})" + (f"; {other_text}" if other_text else "")
        ),
        "subtitle": (
            "The leading partner group in each vector and its lead over the next (percentage points of the total; "
            "for UN votes the distance between ideal points, smaller is closer)"
        ),
        "source": SOURCE,
        "alt": (
            f"Grid of {n_countries} countries by {len(vectors.VECTORS)} vectors; {known} cells have data. {name}: "
            + "; ".join(f"{r.vector}: {r.leader if pd.notna(r.leader) else 'no data'}" for r in mine.itertuples())
            + "."
        ),
        "note": "Hatched cells: the raw data hold no partner breakdown for that country and vector.",
    }
