"""pipeline.yml: validated as a whole, the DAG derived from each notebook's upstream, checked against the checkout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from kzmv import params
from kzmv.engine.cells import write_parameters_cells
from kzmv.engine.dag import critical_path_lengths, start_order
from kzmv.engine.layout import copy_project
from kzmv.engine.pipeline import Pipeline, load_pipeline
from kzmv.errors import PipelineError


def _toy(edges: dict[str, tuple[list[str], list[str]]]) -> Pipeline:
    """A pipeline of notebooks ``name: (upstream, tables written)``."""
    return Pipeline.model_validate(
        {
            "report": {},
            "notebooks": [
                {"name": n, "path": f"{n}.ipynb", "title": n, "upstream": u, "writes": {"tables": t}}
                for n, (u, t) in edges.items()
            ],
        }
    )


def test_order_follows_upstream_not_file_order() -> None:
    toy = _toy({"c": (["b"], ["c"]), "a": ([], ["a"]), "b": (["a"], ["b"])})
    assert toy.order() == ["a", "b", "c"]
    assert toy.downstream({"b"}) == {"b", "c"}
    assert toy.ancestors("c") == {"a", "b"}
    assert toy.upstream_outputs("c") == ["data/processed/a.csv", "data/processed/b.csv"]
    assert toy.upstream_outputs("a") == []


def test_outputs_are_derived_from_the_names_a_notebook_writes() -> None:
    step = Pipeline.model_validate(
        {
            "report": {},
            "notebooks": [
                {"name": "x", "path": "x.ipynb", "title": "x", "writes": {"tables": ["t"], "figures": ["f", "g"]}}
            ],
        }
    ).step("x")
    assert step.outputs == [
        "data/processed/t.csv",
        "figures/f.svg",
        "figures/f.png",
        "figures/g.svg",
        "figures/g.png",
    ]


def test_independent_notebooks_have_no_dependency() -> None:
    toy = _toy({"prep": ([], ["t"]), "x": (["prep"], ["x"]), "y": (["prep"], ["y"])})
    deps = toy.dependencies()
    assert deps["x"] == {"prep"} and deps["y"] == {"prep"} and deps["prep"] == set()


def test_the_longest_chain_is_started_first_among_ready_notebooks() -> None:
    """prep -> trade -> story is the long chain; side, read only by story, must not take trade's slot."""
    toy = _toy({"prep": ([], ["p"]), "side": ([], ["s"]), "trade": (["prep"], ["t"]), "story": (["trade", "side"], [])})
    assert toy.order() == ["prep", "side", "trade", "story"], "topologically, side comes before trade"
    assert critical_path_lengths(toy) == {"prep": 3, "side": 2, "trade": 3, "story": 3}
    order = start_order(toy)
    assert order.index("trade") < order.index("side") and order.index("prep") < order.index("side")


def test_a_cycle_is_reported() -> None:
    with pytest.raises(ValueError, match=r"cycle: (a -> b -> a|b -> a -> b)"):
        _toy({"a": (["b"], ["a"]), "b": (["a"], ["b"])})


def test_two_writers_of_one_output_are_reported() -> None:
    with pytest.raises(ValueError, match=r"data/processed/x.csv is written by both a and b"):
        _toy({"a": ([], ["x"]), "b": ([], ["x"])})


def test_the_real_pipeline_starts_with_data_prep_and_ends_with_the_argument(root: Path) -> None:
    pipeline = load_pipeline(root / "pipeline.yml")
    assert pipeline.order()[0] == "00_data_prep" and pipeline.order()[-1] == "03_narrative"
    assert "01_trade" in pipeline.downstream({"00_data_prep"})
    assert pipeline.ancestors("03_narrative") == {s.name for s in pipeline.notebooks} - {"03_narrative"}


# --- pipeline.yml as a whole, against the checkout -----------------------------------------------------

