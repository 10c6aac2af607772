"""pipeline.yml: the DAG, and parameters checked before any kernel starts."""

from __future__ import annotations

from pathlib import Path

import pytest
from papermill.inspection import inspect_notebook

from kzmv.build.spec import Pipeline, checked_parameters, load_pipeline, parse_overrides
from kzmv.errors import PipelineError


def _toy(edges: dict[str, tuple[list[str], list[str]]]) -> Pipeline:
    return Pipeline.model_validate(
        {
            "report": {},
            "notebooks": [
                {"name": n, "path": f"{n}.ipynb", "title": n, "inputs": i, "outputs": o} for n, (i, o) in edges.items()
            ],
        }
    )


def test_order_follows_inputs_and_outputs_not_file_order() -> None:
    toy = _toy({"c": (["b.csv"], ["c.csv"]), "a": ([], ["a.csv"]), "b": (["a.csv"], ["b.csv"])})
    assert toy.order() == ["a", "b", "c"]
    assert toy.downstream({"b"}) == {"b", "c"}


def test_independent_notebooks_have_no_dependency() -> None:
    toy = _toy({"prep": ([], ["t.csv"]), "x": (["t.csv"], ["x.csv"]), "y": (["t.csv"], ["y.csv"])})
    deps = toy.dependencies()
    assert deps["x"] == {"prep"} and deps["y"] == {"prep"}


def test_a_cycle_is_reported() -> None:
    with pytest.raises(PipelineError, match="cycle"):
        _toy({"a": (["b.csv"], ["a.csv"]), "b": (["a.csv"], ["b.csv"])}).order()


def test_two_writers_of_one_output_are_reported() -> None:
    with pytest.raises(PipelineError, match=r"x.csv is written by both a and b"):
        _toy({"a": ([], ["x.csv"]), "b": ([], ["x.csv"])}).dependencies()


def test_the_real_pipeline_starts_with_data_prep(root: Path) -> None:
    pipeline = load_pipeline(root / "pipeline.yml")
    assert pipeline.order()[0] == "00_data_prep"
    assert "01_trade" in pipeline.downstream({"00_data_prep"})


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"focus_yaer": 2023}, r"notebook 01_trade has no parameter focus_yaer; valid parameters: .*focus_year"),
        ({"focus_year": "2023"}, r"01_trade.focus_year: expected int .* got str '2023'"),
        ({"focus_year": 1999}, r"01_trade.focus_year: 1999 is out of range; valid values are 2000 to 2025"),
        ({"top_n": 0}, r"01_trade.top_n: 0 is out of range; valid values are 1 to"),
        ({"flow": "re-exports"}, r"'re-exports' is not one of the valid choices 'turnover', 'exports', 'imports'"),
    ],
)
def test_bad_parameters_are_rejected_with_valid_choices(root: Path, overrides: dict, message: str) -> None:
    step = load_pipeline(root / "pipeline.yml").step("01_trade")
    with pytest.raises(PipelineError, match=message):
        step.resolve(overrides)


def test_overrides_parse_as_data_never_code() -> None:
    parsed = parse_overrides(["01_trade.focus_year=2023", "01_trade.flow=__import__('os').system('x')"])
    assert parsed == {"01_trade": {"focus_year": 2023, "flow": "__import__('os').system('x')"}}
    with pytest.raises(PipelineError, match=r"expected NOTEBOOK\.NAME=VALUE"):
        parse_overrides(["focus_year=2023"])


def test_notebook_parameter_cells_match_pipeline_defaults(root: Path) -> None:
    for step in load_pipeline(root / "pipeline.yml").notebooks:
        cell = inspect_notebook(str(root / step.path))
        assert set(cell) == set(step.parameters), step.name
        for name, spec in step.parameters.items():
            assert eval(cell[name]["default"]) == spec.default, f"{step.name}.{name}"


# --- every rule of a parameter is declared in pipeline.yml and checked by one function -------------

