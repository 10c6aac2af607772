"""Notebook parameters: declared once in pipeline.yml, read from the command line as a person means them,
checked by one piece of code for the engine and for a notebook explored in JupyterLab alike."""

from __future__ import annotations

from pathlib import Path

import pytest
from papermill.inspection import inspect_notebook

from kzmv import params
from kzmv.cli import parameter_items
from kzmv.engine.pipeline import load_pipeline, parse_overrides
from kzmv.errors import PipelineError


@pytest.fixture(scope="module")
def pipeline(root: Path):  # type: ignore[no-untyped-def]
    return load_pipeline(root / "pipeline.yml")


# --- the command line: decimal numbers only, never YAML 1.1 ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2023", 2023),
        ("010", 10),  # leading zeros are decimal, never octal
        ("+12", 12),
        (" 7 ", 7),
    ],
)
def test_a_whole_number_is_read_in_decimal(pipeline, text: str, value: int) -> None:  # type: ignore[no-untyped-def]
    name = "focus_year" if value > 1000 else "top_n"
    assert parse_overrides([f"01_trade.{name}={text}"], pipeline) == {"01_trade": {name: value}}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0x10", r"'0x10' is not a decimal whole number: hexadecimal numbers are not read"),
        ("0o10", r"'0o10' is not a decimal whole number: octal numbers are not read"),
        ("0b101", r"'0b101' is not a decimal whole number: binary numbers are not read"),
        ("1:30", r"'1:30' is not a decimal whole number: base-60 \(sexagesimal\) numbers are not read"),
        ("1_0", r"'1_0' is not a decimal whole number: digits grouped with underscores are not read"),
        ("yes", r"expected a decimal whole number, got 'yes'"),
        ("true", r"expected a decimal whole number, got 'true'"),
        ("10.5", r"'10.5' is not a whole number"),
        ("1e1", r"'1e1' is not a whole number"),
        ("", r"expected a decimal whole number, got ''"),
    ],
)
def test_other_notations_of_a_number_are_refused_saying_which(pipeline, text: str, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PipelineError, match=rf"parameter 01_trade.top_n: {message}.*; valid values are 1 to 40"):
        parse_overrides([f"01_trade.top_n={text}"], pipeline)


def test_the_referees_cases_never_become_other_numbers(pipeline) -> None:  # type: ignore[no-untyped-def]
    """YAML 1.1 read these as 8, 16 and 2023; a user who types a number gets that number or a refusal."""
    assert parse_overrides(["01_trade.top_n=010"], pipeline)["01_trade"]["top_n"] == 10
    for item in ("01_trade.top_n=0x10", "01_trade.focus_year=0x7E7", "01_trade.focus_year=33:43:00"):
        with pytest.raises(PipelineError, match=r"is not a decimal whole number"):
            parse_overrides([item], pipeline)


@pytest.mark.parametrize(
    ("text", "value"), [("12", 12.0), ("12.5", 12.5), ("1e1", 10.0), (".5", 0.5), ("0012.50", 12.5)]
)
def test_a_decimal_number_is_read_as_written(pipeline, text: str, value: float) -> None:  # type: ignore[no-untyped-def]
    assert parse_overrides([f"03_narrative.tolerance_pct={text}"], pipeline) == {
        "03_narrative": {"tolerance_pct": value}
    }


