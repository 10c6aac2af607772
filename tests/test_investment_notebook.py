"""The investment notebook, run with papermill: defaults, other parameters, bad ones."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from conftest import assert_chapter_runs_beside_the_others, assert_declared_outputs_written

from kzmv.engine.pipeline import load_pipeline

ROOT = Path(__file__).resolve().parents[1]
NAME = "02_investment"
STEP = load_pipeline(ROOT / "pipeline.yml").step(NAME)


def test_step_reads_raw_files_only_so_it_runs_beside_the_other_chapters() -> None:
    assert_chapter_runs_beside_the_others(NAME, ("fdi_",))


def test_defaults_record_the_headline_values(run_notebook: Callable[..., dict[str, Any]]) -> None:
    values = run_notebook(NAME)
    assert {r for r in values["__reads__"] if r.startswith("raw:")} == {
        "raw:fdi_by_partner_wiiw",
        "raw:fdi_by_activity_wiiw",
        "raw:fdi_page_figures",
    }, "the investment chapter reads the FDI files and no others"
    out = values["__outputs__"]
    assert_declared_outputs_written(NAME, out)
    assert values["eu27_stock_share_last_year_pct"] == pytest.approx(50.79, abs=0.01)
    assert values["nl_stock_share_last_year_pct"] == pytest.approx(38.78, abs=0.01)
    assert values["eu27_stock_share_peak"] == pytest.approx({"year": 2015, "pct": 63.42}, abs=0.005)
    assert values["russia_net_inflow_eur_m"]["2021"] == pytest.approx(723.9, abs=0.1)
    by_partner = pd.read_csv(out / "data" / "processed" / "fdi_by_partner.csv")
    assert list(by_partner.columns) == ["year", "partner_iso3", "partner", "group", "measure", "unit", "value"]
    assert set(by_partner["measure"]) == {"net inflow", "inward stock"}
    assert not by_partner["partner_iso3"].isin(["WORLD", "EU27_2020"]).any()


def test_other_parameters_change_the_windows(run_notebook: Callable[..., dict[str, Any]]) -> None:
    values = run_notebook(NAME, fdi_first_year=2010, fdi_last_year=2019)
    out = values["__outputs__"]
    assert_declared_outputs_written(NAME, out)
    groups = pd.read_csv(out / "data" / "processed" / "fdi_by_group.csv")
    eu_2019 = groups.query("year == 2019 and group == 'EU-27' and measure == 'inward stock'")["share_of_world_pct"]
    assert values["fdi_last_year"] == 2019
    assert values["eu27_stock_share_last_year_pct"] == pytest.approx(float(eu_2019.iloc[0]), abs=0.005)
    assert set(values["russia_net_inflow_eur_m"]) == {str(y) for y in range(2010, 2020)}


def test_a_bad_parameter_stops_before_any_work(run_notebook: Callable[..., dict[str, Any]]) -> None:
    from papermill.exceptions import PapermillExecutionError

    with pytest.raises(PapermillExecutionError) as info:
        run_notebook(NAME, fdi_first_year=2015, fdi_last_year=2010)
    assert info.value.ename == "PipelineError"
    assert "fdi_first_year (2015) must be before fdi_last_year (2010)" in info.value.evalue
