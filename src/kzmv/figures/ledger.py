"""The ledger's specification curve: one row per tested claim, one mark per specification, coloured by verdict.

Why this chart: a verdict reached under one set of analysis choices hides how
many other defensible choices agree with it. Laid out row by row, each claim's
specifications read as a bar of marks whose colours show at a glance whether
they agree (Simonsohn, Simmons and Nelson 2020). Colours run from blue
(supported) through grey (indeterminate) to red (contradicted), Paul Tol's
colour-blind-safe diverging scheme, kept apart from the partner groups' colours;
the five run from dark to light and back to dark, so blue and red ends differ
in lightness from the pale middle. The specification that reads the claim as
stated is ringed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.colors import ListedColormap
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from kzmv.analysis.claims import STRENGTHS
from kzmv.figures.style import INK, MUTED_INK, Chart, FigureText, new_figure

# Paul Tol's BuRd diverging scheme (colour-blind safe), with his neutral grey for "cannot decide".
VERDICT_COLOURS: dict[str, str] = {
    "supported": "#2166AC",
    "consistent": "#92C5DE",
    "indeterminate": "#BBBBBB",
    "not supported": "#F4A582",
    "contradicted": "#B2182B",
}
ROW_HEIGHT_IN = 0.2


def row_order(specs: pd.DataFrame) -> pd.DataFrame:
    """Each claim's specifications placed left to right by verdict, strongest first (then in register order)."""
    rank = {v: i for i, v in enumerate(STRENGTHS)}
    ordered = specs.assign(_rank=specs["verdict"].map(rank)).sort_values(
        ["claim_id", "_rank", "specification"], kind="stable"
    )
    ordered["position"] = ordered.groupby("claim_id", sort=False).cumcount() + 1
    return ordered.drop(columns="_rank")


def verdict_grid(placed: pd.DataFrame, claims: Sequence[str], width: int) -> np.ndarray:
    """The marks as a grid: one row per claim, one cell per specification (its verdict's index), NaN past the end."""
    index = {v: i for i, v in enumerate(STRENGTHS)}
    grid = np.full((len(claims), width), np.nan)
    row_of = {claim_id: i for i, claim_id in enumerate(claims)}
    for r in placed.itertuples():
        grid[row_of[r.claim_id], int(r.position) - 1] = index[r.verdict]
    return grid


def specification_curve(
    specs: pd.DataFrame,
    claims: Sequence[str],
    labels: Mapping[str, str],
    notes: Mapping[str, str],
    text: FigureText,
    name: str = "ledger_specifications",
) -> Chart:
    """The curve: ``claims`` top to bottom (each labelled by ``labels``, annotated on the right by ``notes``).

    ``specs`` is the table of specifications
    (:func:`kzmv.story.claims.specification_table`): one row per claim and
    specification, with its ``verdict`` and whether it is ``as_stated``. Each
    specification is one cell of a row, the row's cells in order of verdict; the
    cells are drawn as one image, separated by white rules, so that the chart
    stays a few kilobytes in a report that must remain one small file, and the
    specification read as stated is ringed. Its numbers table is what it draws:
    claim, specification, whether as stated, and verdict.
    """
    unknown = sorted(set(specs["verdict"]) - set(STRENGTHS))
    if unknown:
        raise ValueError(f"verdicts {unknown} have no colour")
    placed = row_order(specs[specs["claim_id"].isin(list(claims))])
    widest = int(placed["position"].max()) if len(placed) else 1
    fig, ax = new_figure(height_in=ROW_HEIGHT_IN * len(claims) + 2.0)
    cmap = ListedColormap([VERDICT_COLOURS[v] for v in STRENGTHS])
    cmap.set_bad("white")
    ax.imshow(
        verdict_grid(placed, claims, widest),
        cmap=cmap,
        vmin=-0.5,
        vmax=len(STRENGTHS) - 0.5,
        aspect="auto",
        interpolation="none",
        extent=(0.5, widest + 0.5, len(claims) - 0.5, -0.5),
    )
    ax.vlines(np.arange(1.5, widest), -0.5, len(claims) - 0.5, colors="white", linewidth=1.0)
    ax.hlines(np.arange(0.5, len(claims) - 1), 0.5, widest + 0.5, colors="white", linewidth=2.0)
    row_of = {claim_id: i for i, claim_id in enumerate(claims)}
    stated = placed[placed["as_stated"].astype(bool)]
    ax.plot(
        stated["position"],
        stated["claim_id"].map(row_of),
        linestyle="none",
        marker="o",
        markersize=4.5,
        markerfacecolor="white",
        markeredgecolor=INK,
        markeredgewidth=1.0,
    )
    for claim_id in claims:
        ax.text(
            widest + 0.8,
            row_of[claim_id],
            notes.get(claim_id, ""),
            va="center",
            ha="left",
            fontsize=7.5,
            color=MUTED_INK,
        )
    ax.set_yticks(range(len(claims)), [labels.get(c, c) for c in claims], fontsize=7.5)
    ax.tick_params(axis="both", length=0, colors=INK)
    ax.set_xlim(0.5, widest + 9)
    ax.set_xticks([x for x in range(1, widest + 1) if x == 1 or x % 5 == 0])
    ax.set_xlabel("specifications of each claim, strongest verdict first", fontsize=8.5, color=MUTED_INK)
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    handles = [Patch(facecolor=VERDICT_COLOURS[v], label=v) for v in STRENGTHS]
    handles.append(
        Line2D(
            [],
            [],
            linestyle="none",
            marker="o",
            markerfacecolor="white",
            markeredgecolor=INK,
            label="the claim as stated",
        )
    )
    ax.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(-0.02, 1.0),
        ncols=6,
        fontsize=7.5,
        labelcolor=MUTED_INK,
        handlelength=1.2,
        columnspacing=1.0,
    )
    return Chart(
        fig, name, text, table="claim_specifications", columns=["claim_id", "specification", "as_stated", "verdict"]
    )