@pytest.mark.parametrize(
    ("items", "message"),
    [
        (
            ["03_narrative.tolerance_pct=.nan"],
            r"tolerance_pct: '.nan' is not a finite number; valid values are 0 to 100",
        ),
        (["03_narrative.tolerance_pct=nan"], r"'nan' is not a finite number"),
        (["03_narrative.tolerance_pct=.inf"], r"'.inf' is not a finite number; valid values are 0 to 100"),
        (["03_narrative.tolerance_pct=-inf"], r"'-inf' is not a finite number"),
        (["03_narrative.tolerance_pct=1.0e+999"], r"inf is not a finite number"),
        (["03_narrative.tolerance_pct=0x1p3"], r"hexadecimal numbers are not read"),
        (["03_narrative.tolerance_pct=ten"], r"expected a decimal number, got 'ten'"),
        (["01_trade.focus_year=" + "9" * 5000], r"the value is 5000 characters long; valid values are 2000 to 2025"),
        (["01_trade.flow=" + "x" * (params.MAX_VALUE_CHARS + 1)], r"characters long; valid choices are 'turnover'"),
        (["01_trade.top_n=5", "01_trade.top_n=6"], r"01_trade.top_n is given twice \(5 and 6\); give it once"),
        (["01_trade.flow=exports; rm -rf ~"], r"'exports; rm -rf ~' is not one of the valid choices"),
        (["01_trade.flow=!!python/object/apply:os.system [x]"], r"is not one of the valid choices"),
        (["01_trade.focus_year=2023-01-01"], r"expected a decimal whole number, got '2023-01-01'"),
        (["01_trade.focus_year=1999"], r"01_trade.focus_year: 1999 is out of range; valid values are 2000 to 2025"),
        (["05_energy_macro.neighbours=[RUS, [CHN]]"], r"'\[CHN\]' is not an upper-case ISO 3166-1"),
        (["05_energy_macro.neighbours=[RUS, RUS]"], r"a value is listed twice"),
        (["05_energy_macro.neighbours=[]"], r"got 0 values \[\]; valid values are lists of 1 to 8 values"),
        (["05_energy_macro.neighbours=rus"], r"'rus' is not an upper-case"),
        (["02_investment.fdi_first_year=2015", "02_investment.fdi_last_year=2010"], r"must be before"),
        # the split chapters each own their parameters: a parameter of one is refused by the other
        (["02_investment.neighbours=[RUS, CHN]"], r"notebook 02_investment has no parameter neighbours; valid"),
        (["05_energy_macro.fdi_last_year=2019"], r"notebook 05_energy_macro has no parameter fdi_last_year"),
        (["04_nothing.x=1"], r"no notebook named '04_nothing'"),
        (["focus_year=2023"], r"expected NOTEBOOK\.NAME=VALUE"),
        (["01_trade.focus year=2023"], r"expected NOTEBOOK\.NAME=VALUE"),
    ],
)
def test_bad_command_line_values_are_one_line_naming_what_is_valid(pipeline, items: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PipelineError, match=message) as err:
        parse_overrides(items, pipeline)
    assert "\n" not in str(err.value) and len(str(err.value)) < 400


def test_lists_and_quoted_words_are_read_as_data_never_code(pipeline) -> None:  # type: ignore[no-untyped-def]
    parsed = parse_overrides(
        ["05_energy_macro.neighbours=[RUS, 'CHN']", "04_politics_security.peers=KGZ,UZB", "01_trade.flow='exports'"],
        pipeline,
    )
    assert parsed == {
        "05_energy_macro": {"neighbours": ["RUS", "CHN"]},
        "04_politics_security": {"peers": ["KGZ", "UZB"]},
        "01_trade": {"flow": "exports"},
    }


