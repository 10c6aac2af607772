"""Exploring never changes the published report.

A reader opens a notebook in JupyterLab (``make lab``: a kernel started in
``notebooks/``), types another value into its parameters cell and runs it.
Only the build may publish into ``figures/``, ``data/processed/`` and
``report/``: the explored run writes its tables and figures to ``scratch/``
(which git ignores), says so on its first step, and leaves ``git status``
of the checkout as it was.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from kzmv.engine.runner import output_digests

ROOT = Path(__file__).resolve().parents[1]
SCRATCH = ROOT / "scratch"
needs_raw = pytest.mark.skipif(not (ROOT / "data" / "raw").is_dir(), reason="the raw files are not fetched (make data)")


def _git_status() -> str:
    return subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture
def own_scratch(tmp_path: Path) -> Iterator[Path]:
    """The checkout's ``scratch/`` as a reader's JupyterLab run finds it; whatever was there is put back after."""
    kept = tmp_path / "scratch-before"
    if SCRATCH.exists():
        shutil.copytree(SCRATCH, kept, symlinks=True)
    try:
        yield SCRATCH
    finally:
        shutil.rmtree(SCRATCH, ignore_errors=True)
        if kept.exists():
            shutil.copytree(kept, SCRATCH, symlinks=True)


@needs_raw
def test_a_notebook_run_from_jupyterlab_with_another_value_leaves_the_report_untouched(
    own_scratch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nbclient import NotebookClient

    monkeypatch.delenv("KZMV_SCRATCH", raising=False)  # JupyterLab's kernel has no test folder to write to
    status, published = _git_status(), output_digests(ROOT)
    nb = nbformat.read(ROOT / "notebooks" / "01_trade.ipynb", as_version=4)
    parameters = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    assert "focus_year = 2024" in parameters.source
    parameters.source = parameters.source.replace("focus_year = 2024", "focus_year = 2023")  # as a reader types it
    client = NotebookClient(
        nb, kernel_name="python3", timeout=300, resources={"metadata": {"path": str(ROOT / "notebooks")}}
    )
    client.execute()
    said = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []) if o.get("name") == "stderr")
    assert f"Exploring: this run writes its tables and figures to {own_scratch}" in said, said[:300]
    assert (own_scratch / "figures" / "trade_top_partners.svg").is_file(), "the explored figures are in scratch/"
    assert (own_scratch / "data" / "processed" / "trade_by_group.csv").is_file(), "and so are its tables"
    assert _git_status() == status, "git status of the checkout is as it was"
    assert output_digests(ROOT) == published, "the published figures, tables and report are untouched"
