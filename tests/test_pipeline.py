"""pipeline.yml: the DAG, and parameters checked before any kernel starts."""

from __future__ import annotations

from pathlib import Path

import pytest
from papermill.inspection import inspect_notebook

from kzmv.errors import PipelineError
from kzmv.pipeline import Pipeline, load_pipeline, parse_overrides


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
