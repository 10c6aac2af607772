"""Source notebooks read as a story and carry no outputs; executed ones exist for every step."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from kzmv.build.spec import load_pipeline

ROOT = Path(__file__).resolve().parents[1]
STEPS = load_pipeline(ROOT / "pipeline.yml").notebooks


@pytest.mark.parametrize("step", STEPS, ids=lambda s: s.name)
def test_source_notebook_has_no_outputs(step) -> None:
    nb = nbformat.read(ROOT / step.path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, f"{step.path}: cell {cell.get('id')} has outputs"


@pytest.mark.parametrize("step", STEPS, ids=lambda s: s.name)
def test_notebook_reads_as_a_story(step) -> None:
    nb = nbformat.read(ROOT / step.path, as_version=4)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# "), "opens with a titled lead"
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, "exactly one papermill parameters cell"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.source.strip() for c in code), "no empty (dead) code cells"
    for previous, cell in zip(nb.cells, nb.cells[1:], strict=False):
        if cell.cell_type == "code" and "parameters" not in cell.metadata.get("tags", []):
            assert previous.cell_type == "markdown" or previous.cell_type == "code", "cells are ordered"
    longest = max(len(c.source.splitlines()) for c in code)
    assert longest <= 25, f"thin cells: the longest code cell has {longest} lines"


@pytest.mark.parametrize("step", STEPS, ids=lambda s: s.name)
def test_every_step_has_an_executed_notebook(step) -> None:
    executed = ROOT / "report" / "notebooks" / f"{step.name}.ipynb"
    nb = nbformat.read(executed, as_version=4)
    assert any(c.get("outputs") for c in nb.cells if c.cell_type == "code")
    text = executed.read_text()
    assert "start_time" not in text and str(ROOT) not in text, "no timestamps or absolute paths in executed notebooks"


@pytest.mark.parametrize("step", STEPS, ids=lambda s: s.name)
def test_committed_outputs_come_from_the_default_parameters(step) -> None:
    """What JupyterLab runs (the notebook's defaults) is what the committed report shows."""
    executed = nbformat.read(ROOT / "report" / "notebooks" / f"{step.name}.ipynb", as_version=4)
    used = executed.metadata.get("papermill", {}).get("parameters", {})
    assert used == {name: spec.default for name, spec in step.parameters.items()}
