"""Shared fixtures: the project root, and running a notebook in isolation."""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kzmv.engine.runner import output_digests
from kzmv.params import ParameterSpec, parameters_cell

ROOT = Path(__file__).resolve().parents[1]


@contextlib.contextmanager
def wait_for_builds(root: Path, log: Callable[[str], None]) -> Iterator[None]:
    """Hold ``root``'s build lock for the ``with`` block, waiting (and saying so) for a build that holds it.

    The test run compares the published outputs before and after it: a build
    of the same checkout running meanwhile would change them, and the run
    would report that build's changes as its own.
    """
    from kzmv.engine.layout import BuildPaths
    from kzmv.engine.lock import build_lock

    with build_lock(BuildPaths(root), command="make test", log=log):
        yield


def pytest_configure(config: pytest.Config) -> None:
    """Point every explored notebook (nbval's re-executions included) at a throwaway scratch folder.

    nbval re-executes the committed notebooks outside the engine, which write
    their tables and figures to the scratch folder (``KZMV_SCRATCH``), never
    to the published outputs; each test process gets its own.
    """
    config.addinivalue_line("markers", "slow: builds the whole report (about a minute)")
    if getattr(config.option, "sanitize_with", None):  # nbval opens it lazily: make it cwd-proof
        config.option.sanitize_with = str(ROOT / "tests" / "nbval_sanitize.cfg")
    scratch = Path(tempfile.mkdtemp(prefix="kzmv-tests-"))
    os.environ["KZMV_SCRATCH"] = str(scratch)
    config._kzmv_scratch = scratch  # type: ignore[attr-defined]
    if not hasattr(config, "workerinput"):  # the controlling process, once for the run: xdist's workers share it
        lock = wait_for_builds(ROOT, lambda message: print(message, file=sys.stderr, flush=True))
        lock.__enter__()
        config._kzmv_lock = lock  # type: ignore[attr-defined]
    config._kzmv_published = output_digests(ROOT)  # type: ignore[attr-defined]


def pytest_unconfigure(config: pytest.Config) -> None:
    """Remove the scratch output root (each test process made its own), and release the build lock."""
    scratch = getattr(config, "_kzmv_scratch", None)
    if scratch is not None:
        shutil.rmtree(scratch, ignore_errors=True)
    lock = getattr(config, "_kzmv_lock", None)
    if lock is not None:
        lock.__exit__(None, None, None)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run if any test wrote into the published outputs."""
    before = getattr(session.config, "_kzmv_published", None)
    if before is not None and output_digests(ROOT) != before:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        print("\nERROR: the test run modified published outputs (data/processed, figures or report)")


# The parameters cell of a toy notebook with the toy's one parameter, and of one with none, as
# `make params` writes them (tests/toys.py declares ``value: {default: 1, min: 0, max: 9, help: a value}``).
TOY_PARAMETERS = parameters_cell({"value": ParameterSpec(default=1, min=0, max=9, help="a value")})
NO_PARAMETERS = parameters_cell({})


def write_toy_notebook(path: Path, *code: str, params: str = TOY_PARAMETERS) -> None:
    """A small notebook: a markdown lead, a ``parameters`` cell, then one code cell per ``code``."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Toy\n\nA toy chapter."),
        nbformat.v4.new_code_cell(params, metadata={"tags": ["parameters"]}),
        *(nbformat.v4.new_code_cell(c) for c in code),
    ]
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"c{i}"
    nbformat.write(nb, path)


@pytest.fixture(scope="session")
def toy_notebook() -> Callable[..., None]:
    """:func:`write_toy_notebook`, for tests that build toy projects."""
    return write_toy_notebook


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def printed_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed report printed as ``make pdf`` prints it, once per test session (about 9 s)."""
    from kzmv.engine import pdf
    from kzmv.engine.pipeline import load_pipeline

    if not pdf.CHROMIUM.is_file():
        pytest.skip(f"Chromium is not installed ({pdf.CHROMIUM})")
    title = load_pipeline(ROOT / "pipeline.yml").report["title"]
    return pdf.make_pdf(ROOT / "report" / "index.html", tmp_path_factory.mktemp("pdf") / "kzmv-report.pdf", title)


def run_folder(base: Path, out: Path, notebook: str = "test") -> Path:
    """A working folder holding the engine's run file: a notebook (or code) run there writes to ``out``."""
    from kzmv.paths import RunContext

    folder = base / f"run-{notebook}"
    folder.mkdir(parents=True, exist_ok=True)
    RunContext(notebook, ROOT, out, folder / "reads.txt").write(folder)
    return folder


@pytest.fixture
def isolated_outputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary output root holding a copy of the published processed data and figures.

    The test runs in a folder with a run file pointing there, as the engine runs a notebook.
    """
    out = tmp_path / "out"
    (out / "data").mkdir(parents=True)
    shutil.copytree(ROOT / "data" / "processed", out / "data" / "processed")
    shutil.copytree(ROOT / "figures", out / "figures")
    monkeypatch.chdir(run_folder(tmp_path, out))
    return out


@pytest.fixture
def run_notebook(isolated_outputs: Path, tmp_path: Path) -> Callable[..., dict[str, Any]]:
    """Execute ``notebooks/<name>.ipynb`` with papermill and return what it recorded.

    Outputs go to an isolated copy, so the published outputs are never touched.
    """
    import papermill

    from kzmv.story.display import recorded

    def run(name: str, **parameters: Any) -> dict[str, Any]:
        executed = tmp_path / f"{name}.executed.ipynb"
        papermill.execute_notebook(
            str(ROOT / "notebooks" / f"{name}.ipynb"),
            str(executed),
            parameters=parameters,
            kernel_name="python3",
            progress_bar=False,
            start_timeout=180,  # a busy 2-core machine can be slow to start a kernel
            cwd=str(folder := run_folder(tmp_path, isolated_outputs, name)),
        )
        values = recorded(executed)
        values["__outputs__"] = isolated_outputs
        values["__reads__"] = sorted(set((folder / "reads.txt").read_text(encoding="utf-8").split()))
        return values

    return run


def assert_chapter_runs_beside_the_others(name: str, figure_prefixes: tuple[str, ...]) -> None:
    """An evidence chapter that reads raw files only: no dependency, so it starts with 00_data_prep.

    Shared by the chapters split from one notebook (02_investment, 05_energy_macro), whose
    checks of their pipeline.yml entries are the same but for the figures' names.
    """
    from kzmv.engine.pipeline import load_pipeline

    pipeline = load_pipeline(ROOT / "pipeline.yml")
    step = pipeline.step(name)
    assert step.upstream == [], "must not read another notebook's outputs"
    assert pipeline.dependencies()[name] == set(), "so it starts with 00_data_prep"
    assert all(o.startswith(("data/processed/", "figures/")) for o in step.outputs)
    figures = [o for o in step.outputs if o.startswith("figures/")]
    assert all(Path(o).stem.startswith(figure_prefixes) for o in figures)
    assert {Path(o).suffix for o in figures} == {".svg", ".png"}


def assert_declared_outputs_written(name: str, out: Path) -> None:
    """Every output pipeline.yml declares for ``name`` exists under ``out``."""
    from kzmv.engine.pipeline import load_pipeline

    for rel in load_pipeline(ROOT / "pipeline.yml").step(name).outputs:
        assert (out / rel).is_file(), f"{rel} is declared in pipeline.yml but was not written"