TRADE = {"focus_year": 2024, "top_n": 10, "flow": "turnover", "first_year": 2000, "last_year": 2025}
INVESTMENT = {
    "fdi_first_year": 2003,
    "fdi_last_year": 2021,
    "neighbours": ["RUS", "UZB", "KGZ", "CHN", "TUR"],
    "macro_first_year": 2000,
    "macro_last_year": 2024,
}


def test_defaults_pass_as_a_notebook_checks_them() -> None:
    assert checked_parameters("01_trade", **TRADE) == TRADE
    assert checked_parameters("02_investment_energy", **INVESTMENT) == INVESTMENT
    assert checked_parameters("03_narrative", tolerance_pct=12) == {"tolerance_pct": 12.0}


@pytest.mark.parametrize(
    ("notebook", "change", "message"),
    [
        ("01_trade", {"focus_year": 1990}, r"focus_year: 1990 is out of range; valid values are 2000 to 2025"),
        ("01_trade", {"top_n": 0}, r"top_n: 0 is out of range; valid values are 1 to 40"),
        ("01_trade", {"flow": "bogus"}, r"'bogus' is not one of the valid choices 'turnover', 'exports', 'imports'"),
        ("01_trade", {"last_year": 2030}, r"last_year: 2030 is out of range"),
        ("01_trade", {"first_year": 2020, "last_year": 2010}, r"first_year \(2020\) must be before last_year \(2010\)"),
        ("01_trade", {"focus_year": "2024"}, r"expected int"),
        (
            "02_investment_energy",
            {"fdi_first_year": 2002},
            r"fdi_first_year: 2002 is out of range; valid values are 2003 to 2020",
        ),
        (
            "02_investment_energy",
            {"fdi_last_year": 2022},
            r"fdi_last_year: 2022 is out of range; valid values are 2004 to 2021",
        ),
        (
            "02_investment_energy",
            {"fdi_first_year": 2015, "fdi_last_year": 2010},
            r"fdi_first_year \(2015\) must be before fdi_last_year",
        ),
        (
            "02_investment_energy",
            {"macro_first_year": 2020, "macro_last_year": 2010},
            r"macro_first_year \(2020\) must be before",
        ),
        ("02_investment_energy", {"neighbours": "RUS"}, r"neighbours: expected list"),
        ("02_investment_energy", {"neighbours": []}, r"neighbours: expected a list of 1 to 8 values"),
        (
            "02_investment_energy",
            {"neighbours": ["RUS", "XXX"]},
            r"'XXX' is not an upper-case ISO 3166-1 alpha-3 country code",
        ),
        ("02_investment_energy", {"neighbours": ["rus"]}, r"'rus' is not an upper-case"),
        ("02_investment_energy", {"neighbours": ["KAZ"]}, r"leave out KAZ"),
        ("02_investment_energy", {"neighbours": ["RUS", "RUS"]}, r"listed twice"),
        ("02_investment_energy", {"macro_last_year": "2024"}, r"macro_last_year: expected int"),
        ("03_narrative", {"tolerance_pct": -1}, r"out of range; valid values are 0 to 100"),
        ("03_narrative", {"tolerance_pct": float("nan")}, r"nan is not a finite number; valid values are 0 to 100"),
        ("03_narrative", {"tolerance_pct": float("inf")}, r"inf is not a finite number"),
    ],
)
def test_bad_values_are_refused_naming_the_valid_ones(notebook: str, change: dict, message: str) -> None:
    values = {"01_trade": TRADE, "02_investment_energy": INVESTMENT, "03_narrative": {"tolerance_pct": 10.0}}[notebook]
    with pytest.raises(PipelineError, match=message):
        checked_parameters(notebook, **{**values, **change})
    # the runner checks the same rules before any kernel starts
    with pytest.raises(PipelineError, match=message):
        load_pipeline().step(notebook).resolve(change)
