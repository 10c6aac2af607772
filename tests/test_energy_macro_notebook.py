"""The energy and macro notebook, run with papermill: defaults, other parameters, bad ones."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from conftest import assert_chapter_runs_beside_the_others, assert_declared_outputs_written

from kzmv.engine.pipeline import load_pipeline

ROOT = Path(__file__).resolve().parents[1]
NAME = "05_energy_macro"
STEP = load_pipeline(ROOT / "pipeline.yml").step(NAME)


def test_step_reads_raw_files_only_so_it_runs_beside_the_other_chapters() -> None:
    assert_chapter_runs_beside_the_others(NAME, ("energy_", "macro_"))


def test_defaults_record_the_headline_values(run_notebook: Callable[..., dict[str, Any]]) -> None:
    values = run_notebook(NAME)
    assert not [r for r in values["__reads__"] if r.startswith("raw:fdi_")], "the FDI files belong to 02_investment"
    out = values["__outputs__"]
    assert_declared_outputs_written(NAME, out)
    shares = values["oil_shares_latest_complete_year_pct"]
    assert shares["year"] == 2024, "2025 is complete in the monthly file but preliminary in partner trade"
    assert shares["crude oil"] == pytest.approx(52.51, abs=0.01)
    assert shares["oil and gas"] == pytest.approx(55.79, abs=0.01)
    assert values["cpc_share_of_crude_exports_pct"]["2023 (full year)"] == pytest.approx(79.4)
    assert values["cpi_latest_common_year_pct"] == {"year": 2024, "World Bank": 4.86, "IMF": 8.68}
    assert values["gdp_usd_bn_latest_common_year"] == {"year": 2023, "World Bank": 261.42, "IMF": 261.84}
    assert values["crude_oil_share_of_exports_pct"]["2022"] is None, "an incomplete year is recorded as missing"


def test_other_parameters_change_the_windows(run_notebook: Callable[..., dict[str, Any]]) -> None:
    values = run_notebook(NAME, neighbours=["RUS", "CHN"], macro_first_year=2005, macro_last_year=2020)
    out = values["__outputs__"]
    assert_declared_outputs_written(NAME, out)
    macro = pd.read_csv(out / "data" / "processed" / "macro_indicators.csv")
    assert set(macro["iso3"]) == {"KAZ", "RUS", "CHN"}
    assert [r["iso3"] for r in values["neighbour_summary"]] == ["KAZ", "RUS", "CHN"]
    assert values["cpi_latest_common_year_pct"] == {"year": 2024, "World Bank": 4.86, "IMF": 8.68}, (
        "headline records do not depend on windows"
    )


def test_a_bad_parameter_stops_before_any_work(run_notebook: Callable[..., dict[str, Any]]) -> None:
    from papermill.exceptions import PapermillExecutionError

    with pytest.raises(PapermillExecutionError) as info:
        run_notebook(NAME, neighbours=["RUS", "XYZ"])
    assert info.value.ename == "PipelineError"
    assert "'XYZ' is not an upper-case ISO 3166-1 alpha-3 country code" in info.value.evalue