def test_params_from_the_environment_are_split_into_words_never_run(pipeline, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    marker = tmp_path / "ran"
    env = {
        "KZMV_PARAMS": f"01_trade.top_n=5 05_energy_macro.neighbours='[RUS, CHN]' ; touch {marker} $(touch {marker})"
    }
    items = parameter_items(["01_trade.flow=exports"], env)
    assert items[:2] == ["01_trade.top_n=5", "05_energy_macro.neighbours=[RUS, CHN]"]
    assert items[-1] == "01_trade.flow=exports"
    with pytest.raises(PipelineError, match=r"parameter ';': expected NOTEBOOK\.NAME=VALUE"):
        parse_overrides(items, pipeline)
    assert not marker.exists()
    with pytest.raises(PipelineError, match=r"No closing quotation"):
        parameter_items([], {"KZMV_PARAMS": "01_trade.flow='exports"})


# --- the generated parameters cell ------------------------------------------------------------------------


def test_each_notebooks_cell_gives_the_declared_defaults_to_papermill(root: Path, pipeline) -> None:  # type: ignore[no-untyped-def]
    """papermill reads the generated cell as the notebook's parameters: the declared names and defaults."""
    for step in pipeline.notebooks:
        cell = inspect_notebook(str(root / step.path))
        assert set(cell) == set(step.parameters), step.name
        for name, spec in step.parameters.items():
            assert eval(cell[name]["default"]) == spec.default, f"{step.name}.{name}"
            assert spec.help in cell[name]["help"], "the help is the comment beside the default"


def test_the_generated_cell_shows_default_help_and_range() -> None:
    spec = params.ParameterSpec(default=["RUS", "CHN"], help="Neighbours", items="iso3", min_items=1, max_items=8)
    flow = params.ParameterSpec(default="turnover", help="Flow", choices=["turnover", "exports"])
    cell = params.parameters_cell({"neighbours": spec, "flow": flow})
    assert cell.splitlines()[1:] == [
        'neighbours = ["RUS", "CHN"]  # Neighbours (1 to 8 ISO3 codes)',
        'flow = "turnover"  # Flow (turnover | exports)',
    ]
    assert params.parameters_cell({}).startswith("# Parameters") and "none" in params.parameters_cell({})


# --- what a notebook calls ------------------------------------------------------------------------------

TRADE = {"focus_year": 2024, "top_n": 10, "flow": "turnover", "first_year": 2000, "last_year": 2025}
INVESTMENT = {"fdi_first_year": 2003, "fdi_last_year": 2021}
ENERGY_MACRO = {"neighbours": ["RUS", "UZB", "KGZ", "CHN", "TUR"], "macro_first_year": 2000, "macro_last_year": 2024}


def test_defaults_pass_as_a_notebook_checks_them() -> None:
    assert dict(params.checked("01_trade", {**TRADE, "unrelated": object()})) == TRADE
    assert dict(params.checked("02_investment", INVESTMENT)) == INVESTMENT
    assert dict(params.checked("05_energy_macro", ENERGY_MACRO)) == ENERGY_MACRO
    checked = params.checked("03_narrative", {"tolerance_pct": 12})
    assert checked.tolerance_pct == 12.0 and isinstance(checked.tolerance_pct, float), "an int becomes the float"
    with pytest.raises(AttributeError, match=r"no parameter 'tolerance'"):
        _ = checked.tolerance


def test_a_parameter_missing_from_the_namespace_is_named() -> None:
    with pytest.raises(PipelineError, match=r"notebook 01_trade: parameter\(s\) flow, top_n not set"):
        params.checked("01_trade", {k: v for k, v in TRADE.items() if k not in ("top_n", "flow")})


@pytest.mark.parametrize(
    ("notebook", "change", "message"),
    [
        ("01_trade", {"focus_year": 1990}, r"focus_year: 1990 is out of range; valid values are 2000 to 2025"),
        ("01_trade", {"top_n": 0}, r"top_n: 0 is out of range; valid values are 1 to 40"),
        ("01_trade", {"flow": "bogus"}, r"'bogus' is not one of the valid choices 'turnover', 'exports', 'imports'"),
        ("01_trade", {"last_year": 2030}, r"last_year: 2030 is out of range"),
        ("01_trade", {"first_year": 2020, "last_year": 2010}, r"first_year \(2020\) must be before last_year \(2010\)"),
        ("01_trade", {"focus_year": "2024"}, r"expected int"),
        ("01_trade", {"top_n": True}, r"top_n: expected int .* got bool True"),
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
        ("02_investment", {"fdi_first_year": 2015, "fdi_last_year": 2010}, r"fdi_first_year \(2015\) must be before"),
        ("05_energy_macro", {"macro_first_year": 2020, "macro_last_year": 2010}, r"macro_first_year \(2020\) must be"),
        ("05_energy_macro", {"neighbours": "RUS"}, r"neighbours: expected list"),
        ("05_energy_macro", {"neighbours": []}, r"neighbours: got 0 values \[\]; valid values are lists of 1 to 8"),
        ("05_energy_macro", {"neighbours": ["RUS", "XXX"]}, r"'XXX' is not an upper-case ISO 3166-1 alpha-3 country"),
        ("05_energy_macro", {"neighbours": ["KAZ"]}, r"leave out KAZ"),
        ("05_energy_macro", {"neighbours": ["RUS", "RUS"]}, r"listed twice"),
        ("05_energy_macro", {"neighbours": ["RUS"] * 9}, r"got 9 values"),
        ("03_narrative", {"tolerance_pct": -1}, r"out of range; valid values are 0 to 100"),
        ("03_narrative", {"tolerance_pct": float("nan")}, r"nan is not a finite number; valid values are 0 to 100"),
        ("03_narrative", {"tolerance_pct": float("inf")}, r"inf is not a finite number"),
    ],
)
def test_bad_values_are_refused_naming_the_valid_ones(notebook: str, change: dict, message: str, pipeline) -> None:  # type: ignore[no-untyped-def]
    values = {
        "01_trade": TRADE,
        "02_investment": INVESTMENT,
        "05_energy_macro": ENERGY_MACRO,
        "03_narrative": {"tolerance_pct": 10.0},
    }[notebook]
    with pytest.raises(PipelineError, match=message):
        params.checked(notebook, {**values, **change})
    # the engine checks the same rules before any kernel starts
    with pytest.raises(PipelineError, match=message):
        pipeline.step(notebook).resolve(change)


def test_the_params_module_never_imports_the_engine() -> None:
    """A notebook run from JupyterLab checks its parameters without loading the engine."""
    import subprocess
    import sys

    code = "import sys, kzmv.params; print(any(m.startswith('kzmv.engine') for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "False\n"
