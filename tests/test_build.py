"""The runner on a toy project: atomic publish, failures, incremental skips."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest

from kzmv.build.runner import build, clean_executed, output_digests
from kzmv.errors import PipelineError

WRITE_FIGURE = """from kzmv import paths
out = paths.figures_dir() / "toy.txt"
out.write_text(f"value={value}")
"""


@pytest.fixture
def toy(tmp_path: Path, root: Path, monkeypatch: pytest.MonkeyPatch, toy_notebook: Callable[..., None]) -> Path:
    """A minimal project: one notebook writing figures/toy.txt, an empty manifest, published outputs."""
    proj = tmp_path / "proj"
    (proj / "notebooks").mkdir(parents=True)
    (proj / "data").mkdir()
    (proj / "data" / "sources.yml").write_text("sources: []\n")
    shutil.copy(root / "data" / "dictionary.yml", proj / "data" / "dictionary.yml")
    (proj / "pipeline.yml").write_text(
        "report: {title: Toy, kicker: k, subtitle: s, data_note: d, citation: c}\n"
        "notebooks:\n"
        "  - name: toy\n    path: notebooks/toy.ipynb\n    title: Toy\n"
        "    parameters: {value: {default: 1, min: 0, max: 9, help: a value}}\n"
        "    outputs: [figures/toy.txt]\n"
    )
    toy_notebook(proj / "notebooks" / "toy.ipynb", WRITE_FIGURE)
    for rel, text in {
        "figures/toy.txt": "OLD",
        "report/index.html": "OLD REPORT",
        "data/processed/t.csv": "a\n1\n",
    }.items():
        (proj / rel).parent.mkdir(parents=True, exist_ok=True)
        (proj / rel).write_text(text)
    monkeypatch.setenv("KZMV_PROJECT_ROOT", str(proj))
    monkeypatch.setenv("KZMV_RAW_DIR", str(proj / "data" / "raw"))
    return proj


def test_success_publishes_then_a_rerun_skips(toy: Path) -> None:
    first = build(log=lambda m: None)
    assert first.ran == ["toy"] and first.rendered
    assert (toy / "figures" / "toy.txt").read_text() == "value=1"
    assert (toy / "data" / "processed" / "t.csv").read_text() == "a\n1\n", "untouched outputs survive"
    assert '<h2 id="toy">Toy</h2>' in (toy / "report" / "index.html").read_text()
    second = build(log=lambda m: None)
    assert second.ran == [] and second.skipped == ["toy"] and not second.rendered


def test_a_changed_parameter_reruns(toy: Path) -> None:
    build(log=lambda m: None)
    again = build(overrides={"toy": {"value": 7}}, log=lambda m: None)
    assert again.ran == ["toy"]
    assert (toy / "figures" / "toy.txt").read_text() == "value=7"


def test_a_failing_cell_leaves_published_outputs_untouched(toy: Path, toy_notebook: Callable[..., None]) -> None:
    toy_notebook(toy / "notebooks" / "toy.ipynb", WRITE_FIGURE + "raise ValueError('boom in the toy')")
    before = output_digests(toy)
    with pytest.raises(PipelineError) as err:
        build(log=lambda m: None)
    message = str(err.value)
    assert (
        "notebook toy failed in cell 3 (`from kzmv import paths`)" in message
        and "ValueError: boom in the toy" in message
    )
    assert (toy / ".build" / "failed" / "toy.ipynb").is_file(), "the failed notebook is kept for inspection"
    assert output_digests(toy) == before


def test_a_pipeline_error_in_a_notebook_is_shown_as_its_message(toy: Path, toy_notebook: Callable[..., None]) -> None:
    toy_notebook(
        toy / "notebooks" / "toy.ipynb",
        "from kzmv.errors import PipelineError\nraise PipelineError('year 1990 is not in the data')",
    )
    with pytest.raises(PipelineError, match=r"failed in cell 3 .*\nyear 1990 is not in the data"):
        build(log=lambda m: None)


def test_bad_parameters_fail_before_any_kernel_starts(toy: Path) -> None:
    with pytest.raises(PipelineError, match="valid values are 0 to 9"):
        build(overrides={"toy": {"value": 99}}, log=lambda m: None)
    assert not (toy / ".build" / "stage").exists()


def test_clean_executed_strips_volatile_metadata() -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["papermill"] = {"parameters": {"a": 1}, "start_time": "2026-01-01", "input_path": "/abs/x.ipynb"}
    cell = nbformat.v4.new_code_cell("1", metadata={"tags": ["injected-parameters"], "papermill": {"duration": 1.0}})
    cell.metadata["execution"] = {"iopub.execute_input": "2026-01-01T00:00:00"}
    nb.cells = [cell]
    cleaned = clean_executed(nb)
    text = json.dumps(cleaned)
    assert "2026-01-01" not in text and "/abs/" not in text and "duration" not in text
    assert cleaned.metadata["papermill"] == {"parameters": {"a": 1}}
    assert cleaned.cells[0]["id"] == "injected-parameters"
