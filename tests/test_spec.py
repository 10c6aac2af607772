"""pipeline.yml: validated as a whole, the DAG, and parameters checked in full before any kernel starts."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from papermill.inspection import inspect_notebook

from kzmv.cli import parameter_items
from kzmv.engine.dag import critical_path_lengths, start_order
from kzmv.engine.pipeline import MAX_VALUE_CHARS, Pipeline, checked_parameters, load_pipeline, parse_overrides
from kzmv.errors import PipelineError


def _toy(edges: dict[str, tuple[list[str], list[str]]]) -> Pipeline:
    """A pipeline of notebooks ``name: (inputs, outputs)``, file names under data/processed/."""
    return Pipeline.model_validate(
        {
            "report": {},
            "notebooks": [
                {
                    "name": n,
                    "path": f"{n}.ipynb",
                    "title": n,
                    "inputs": [f"data/processed/{x}" for x in i],
                    "outputs": [f"data/processed/{x}" for x in o],
                }
                for n, (i, o) in edges.items()
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


def test_the_longest_chain_is_started_first_among_ready_notebooks() -> None:
    """prep -> trade -> story is the long chain; side, read only by story, must not take trade's slot."""
    toy = _toy(
        {
            "prep": ([], ["p.csv"]),
            "side": ([], ["s.csv"]),
            "trade": (["p.csv"], ["t.csv"]),
            "story": (["t.csv", "s.csv"], ["n.csv"]),
        }
    )
    assert toy.order() == ["prep", "side", "trade", "story"], "topologically, side comes before trade"
    assert critical_path_lengths(toy) == {"prep": 3, "side": 2, "trade": 3, "story": 3}
    order = start_order(toy)
    assert order.index("trade") < order.index("side") and order.index("prep") < order.index("side")


def test_a_cycle_is_reported() -> None:
    with pytest.raises(PipelineError, match=r"cycle: (a -> b -> a|b -> a -> b)"):
        _toy({"a": (["b.csv"], ["a.csv"]), "b": (["a.csv"], ["b.csv"])})


def test_two_writers_of_one_output_are_reported() -> None:
    with pytest.raises(PipelineError, match=r"data/processed/x.csv is written by both a and b"):
        _toy({"a": ([], ["x.csv"]), "b": ([], ["x.csv"])})


def test_the_real_pipeline_starts_with_data_prep(root: Path) -> None:
    pipeline = load_pipeline(root / "pipeline.yml")
    assert pipeline.order()[0] == "00_data_prep"
    assert "01_trade" in pipeline.downstream({"00_data_prep"})


# --- pipeline.yml as a whole, against the checkout -----------------------------------------------------

