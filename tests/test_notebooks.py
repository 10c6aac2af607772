"""Executed notebooks exist for every step and come from the defaults (the source notebooks' shape: test_notebook_shape)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from kzmv.engine.pipeline import load_pipeline

ROOT = Path(__file__).resolve().parents[1]
STEPS = load_pipeline(ROOT / "pipeline.yml").notebooks


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
