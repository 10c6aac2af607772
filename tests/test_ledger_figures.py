"""The corrected charts' geometry (bars on their ticks, a cut year axis) and their titles' wording from the data."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from kzmv.analysis import energy
from kzmv.figures import fdi as fdi_figures
from kzmv.story import investment_chapter, macro_chapter


def test_a_years_bars_are_centred_on_its_tick_whatever_series_it_has() -> None:
    rows = pd.DataFrame(
        {
            "year": [2021, 2022, 2022],
            "style": [("gross inflow", "National Bank"), ("gross inflow", "National Bank"), ("net inflow", "UNCTAD")],
            "value": [2.0, 3.0, 1.0],
            "basis": ["derived", "published", "published"],
        }
    )
    fig, ax = plt.subplots()
    fdi_figures._bars_on_ticks(ax, rows, list(fdi_figures.GROSS_NET_STYLE))
    centres = sorted(round(p.get_x() + p.get_width() / 2, 6) for p in ax.patches)
    plt.close(fig)
    assert centres == [2021.0, pytest.approx(2022 - 0.15), pytest.approx(2022 + 0.15)]


def test_the_year_axis_is_cut_where_there_are_no_figures() -> None:
    assert energy.year_runs([2013, 2022, 2023, 2024, 2025]) == [[2013], [2022, 2023, 2024, 2025]]
    assert energy.year_runs([2022]) == [[2022]]


@pytest.mark.parametrize(
    ("rank", "of", "words"),
    [(1, 6, "the fastest"), (3, 6, "the third fastest"), (5, 6, "the second slowest"), (6, 6, "the slowest")],
)
def test_ranks_are_worded_from_both_ends(rank: int, of: int, words: str) -> None:
    assert macro_chapter.ordinal(rank, of) == words


def test_two_partners_shares_each_stay_beside_their_own_name() -> None:
    assert (
        investment_chapter.two_shares({"Russia": 2.7, "China": 2.4}, "Russia", "China") == "Russia held 3% and China 2%"
    )
    assert (
        investment_chapter.two_shares({"Russia": 2.2, "China": 3.6}, "Russia", "China") == "Russia held 2% and China 4%"
    )
    assert (
        investment_chapter.two_shares({"Russia": 3.5, "China": 3.6}, "Russia", "China")
        == "Russia and China each held 4%"
    )
    assert investment_chapter.two_shares({"Russia": float("nan"), "China": 3.6}, "Russia", "China") == (
        "Russia held an unknown share and China 4%"
    )


def test_the_specification_curve_draws_one_cell_per_specification_ordered_by_verdict() -> None:
    from kzmv.figures import ledger as ledger_figures
    from kzmv.figures.style import FigureText

    specs = pd.DataFrame(
        {
            "claim_id": ["X1", "X1", "X1", "X2"],
            "specification": [1, 2, 3, 1],
            "as_stated": [False, True, False, True],
            "verdict": ["supported", "contradicted", "consistent", "indeterminate"],
        }
    )
    text = FigureText(title="t", subtitle="s", source="Source: test", alt="a")
    chart = ledger_figures.specification_curve(specs, ["X1", "X2"], {"X1": "X1 one"}, {"X1": "67%"}, text)
    ax = chart.figure.axes[0]
    cells = np.ma.filled(ax.images[0].get_array().astype(float), np.nan)
    # strongest verdict first: supported (0), consistent (1), contradicted (4); one specification for X2
    assert cells[0].tolist() == [0.0, 1.0, 4.0]
    assert cells[1, 0] == 2.0 and np.isnan(cells[1, 1:]).all()
    ring = next(line for line in ax.lines if line.get_marker() == "o")
    assert list(ring.get_xdata()) == [3, 1] and list(ring.get_ydata()) == [0, 1], "the claim as stated is ringed"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["X1 one", "X2"]
    assert chart.table == "claim_specifications" and list(chart.columns) == [
        "claim_id",
        "specification",
        "as_stated",
        "verdict",
    ]
    plt.close(chart.figure)
    with pytest.raises(ValueError, match="no colour"):
        ledger_figures.specification_curve(specs.assign(verdict="partly supported"), ["X1"], {}, {}, text)
