"""The trade chapter run with papermill: non-default parameters change what is recorded; bad ones stop it early."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd
import papermill
import pytest
from papermill.exceptions import PapermillExecutionError

from kzmv.engine.pipeline import load_pipeline

ROOT = Path(__file__).resolve().parents[1]
PARTNERS = ROOT / "data" / "processed" / "trade_by_partner.csv"


def _expected_top(year: int, flow: str, n: int) -> tuple[list[str], list[float]]:
    """The top partners and their shares, computed here with plain pandas (not with kzmv.trade)."""
    table = pd.read_csv(PARTNERS)
    one_year = table[table["year"] == year]
    column = f"{flow}_usd_m"
    ranked = one_year.sort_values([column, "partner_iso3"], ascending=[False, True]).head(n)
    shares = (100 * ranked[column] / one_year[column].sum()).round(3).tolist()
    return ranked["partner_iso3"].tolist(), shares


def _declared_outputs() -> set[str]:
    return set(load_pipeline(ROOT / "pipeline.yml").step("01_trade").outputs)


def test_exports_ranking_of_2023_top_5(run_notebook: Callable[..., dict[str, Any]]) -> None:
    started = time.time()
    values = run_notebook("01_trade", focus_year=2023, flow="exports", top_n=5)
    partners, shares = _expected_top(2023, "exports", 5)
    assert values["parameters"] == {
        "focus_year": 2023,
        "top_n": 5,
        "flow": "exports",
        "first_year": 2000,
        "last_year": 2025,
    }
    assert values["top_partners"] == partners
    assert values["top_shares_pct"] == pytest.approx(shares, abs=1e-3)
    assert values["top_share_pct"] == pytest.approx(sum(shares), abs=1e-2)
    assert values["share_sums_complete_years"] == pytest.approx([100.0])
    assert values["years_without_shares"] == [2010]
    assert values["missing_partner_years"] == ["BLR 2010", "RUS 2010"]
    assert set(values["asymmetry_gap_pp"]) == {*_names(partners), "EU-27", "Central Asia"}
    assert (
        values["effective_number_focus_year"]["partner_imports"]
        < values["effective_number_focus_year"]["partner_exports"]
    )
    assert values["mirror_gap_in_imports_pct"] > 90
    assert values["events"] == ["2022-01-06", "2022-02-24", "2022-09-21"]
    _check_outputs(values["__outputs__"], started)


def _names(iso3: list[str]) -> list[str]:
    table = pd.read_csv(PARTNERS)[["partner_iso3", "partner"]].drop_duplicates().set_index("partner_iso3")
    return table.loc[iso3, "partner"].tolist()


def _check_outputs(out: Path, started: float) -> None:
    """Every declared output was written by this run, and nothing undeclared."""
    declared = _declared_outputs()
    for rel in declared:
        path = out / rel
        assert path.is_file() and path.stat().st_mtime >= started - 1, f"{rel} was not written"
    written = {
        p.relative_to(out).as_posix() for p in (out / "figures").glob("trade_*") if p.stat().st_mtime >= started - 1
    }
    assert written <= declared, f"undeclared outputs: {written - declared}"
    by_group = pd.read_csv(out / "data" / "processed" / "trade_by_group.csv")
    assert by_group.loc[(by_group["year"] == 2010) & (by_group["group"] == "Russia"), "exports_usd_m"].isna().all()


def test_a_short_window_and_a_year_with_missing_partners(run_notebook: Callable[..., dict[str, Any]]) -> None:
    values = run_notebook("01_trade", focus_year=2010, top_n=3, first_year=2005, last_year=2012)
    partners, _ = _expected_top(2010, "turnover", 3)
    assert values["top_partners"] == partners
    assert "RUS" not in values["top_partners"]
    assert values["top_shares_pct"] == [None, None, None]  # the 2010 total is unknown
    assert values["top_share_pct"] is None
    assert values["group_share_years"] == list(range(2005, 2013))
    assert values["group_shares_last_year"]["exports"]["EU-27"] == pytest.approx(48.5, abs=0.1)  # 2012
    assert all(v is None for v in values["effective_number_focus_year"].values())
    assert all(v is None for v in values["asymmetry_gap_pp"].values())


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        ({"focus_year": 1990}, "01_trade.focus_year: 1990 is out of range; valid values are 2000 to 2025"),
        ({"top_n": 0}, "01_trade.top_n: 0 is out of range; valid values are 1 to 40"),
        ({"flow": "bogus"}, "'bogus' is not one of the valid choices 'turnover', 'exports', 'imports'"),
        ({"first_year": 2024, "last_year": 2020}, "first_year (2024) must be before last_year (2020)"),
    ],
)
def test_invalid_parameters_stop_the_run_before_any_work(
    parameters: dict[str, Any], message: str, isolated_outputs: Path, tmp_path: Path
) -> None:
    before = {p: p.stat().st_mtime for p in (isolated_outputs / "data" / "processed").iterdir()}
    with pytest.raises(PapermillExecutionError) as failure:
        papermill.execute_notebook(
            str(ROOT / "notebooks" / "01_trade.ipynb"),
            str(tmp_path / "failed.ipynb"),
            parameters=parameters,
            kernel_name="python3",
            progress_bar=False,
            cwd=str(Path.cwd()),  # the run folder isolated_outputs made: writes would go there
        )
    assert failure.value.ename == "PipelineError"
    assert message in failure.value.evalue
    cells = nbformat.read(tmp_path / "failed.ipynb", as_version=4).cells
    failed = [c for c in cells if any(o.get("output_type") == "error" for o in c.get("outputs", []))]
    assert [c.source.split("(")[0] for c in failed] == ["p = params.checked"], "checked first"
    after = {p: p.stat().st_mtime for p in (isolated_outputs / "data" / "processed").iterdir()}
    assert after == before, "nothing was written"
