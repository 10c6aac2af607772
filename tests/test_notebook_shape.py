"""Every notebook in pipeline.yml reads as a story: the shape rules of the developers' guide, as a test.

- no outputs in the source notebook (the executed copies live in report/notebooks);
- one ``parameters`` cell, and the first step after it checks them with ``params.checked``;
- a markdown lead before every code cell after the imports and the parameters;
- no code cell longer than ten lines (blank lines and comments aside), so prose built from
  numbers lives in tested functions of the story layer, not in the notebook;
- no year typed into code outside the parameters cell: years come from the data or from
  ``kzmv.analysis.periods``;
- at most one ``record``/``record_all`` call per cell, so that what the tests read back costs a
  reader one line of bookkeeping, not one line per value (several values go in one ``record_all``).

New notebooks are held to the rules as soon as pipeline.yml lists them.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

import nbformat
import pytest

from kzmv.engine.pipeline import load_pipeline

ROOT = Path(__file__).resolve().parents[1]
STEPS = load_pipeline(ROOT / "pipeline.yml").notebooks
MAX_CODE_LINES = 10
MAX_RECORD_CALLS = 1
RECORDERS = frozenset({"record", "record_all"})  # kzmv.story.display's ways of recording values for the tests
YEAR = re.compile(r"(?<!\d)(?:199\d|20[0-3]\d)(?!\d)")


def _is_parameters(cell: nbformat.NotebookNode) -> bool:
    return "parameters" in cell.metadata.get("tags", [])


def code_lines(source: str) -> int:
    """Lines of a code cell that are neither blank nor comments."""
    return sum(1 for line in source.splitlines() if line.strip() and not line.strip().startswith("#"))


def year_literals(source: str) -> list[str]:
    """Four-digit years (1990-2039) typed into code: in number or string literals, not in names or comments.

    Tokenised, so that ``SHOCKS_OF_2022`` (a name) and ``# 2025 is preliminary`` (a comment) are
    not literals, while ``2024``, ``"2024"`` and ``f"in 2024"`` are. Cell magics that Python
    cannot tokenise are checked as plain text, comments included, rather than skipped.
    """
    literal_types = {tokenize.NUMBER, tokenize.STRING}
    literal_types |= {getattr(tokenize, "FSTRING_MIDDLE", tokenize.STRING)}  # Python 3.12+ splits f-strings
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return YEAR.findall(source)
    return [year for t in tokens if t.type in literal_types for year in YEAR.findall(t.string)]


def record_calls(source: str) -> int:
    """How many times ``source`` calls ``record`` or ``record_all`` (as a name or an attribute, at any depth).

    Counted in the syntax tree, so a call in a loop counts once per place it is written (a loop
    recording one value per pass is one call written, but it still writes one output per value:
    such a loop is itself flagged as a record call inside a loop). Cells Python cannot parse count
    every textual ``record(`` and ``record_all(``.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return len(re.findall(r"\brecord(?:_all)?\(", source))
    calls = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            calls += called in RECORDERS
    return calls


def records_in_a_loop(source: str) -> bool:
    """Whether ``source`` calls ``record``/``record_all`` inside a loop or comprehension (one line, many records)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    loops = (ast.For, ast.While, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
    for loop in (n for n in ast.walk(tree) if isinstance(n, loops)):
        for node in ast.walk(loop):
            if isinstance(node, ast.Call):
                func = node.func
                if (func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)) in RECORDERS:
                    return True
    return False


def checks_parameters(source: str, name: str) -> bool:
    """Whether ``source`` calls ``params.checked`` with the notebook's own name first."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            first = node.args[0] if node.args else None
            if called == "checked" and isinstance(first, ast.Constant) and first.value == name:
                return True
    return False


def basic_problems(nb: nbformat.NotebookNode) -> list[str]:
    """The rules every notebook keeps, exempt or not: saved clean, a title, one parameters cell, no dead cells."""
    problems = [
        f"cell {cell.get('id')}: has outputs or an execution count (clear them before committing)"
        for cell in nb.cells
        if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count") is not None)
    ]
    cells = nb.cells
    if not cells or cells[0].cell_type != "markdown" or not cells[0].source.startswith("# "):
        problems.append("the notebook does not open with a titled markdown lead ('# ...')")
    params = [c for c in cells if c.cell_type == "code" and _is_parameters(c)]
    if len(params) != 1:
        problems.append(f"{len(params)} cells are tagged 'parameters'; exactly one must be")
    problems += [
        f"cell {c.get('id')}: empty code cell (a dead cell)"
        for c in cells
        if c.cell_type == "code" and not c.source.strip()
    ]
    return problems


def story_problems(nb: nbformat.NotebookNode, name: str) -> list[str]:
    """The rules that make ``nb`` (the notebook of step ``name``) read as a story, one line per breach."""
    cells, problems = nb.cells, []
    params = [i for i, c in enumerate(cells) if c.cell_type == "code" and _is_parameters(c)]
    codes = [i for i, c in enumerate(cells) if c.cell_type == "code"]
    after = [i for i in codes if params and i > params[0]]
    if not after or not checks_parameters(cells[after[0]].source, name):
        problems.append(f"the first code cell after the parameters does not call params.checked({name!r}, ...)")
    for i in codes:
        cell, label = cells[i], f"cell {cells[i].get('id')}"
        if i in params:
            continue
        if i != codes[0] and cells[i - 1].cell_type != "markdown":
            problems.append(f"{label}: no markdown lead directly above it")
        if (n := code_lines(cell.source)) > MAX_CODE_LINES:
            problems.append(f"{label}: {n} code lines (at most {MAX_CODE_LINES}; move prose into the story layer)")
        if years := year_literals(cell.source):
            problems.append(
                f"{label}: year(s) typed into code: {', '.join(years)} (use the data or kzmv.analysis.periods)"
            )
        if (n := record_calls(cell.source)) > MAX_RECORD_CALLS:
            problems.append(
                f"{label}: {n} record calls (at most {MAX_RECORD_CALLS}; record several values with one record_all)"
            )
        if records_in_a_loop(cell.source):
            problems.append(f"{label}: records in a loop (record the values with one record_all call)")
    return problems


def shape_problems(nb: nbformat.NotebookNode, name: str) -> list[str]:
    """Every way ``nb`` breaks the rules: the basic ones, then the story ones."""
    return basic_problems(nb) + story_problems(nb, name)


@pytest.mark.parametrize("step", STEPS, ids=lambda s: s.name)
def test_every_notebook_is_saved_clean_with_a_title_and_one_parameters_cell(step) -> None:
    nb = nbformat.read(ROOT / step.path, as_version=4)
    assert basic_problems(nb) == [], step.path


@pytest.mark.parametrize("step", STEPS, ids=lambda s: s.name)
def test_notebook_reads_as_a_story(step) -> None:
    nb = nbformat.read(ROOT / step.path, as_version=4)
    assert story_problems(nb, step.name) == [], step.path


def _toy(*cells: tuple[str, str], tags: dict[int, list[str]] | None = None) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    for i, (kind, source) in enumerate(cells):
        cell = nbformat.v4.new_markdown_cell(source) if kind == "md" else nbformat.v4.new_code_cell(source)
        cell["id"] = f"c{i}"
        if tags and i in tags:
            cell.metadata["tags"] = tags[i]
        nb.cells.append(cell)
    return nb


GOOD = (
    ("md", "# Toy\n\nA toy chapter."),
    ("code", "from kzmv import params\nfrom kzmv.analysis import periods"),
    ("code", "year = 2024  # a year is fine here"),
    ("md", "The parameters are checked first."),
    ("code", 'p = params.checked("toy", vars())'),
    ("md", "The comparison runs from the pre-war base."),
    ("code", "# SHOCKS_OF_2022 is a name, and this a comment about 2022\nbase = periods.BASE_YEAR\nrecent = year"),
    ("md", "What the comparison comes to."),
    ("code", "say(f(base, recent))\nrecord_all(summary(base, recent), recent_year=recent)"),
)


def test_a_notebook_that_keeps_the_rules_passes() -> None:
    assert shape_problems(_toy(*GOOD, tags={2: ["parameters"]}), "toy") == []


def test_a_bad_toy_notebook_breaks_every_rule() -> None:
    long_cell = "\n".join(f"x{i} = {i}" for i in range(11))
    nb = _toy(
        ("md", "No title here"),
        ("code", "import pandas as pd"),
        ("code", "year = 2024"),
        ("code", "print(year)"),  # the first step after the parameters does not check them
        ("code", long_cell),  # no lead, and eleven lines
        ("md", "A lead."),
        ("code", 'recent = 2024\nlabel = f"in {recent} and 2021"\nname = "share_2023_pct"'),
        ("md", "A lead."),
        ("code", "  "),
        ("md", "A lead."),
        ("code", 'record("a", 1)\ndisplay.record("b", 2)\nrecord_all(c=3)'),
        ("md", "A lead."),
        ("code", "for name, value in values.items():\n    record(name, value)"),
        tags={2: ["parameters"]},
    )
    nb.cells[3].outputs = [nbformat.v4.new_output("stream", text="2024\n")]
    nb.cells[3].execution_count = 1
    problems = shape_problems(nb, "toy")
    assert problems == [
        "cell c3: has outputs or an execution count (clear them before committing)",
        "the notebook does not open with a titled markdown lead ('# ...')",
        "cell c8: empty code cell (a dead cell)",
        "the first code cell after the parameters does not call params.checked('toy', ...)",
        "cell c3: no markdown lead directly above it",
        "cell c4: no markdown lead directly above it",
        "cell c4: 11 code lines (at most 10; move prose into the story layer)",
        "cell c6: year(s) typed into code: 2024, 2021, 2023 (use the data or kzmv.analysis.periods)",
        "cell c10: 3 record calls (at most 1; record several values with one record_all)",
        "cell c12: records in a loop (record the values with one record_all call)",
    ]


def test_parameters_must_be_checked_under_the_notebooks_own_name() -> None:
    cells = list(GOOD)
    cells[4] = ("code", 'p = params.checked("01_trade", vars())')
    assert shape_problems(_toy(*cells, tags={2: ["parameters"]}), "toy") == [
        "the first code cell after the parameters does not call params.checked('toy', ...)"
    ]


def test_a_notebook_without_a_parameters_cell_is_reported() -> None:
    problems = shape_problems(_toy(GOOD[0], GOOD[1]), "toy")
    assert problems == [
        "0 cells are tagged 'parameters'; exactly one must be",
        "the first code cell after the parameters does not call params.checked('toy', ...)",
    ]


def test_comments_and_names_are_not_year_literals_but_magics_are_checked() -> None:
    assert year_literals("# 2024\nSHOCKS_OF_2022 = 1\nx = 12024") == []
    assert year_literals("x = 1999 + 2040") == ["1999"]
    assert year_literals("%time run(2024)") == ["2024"]
    assert year_literals('label = "in 2024') == ["2024"], "an unterminated string is still searched"
    assert code_lines("# a comment\n\nx = 1\n  # indented comment\ny = 2") == 2


def test_record_calls_are_counted_wherever_they_are_written() -> None:
    assert record_calls('record("a", 1)') == 1 and record_calls("record_all(x, y=2)") == 1
    assert record_calls('show(record_all(a=1))\ndisplay.record("b", 2)') == 2, "nested and attribute calls count"
    assert record_calls("recorded(path)\nrecord_all") == 0, "a name that is not called, or another function, is not"
    assert record_calls('%time record("a", 1)\nrecord_all(b=2)') == 2, "an unparsable cell is searched as text"
    assert records_in_a_loop("[record(n, v) for n, v in x]") and not records_in_a_loop("record_all(**x)")
