"""The argument chapter run end to end with papermill, with a non-default tolerance."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd
import pytest

from kzmv.analysis.claims import MEASURES, assess, measured_value
from kzmv.data.claims_register import Claim, load_register, required_tables
from kzmv.data.evidence import load_tables
from kzmv.data.manifest import load_manifest
from kzmv.data.tables import load_dictionary
from kzmv.engine.pipeline import Pipeline, load_pipeline
from kzmv.engine.render import _Renderer, notebook_sections
from kzmv.story import claims

ROOT = Path(__file__).resolve().parents[1]
NAME = "03_narrative"
TOLERANCE = 20.0


def upstream_to_run(pipeline: Pipeline, name: str, out: Path) -> list[str]:
    """Ancestors of ``name`` whose declared outputs are not all in the output copy, in run order.

    The isolated copy holds only what is published; before the lead's first
    full build the other chapters' tables are not there yet, so they are made
    here the same way the runner makes them.
    """
    deps = pipeline.dependencies()
    ancestors: set[str] = set()
    todo = [name]
    while todo:
        for parent in deps[todo.pop()]:
            if parent not in ancestors:
                ancestors.add(parent)
                todo.append(parent)
    missing = [
        step
        for step in pipeline.order()
        if step in ancestors and not all((out / o).is_file() for o in pipeline.step(step).outputs)
    ]
    return missing


def test_chapter_runs_with_another_tolerance(
    run_notebook: Callable[..., dict[str, Any]], isolated_outputs: Path, tmp_path: Path
) -> None:
    """One papermill run (slow), checked three ways below."""
    pipeline = load_pipeline(ROOT / "pipeline.yml")
    for step in upstream_to_run(pipeline, NAME, isolated_outputs):
        run_notebook(step)
    values = run_notebook(NAME, tolerance_pct=TOLERANCE)
    register = load_register(MEASURES, ROOT / "data" / "claims.yml")
    check_verdicts_follow_the_tolerance(values, register, isolated_outputs)
    check_written_ledger(values, register, isolated_outputs)
    check_links(isolated_outputs, tmp_path / f"{NAME}.executed.ipynb")


def check_verdicts_follow_the_tolerance(values: dict[str, Any], register: list[Claim], out: Path) -> None:
    """The recorded verdicts are the register's judged at the run's tolerance, and differ from the default's."""
    assert values["tolerance_pct"] == TOLERANCE
    tables = load_tables(required_tables(register, MEASURES), out / "data" / "processed")
    at_run = {a.claim.claim_id: a.verdict for a in assess(register, tables, TOLERANCE)}
    at_default = {a.claim.claim_id: a.verdict for a in assess(register, tables, 10.0)}
    assert values["verdicts"] == at_run
    assert at_default != values["verdicts"], "the tolerance, one of the dimensions, should move at least one verdict"
    assert sum(values["verdict_counts"].values()) == len(register)


def check_written_ledger(values: dict[str, Any], register: list[Claim], out: Path) -> None:
    """The CSV has the schema, matches what was recorded, and every measured value is recomputed."""
    ledger = pd.read_csv(out / "data" / "processed" / "claims.csv")
    known = set(load_manifest(ROOT / "data" / "sources.yml")) | set(load_dictionary(ROOT / "data" / "dictionary.yml"))
    claims.check_ledger(ledger, register, known)
    assert dict(zip(ledger["claim_id"], ledger["verdict"], strict=True)) == values["verdicts"]
    tables = load_tables(required_tables(register, MEASURES), out / "data" / "processed")
    for claim, measured in zip(register, ledger["measured"], strict=True):
        value = measured_value(claim, tables)
        if value is None:
            assert pd.isna(measured), claim.claim_id
        else:
            assert measured == pytest.approx(value, rel=1e-5), claim.claim_id


def check_links(out: Path, notebook: Path) -> None:
    """Downloads and figure links are relative and resolve; nothing points off the page."""
    assert (out / "figures" / "narrative_timeline.svg").is_file()
    assert (out / "figures" / "ledger_specifications.svg").is_file()
    assert (out / "data" / "processed" / "claim_specifications.csv").is_file()
    nb = nbformat.read(notebook, as_version=4)
    text = json.dumps([c.get("outputs", []) for c in nb.cells])
    assert "../data/processed/claims.csv" in text and "../figures/narrative_timeline.svg" in text
    page = "".join(notebook_sections(nb, _Renderer(), NAME))
    assert 'id="fig-narrative_timeline"' in page and 'id="fig-ledger_specifications"' in page
    assert not re.search(r"""(src|href)=["']https?://""", page), "the chapter links only within the report"
    for name in re.findall(r'href="#fig-([^"]+)"', page):
        assert (out / "figures" / f"{name}.svg").is_file(), f"link to a figure that was not made: {name}"


YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def test_the_chapter_reads_as_the_story() -> None:
    """Issue 12's notebook rules for 03: thin cells, a lead before each, no typed years, no dead cells."""
    nb = nbformat.read(ROOT / "notebooks" / f"{NAME}.ipynb", as_version=4)
    previous = None
    for cell in nb.cells:
        if cell.cell_type == "code":
            parameters = "parameters" in cell.metadata.get("tags", [])
            assert cell.source.strip(), "no empty code cells"
            assert not cell.outputs and cell.execution_count is None, "no outputs in the source notebook"
            assert len(cell.source.splitlines()) <= 10, f"a code cell of {len(cell.source.splitlines())} lines"
            if not parameters:
                assert not YEAR.search(cell.source), f"a year typed in code: {cell.source!r}"
                assert previous is not None and previous.cell_type == "markdown", f"no lead before {cell.source[:40]!r}"
        previous = cell