GOOD = {
    "report": {"title": "Toy"},
    "notebooks": [
        {
            "name": "prep",
            "path": "notebooks/prep.ipynb",
            "title": "Prep",
            "inputs": ["raw:panel", "data/groups.csv"],
            "outputs": ["data/processed/t.csv"],
        },
        {
            "name": "chart",
            "path": "notebooks/chart.ipynb",
            "title": "Chart",
            "parameters": {"year": {"default": 2020, "min": 2000, "max": 2025, "help": "a year"}},
            "inputs": ["data/processed/t.csv", "raw:*"],
            "outputs": ["figures/chart.svg"],
        },
    ],
}


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A checkout holding what GOOD names: two notebook files, a committed file, a manifest with one source."""
    (tmp_path / "notebooks").mkdir()
    for name in ("prep", "chart"):
        (tmp_path / "notebooks" / f"{name}.ipynb").write_text("{}")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "groups.csv").write_text("iso3,group\n")
    source = {
        "id": "panel",
        "path": "p.csv",
        "sha256": "0" * 64,
        "bytes": 1,
        "title": "t",
        "publisher": "p",
        "origin_url": "u",
        "licence": "l",
        "coverage": "c",
        "unit": "u",
        "caveats": [],
        "citation": "c",
    }
    (tmp_path / "data" / "sources.yml").write_text(yaml.safe_dump({"sources": [source]}))
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
        (_changed(1, name="prep"), r"notebook name 'prep' is used twice"),
        (
            _changed(1, path="notebooks/missing.ipynb"),
            r"notebook chart: its file notebooks/missing.ipynb does not exist",
        ),
        (_changed(1, path="../elsewhere.ipynb"), r"must be a plain relative path inside the project"),
        (_changed(1, outputs=["data/processed/t.csv"]), r"data/processed/t.csv is written by both prep and chart"),
        (_changed(1, outputs=["notes/chart.svg"]), r"outside the published folders .* it would never be published"),
        (_changed(1, outputs=["report/index.html"]), r"written by the runner itself"),
        (_changed(1, outputs=["figures/a.svg", "figures/a.svg"]), r"'figures/a.svg' is listed twice"),
        (_changed(1, inputs=["raw:nope"]), r"notebook chart: input 'raw:nope' names no source of data/sources.yml"),
        (_changed(1, inputs=["data/missing.csv"]), r"notebook chart: input data/missing.csv does not exist"),
        (_changed(1, inputs=["figures/nobody.svg"]), r"input figures/nobody.svg is not an output of any notebook"),
        (_changed(1, inputs=["data/raw/p.csv"]), r"declare raw files as raw:<source id>"),
        (_changed(0, inputs=["figures/chart.svg"]), r"cycle: "),
        (_changed(1, name="bad name"), r"name: String should match pattern"),
        (_changed(1, parameters={"year": {"default": 2020, "min": 2030, "max": 2025, "help": "h"}}), r"is above max"),
        (_changed(1, parameters={"year": {"default": 1990, "min": 2000, "max": 2025, "help": "h"}}), r"out of range"),
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


# --- parameters --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"focus_yaer": 2023}, r"notebook 01_trade has no parameter focus_yaer; valid parameters: .*focus_year"),
        ({"focus_year": "2023"}, r"01_trade.focus_year: expected int .* got str '2023'; valid values are 2000 to 2025"),
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
    parsed = parse_overrides(
        ["01_trade.focus_year=2023", "01_trade.flow=__import__('os').system('x')", "02_x.neighbours=[RUS, CHN]"]
    )
    assert parsed == {
        "01_trade": {"focus_year": 2023, "flow": "__import__('os').system('x')"},
        "02_x": {"neighbours": ["RUS", "CHN"]},
    }
    with pytest.raises(PipelineError, match=r"expected NOTEBOOK\.NAME=VALUE"):
        parse_overrides(["focus_year=2023"])
    with pytest.raises(PipelineError, match=r"expected NOTEBOOK\.NAME=VALUE"):
        parse_overrides(["01_trade.focus year=2023"])


@pytest.mark.parametrize(
    ("items", "message"),
    [
        (["03_narrative.tolerance_pct=.nan"], r"tolerance_pct: nan is not a finite number; valid values are 0 to 100"),
        (["03_narrative.tolerance_pct=.inf"], r"inf is not a finite number; valid values are 0 to 100"),
        (["03_narrative.tolerance_pct=-.inf"], r"-inf is not a finite number"),
        (["03_narrative.tolerance_pct=1.0e+999"], r"inf is not a finite number"),
        (["01_trade.focus_year=.nan"], r"focus_year: expected int .* got float nan; valid values are 2000 to 2025"),
        (["01_trade.focus_year=" + "9" * 5000], r"the value is 5000 characters long; valid values are 2000 to 2025"),
        (["01_trade.flow=" + "x" * (MAX_VALUE_CHARS + 1)], r"characters long; valid choices are 'turnover'"),
        (["01_trade.top_n=5", "01_trade.top_n=6"], r"01_trade.top_n is given twice \(5 and 6\); give it once"),
        (["01_trade.flow=exports; rm -rf ~"], r"'exports; rm -rf ~' is not one of the valid choices"),
        (["01_trade.flow=!!python/object/apply:os.system [x]"], r"is not one of the valid choices"),
        (["01_trade.top_n=true"], r"top_n: expected int .* got bool True"),
        (["01_trade.focus_year=2023-01-01"], r"expected int .* got date"),
        (["05_energy_macro.neighbours=[RUS, [CHN]]"], r"\['CHN'\] is not an upper-case ISO 3166-1"),
        (["05_energy_macro.neighbours=[RUS, RUS]"], r"a value is listed twice"),
        (["05_energy_macro.neighbours=[]"], r"got 0 values \[\]; valid values are lists of 1 to 8 values"),
        (["02_investment.fdi_first_year=2015", "02_investment.fdi_last_year=2010"], r"must be before"),
        # the split chapters each own their parameters: a parameter of one is refused by the other
        (["02_investment.neighbours=[RUS, CHN]"], r"notebook 02_investment has no parameter neighbours; valid"),
        (["05_energy_macro.fdi_last_year=2019"], r"notebook 05_energy_macro has no parameter fdi_last_year"),
        (["04_nothing.x=1"], r"no notebook named '04_nothing'"),
    ],
)
def test_bad_command_line_values_are_one_line_naming_what_is_valid(root: Path, items: list[str], message: str) -> None:
    with pytest.raises(PipelineError, match=message) as err:
        parse_overrides(items, load_pipeline(root / "pipeline.yml"))
    assert "\n" not in str(err.value) and len(str(err.value)) < 400


def test_params_from_the_environment_are_split_into_words_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    env = {"KZMV_PARAMS": f"01_trade.top_n=5 02_x.neighbours='[RUS, CHN]' ; touch {marker} $(touch {marker})"}
    items = parameter_items(["01_trade.flow=exports"], env)
    assert items[:2] == ["01_trade.top_n=5", "02_x.neighbours=[RUS, CHN]"] and items[-1] == "01_trade.flow=exports"
    with pytest.raises(PipelineError, match=r"parameter ';': expected NOTEBOOK\.NAME=VALUE"):
        parse_overrides(items)
    assert not marker.exists()
    with pytest.raises(PipelineError, match=r"No closing quotation"):
        parameter_items([], {"KZMV_PARAMS": "01_trade.flow='exports"})


def test_notebook_parameter_cells_match_pipeline_defaults(root: Path) -> None:
    for step in load_pipeline(root / "pipeline.yml").notebooks:
        cell = inspect_notebook(str(root / step.path))
        assert set(cell) == set(step.parameters), step.name
        for name, spec in step.parameters.items():
            assert eval(cell[name]["default"]) == spec.default, f"{step.name}.{name}"


# --- every rule of a parameter is declared in pipeline.yml and checked by one function -------------

TRADE = {"focus_year": 2024, "top_n": 10, "flow": "turnover", "first_year": 2000, "last_year": 2025}
INVESTMENT = {"fdi_first_year": 2003, "fdi_last_year": 2021}
ENERGY_MACRO = {"neighbours": ["RUS", "UZB", "KGZ", "CHN", "TUR"], "macro_first_year": 2000, "macro_last_year": 2024}


def test_defaults_pass_as_a_notebook_checks_them() -> None:
    assert checked_parameters("01_trade", **TRADE) == TRADE
    assert checked_parameters("02_investment", **INVESTMENT) == INVESTMENT
    assert checked_parameters("05_energy_macro", **ENERGY_MACRO) == ENERGY_MACRO
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
        ("01_trade", {"flow": "exports\nimports"}, r"contains control characters"),
        (
            "02_investment",
            {"fdi_first_year": 2002},
            r"fdi_first_year: 2002 is out of range; valid values are 2003 to 2020",
        ),
        (
            "02_investment",
            {"fdi_last_year": 2022},
            r"fdi_last_year: 2022 is out of range; valid values are 2004 to 2021",
        ),
        (
            "02_investment",
            {"fdi_first_year": 2015, "fdi_last_year": 2010},
            r"fdi_first_year \(2015\) must be before fdi_last_year",
        ),
        (
            "05_energy_macro",
            {"macro_first_year": 2020, "macro_last_year": 2010},
            r"macro_first_year \(2020\) must be before",
        ),
        ("05_energy_macro", {"neighbours": "RUS"}, r"neighbours: expected list"),
        (
            "05_energy_macro",
            {"neighbours": []},
            r"neighbours: got 0 values \[\]; valid values are lists of 1 to 8",
        ),
        (
            "05_energy_macro",
            {"neighbours": ["RUS", "XXX"]},
            r"'XXX' is not an upper-case ISO 3166-1 alpha-3 country code",
        ),
        ("05_energy_macro", {"neighbours": ["rus"]}, r"'rus' is not an upper-case"),
        ("05_energy_macro", {"neighbours": ["KAZ"]}, r"leave out KAZ"),
        ("05_energy_macro", {"neighbours": ["RUS", "RUS"]}, r"listed twice"),
        ("05_energy_macro", {"neighbours": ["RUS"] * 9}, r"got 9 values"),
        ("05_energy_macro", {"macro_last_year": "2024"}, r"macro_last_year: expected int"),
        ("03_narrative", {"tolerance_pct": -1}, r"out of range; valid values are 0 to 100"),
        ("03_narrative", {"tolerance_pct": float("nan")}, r"nan is not a finite number; valid values are 0 to 100"),
        ("03_narrative", {"tolerance_pct": float("inf")}, r"inf is not a finite number"),
    ],
)
def test_bad_values_are_refused_naming_the_valid_ones(notebook: str, change: dict, message: str) -> None:
    values = {
        "01_trade": TRADE,
        "02_investment": INVESTMENT,
        "05_energy_macro": ENERGY_MACRO,
        "03_narrative": {"tolerance_pct": 10.0},
    }[notebook]
    with pytest.raises(PipelineError, match=message):
        checked_parameters(notebook, **{**values, **change})
    # the runner checks the same rules before any kernel starts
    with pytest.raises(PipelineError, match=message):
        load_pipeline().step(notebook).resolve(change)