GOOD = {
    "report": {"title": "Toy"},
    "notebooks": [
        {"name": "prep", "path": "notebooks/prep.ipynb", "title": "Prep", "writes": {"tables": ["t"]}},
        {
            "name": "chart",
            "path": "notebooks/chart.ipynb",
            "title": "Chart",
            "upstream": ["prep"],
            "parameters": {"year": {"default": 2020, "min": 2000, "max": 2025, "help": "a year"}},
            "writes": {"figures": ["chart"]},
        },
    ],
}


def _notebook(path: Path, parameters_cell: str | None) -> None:
    cells = [{"cell_type": "markdown", "id": "m", "metadata": {}, "source": "# Toy"}]
    if parameters_cell is not None:
        cells.append(
            {
                "cell_type": "code",
                "id": "p",
                "metadata": {"tags": ["parameters"]},
                "source": parameters_cell,
                "outputs": [],
                "execution_count": None,
            }
        )
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A checkout holding what GOOD names: two notebooks whose parameters cells are as declared."""
    (tmp_path / "notebooks").mkdir()
    _notebook(tmp_path / "notebooks" / "prep.ipynb", params.parameters_cell({}))
    spec = params.ParameterSpec.model_validate(GOOD["notebooks"][1]["parameters"]["year"])
    _notebook(tmp_path / "notebooks" / "chart.ipynb", params.parameters_cell({"year": spec}))
    return tmp_path


def _write(checkout: Path, doc: dict) -> Path:
    path = checkout / "pipeline.yml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def _changed(notebook: int, **fields: object) -> dict:
    doc = yaml.safe_load(yaml.safe_dump(GOOD))
    doc["notebooks"][notebook].update(fields)
    return doc


def _read_in(*parts: list[str]) -> dict:
    doc = yaml.safe_load(yaml.safe_dump(GOOD))
    doc["reading_order"] = [{"part": f"Part {i}", "notebooks": names} for i, names in enumerate(parts)]
    return doc


def test_a_good_pipeline_loads(checkout: Path) -> None:
    assert load_pipeline(_write(checkout, GOOD)).order() == ["prep", "chart"]


def test_the_reading_order_is_not_the_running_order(checkout: Path) -> None:
    pipeline = load_pipeline(_write(checkout, _read_in(["chart"], ["prep"])))
    assert pipeline.order() == ["prep", "chart"], "the notebooks still run in the order the data need"
    assert [(p.part, p.notebooks) for p in pipeline.reading_parts()] == [("Part 0", ["chart"]), ("Part 1", ["prep"])]
    plain = load_pipeline(_write(checkout, GOOD)).reading_parts()
    assert [p.notebooks for p in plain] == [["prep", "chart"]], "without a reading order, the file order"


def test_the_real_report_reads_argument_evidence_appendix(root: Path) -> None:
    parts = load_pipeline(root / "pipeline.yml").reading_parts()
    assert [p.notebooks for p in parts] == [
        ["03_narrative"],
        ["01_trade", "02_investment", "05_energy_macro", "04_politics_security"],
        ["00_data_prep"],
    ]


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        (_changed(1, name="prep", upstream=[]), r"notebook name 'prep' is used twice"),
        (
            _changed(1, path="notebooks/missing.ipynb"),
            r"notebook chart: its file notebooks/missing.ipynb does not exist",
        ),
        (_changed(1, path="../elsewhere.ipynb"), r"must be a plain relative path inside the project"),
        (_changed(1, writes={"tables": ["t"]}), r"data/processed/t.csv is written by both prep and chart"),
        (_changed(1, writes={"figures": ["a", "a"]}), r"figure 'a' is listed twice"),
        (_changed(1, writes={"figures": ["../a"]}), r"figure name '../a': lower-case letters"),
        (_changed(1, writes={"charts": ["a"]}), r"charts: Extra inputs are not permitted"),
        (_changed(1, upstream=["nope"]), r"notebook chart: upstream 'nope' is no notebook of pipeline.yml"),
        (_changed(1, upstream=["chart"]), r"notebook chart names itself among its upstream notebooks"),
        (_changed(0, upstream=["chart"]), r"cycle: "),
        (_changed(1, name="bad name"), r"name: String should match pattern"),
        (_changed(1, parameters={"year": {"default": 2020, "min": 2030, "max": 2025, "help": "h"}}), r"is above max"),
        (_changed(1, parameters={"year": {"default": 1990, "min": 2000, "max": 2025, "help": "h"}}), r"out of range"),
        (_changed(1, parameters={"p": {"default": 1, "help": "h"}}), r"parameter name 'p' is not a valid Python name"),
        (
            _changed(1, parameters={"year": {"default": 2020, "min": 2000, "max": 2025, "help": "changed"}}),
            r"notebook chart: the parameters cell of notebooks/chart.ipynb is not what pipeline.yml declares.*"
            r"run `make params`",
        ),
        (_changed(1, colour="red"), r"colour: Extra inputs are not permitted"),
        (
            _read_in(["chart"], ["prep", "nope"]),
            r"reading_order names 'nope', which is no notebook .* list each of prep, chart once",
        ),
        (_read_in(["chart", "prep"], ["chart"]), r"reading_order lists chart twice; list each of prep, chart once"),
        (_read_in(["chart"]), r"reading_order leaves out prep; list each of prep, chart once"),
        (_read_in(["chart"], []), r"reading_order.*notebooks: List should have at least 1 item"),
    ],
)
def test_a_wrong_pipeline_is_one_line_naming_the_problem(checkout: Path, doc: dict, message: str) -> None:
    path = _write(checkout, doc)
    with pytest.raises(PipelineError, match=message) as err:
        load_pipeline(path)
    assert str(err.value).startswith(str(path)) and "\n" not in str(err.value)


def test_a_notebook_without_a_parameters_cell_is_named(checkout: Path) -> None:
    _notebook(checkout / "notebooks" / "prep.ipynb", None)
    with pytest.raises(PipelineError, match=r"notebook prep: notebooks/prep.ipynb has no cell tagged 'parameters'"):
        load_pipeline(_write(checkout, GOOD))


def test_make_params_writes_the_cells_the_declaration_gives(checkout: Path) -> None:
    """A changed default is written into the notebook by `make params`, after which the pipeline loads."""
    doc = _changed(1, parameters={"year": {"default": 2021, "min": 2000, "max": 2025, "help": "a later year"}})
    path = _write(checkout, doc)
    with pytest.raises(PipelineError, match=r"make params"):
        load_pipeline(path)
    assert write_parameters_cells(checkout) == ["chart"]
    assert load_pipeline(path).step("chart").parameters["year"].default == 2021
    cell = json.loads((checkout / "notebooks" / "chart.ipynb").read_text())["cells"][1]["source"]
    assert "year = 2021  # a later year (2000 to 2025)" in cell
    assert write_parameters_cells(checkout) == [], "nothing left to write"


def test_every_real_notebook_has_the_generated_parameters_cell(root: Path, tmp_path: Path) -> None:
    copy = copy_project(root, tmp_path / "copy")
    assert write_parameters_cells(copy) == [], "run `make params`: a notebook's cell differs from pipeline.yml"


def test_a_key_given_twice_in_pipeline_yml_is_refused(checkout: Path) -> None:
    text = _write(checkout, GOOD).read_text().replace("  title: Chart\n", "  title: Chart\n  title: Other\n")
    (checkout / "pipeline.yml").write_text(text)
    with pytest.raises(PipelineError, match=r"the key 'title' is given twice"):
        load_pipeline(checkout / "pipeline.yml")


def test_a_missing_or_garbled_pipeline_yml_is_one_line(checkout: Path) -> None:
    with pytest.raises(PipelineError, match=r"pipeline.yml: the pipeline declaration is missing"):
        load_pipeline(checkout / "pipeline.yml")
    (checkout / "pipeline.yml").write_text("notebooks: [unclosed\n")
    with pytest.raises(PipelineError, match=r"not valid YAML") as err:
        load_pipeline(checkout / "pipeline.yml")
    assert "\n" not in str(err.value)
