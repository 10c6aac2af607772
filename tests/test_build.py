"""The runner on a toy project: staged publish, failures, incremental skips, outputs as part of the key."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest
from conftest import NO_PARAMETERS, write_toy_notebook
from toys import WRITE, make_toy

from kzmv.engine.layout import SOCKET_PREFIX, BuildPaths
from kzmv.engine.runner import build, clean_executed, output_digests
from kzmv.errors import PipelineError

WRITE_FIGURE = """from kzmv import paths
for suffix in ("svg", "png"):
    (paths.figures_dir() / f"toy.{suffix}").write_text(f"value={value}")
"""


def quiet(message: str) -> None:
    pass


@pytest.fixture
def toy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, toy_notebook: Callable[..., None]) -> Path:
    """A minimal project: one notebook writing figures/toy.svg, an empty manifest, published outputs (and a
    table no notebook declares, left by an earlier build)."""
    proj = make_toy(tmp_path / "proj", WRITE_FIGURE, tables=[])
    for rel, text in {
        "figures/toy.svg": "OLD",
        "report/index.html": "OLD REPORT",
        "data/processed/t.csv": "a\n1\n",
    }.items():
        (proj / rel).write_text(text)
    monkeypatch.chdir(proj)
    monkeypatch.setenv("KZMV_RAW_DIR", str(proj / "data" / "raw"))
    return proj


@pytest.fixture
def chain(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two notebooks: ``toy`` writes a figure and a table, ``down`` reads the figure."""
    proj = make_toy(tmp_path / "chain", WRITE, down=True)
    monkeypatch.chdir(proj)
    monkeypatch.setenv("KZMV_RAW_DIR", str(proj / "data" / "raw"))
    return proj


def test_success_publishes_then_a_rerun_skips(toy: Path) -> None:
    first = build(log=quiet)
    assert first.ran == ["toy"] and first.rendered
    assert (toy / "figures" / "toy.svg").read_text() == "value=1"
    assert not (toy / "data" / "processed" / "t.csv").exists(), "a file no notebook declares is not published"
    assert '<h2 id="toy">Toy</h2>' in (toy / "report" / "index.html").read_text()
    second = build(log=quiet)
    assert second.ran == [] and second.skipped == ["toy"] and not second.rendered
    leftovers = sorted(p.name for p in (toy / ".build").iterdir())
    assert leftovers == ["cache.json", "lock", "timings.json"], "no stage, journal or holder's note is left behind"


def test_a_changed_parameter_reruns(toy: Path) -> None:
    build(log=quiet)
    again = build(overrides={"toy": {"value": 7}}, log=quiet)
    assert again.ran == ["toy"]
    assert (toy / "figures" / "toy.svg").read_text() == "value=7"


def test_a_failing_cell_leaves_published_outputs_untouched(toy: Path, toy_notebook: Callable[..., None]) -> None:
    toy_notebook(toy / "notebooks" / "toy.ipynb", WRITE_FIGURE + "raise ValueError('boom in the toy')")
    before = output_digests(toy)
    with pytest.raises(PipelineError) as err:
        build(log=quiet)
    message = str(err.value)
    assert (
        "notebook toy failed in cell 3 (`from kzmv import paths`)" in message
        and "ValueError: boom in the toy" in message
    )
    assert (toy / ".build" / "failed" / "toy.ipynb").is_file(), "the failed notebook is kept for inspection"
    assert output_digests(toy) == before
    assert not list((toy / ".build").glob("stage-*")), "the failed build's stage is removed"


def test_a_pipeline_error_in_a_notebook_is_shown_as_its_message(toy: Path, toy_notebook: Callable[..., None]) -> None:
    toy_notebook(
        toy / "notebooks" / "toy.ipynb",
        "from kzmv.errors import PipelineError\nraise PipelineError('year 1990 is not in the data')",
    )
    with pytest.raises(PipelineError) as err:
        build(log=quiet)
    assert str(err.value) == (
        "notebook toy failed in cell 3 (`from kzmv.errors import PipelineError`): year 1990 is not in the data; "
        "the failed notebook is kept at .build/failed/toy.ipynb"
    )


def test_bad_parameters_fail_before_any_kernel_starts(toy: Path) -> None:
    for bad, message in [(99, "valid values are 0 to 9"), (float("nan"), "got float nan; valid values are 0 to 9")]:
        with pytest.raises(PipelineError, match=message):
            build(overrides={"toy": {"value": bad}}, log=quiet)
    assert not list((toy / ".build").glob("stage-*"))


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


# --- outputs are part of the key -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("damage", "reruns"),
    [
        (lambda p: p.unlink(), True),
        (lambda p: p.write_text(p.read_text()[:3]), True),
        (lambda p: p.write_text(p.read_text().replace("1", "8")), True),
        (lambda p: os.utime(p), False),  # touched, same bytes: content hashes see no change
    ],
    ids=["deleted", "truncated", "hand-edited", "touched"],
)
def test_a_damaged_output_makes_its_notebook_rerun(chain: Path, damage: Callable[[Path], None], reruns: bool) -> None:
    build(log=quiet)
    clean = output_digests(chain)
    damage(chain / "data" / "processed" / "toy.csv")
    again = build(log=quiet)
    assert again.ran == (["toy"] if reruns else []), "only the damaged output's notebook reruns"
    assert "down" in again.skipped, "its downstream notebook reads an unchanged figure: skipped"
    assert output_digests(chain) == clean, "the output is restored exactly"
    assert build(log=quiet).ran == [], "and the cache agrees with what is published"


def test_an_edited_executed_notebook_or_report_is_rebuilt(chain: Path) -> None:
    build(log=quiet)
    clean = output_digests(chain)
    executed = chain / "report" / "notebooks" / "down.ipynb"
    executed.write_text(executed.read_text().replace("Toy", "Edited"))
    assert build(log=quiet).ran == ["down"]
    (chain / "report" / "index.html").write_text("<p>hand-made</p>")
    again = build(log=quiet)
    assert again.ran == [] and again.rendered, "a damaged report is rendered again, without rerunning notebooks"
    assert output_digests(chain) == clean


def test_a_declared_output_the_notebook_does_not_write_fails_naming_both(chain: Path) -> None:
    build(log=quiet)
    before = output_digests(chain)
    # the stage starts as a copy of the published outputs, so the old data/processed/toy.csv is there
    # when the notebook, changed to write only the figure, runs
    write_toy_notebook(chain / "notebooks" / "toy.ipynb", "\n".join(WRITE.splitlines()[:3]))
    with pytest.raises(PipelineError, match=r"notebook toy did not write its declared output data/processed/toy.csv"):
        build(log=quiet)
    assert output_digests(chain) == before


def test_a_warm_kernel_released_unused_leaves_the_executed_notebook_as_it_was(chain: Path) -> None:
    build(log=quiet)
    clean = output_digests(chain)
    write_toy_notebook(chain / "notebooks" / "toy.ipynb", "# reworded\n" + WRITE)  # same outputs: down is skipped
    again = build(log=quiet)
    assert again.ran == ["toy"] and again.skipped == ["down"]
    down = clean["report/notebooks/down.ipynb"]
    assert output_digests(chain)["report/notebooks/down.ipynb"] == down, (
        "papermill's early save never reaches the stage"
    )


# --- the cache and the build folder ----------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"{not json", b'{"version": 1, "toy": "abc"}', b"\x00\xff" * 8])
def test_an_unreadable_cache_is_a_rebuild_with_one_warning(toy: Path, content: bytes) -> None:
    build(log=quiet)
    (toy / ".build" / "cache.json").write_bytes(content)
    lines: list[str] = []
    again = build(log=lines.append)
    warnings = [line for line in lines if line.startswith("warning:")]
    assert len(warnings) == 1 and "cache.json is unreadable" in warnings[0] and "rebuilding" in warnings[0]
    assert again.ran == ["toy"]
    assert build(log=quiet).ran == [], "the rewritten cache is whole again"


def test_a_read_only_copy_left_in_the_stage_never_blocks_the_next_build(toy: Path) -> None:
    paths = BuildPaths(toy, pid=999_999_999)  # a build that died long ago
    stuck = paths.stage / "figures"
    stuck.mkdir(parents=True)
    (stuck / "toy.svg").write_text("half")
    for path in (stuck / "toy.svg", stuck, paths.stage):
        path.chmod(0o500 if path.is_dir() else 0o400)
    assert build(log=quiet).ran == ["toy"]
    assert not paths.stage.exists(), "the dead build's stage was reclaimed"


def test_socket_folders_are_removed_after_a_failure_and_reclaimed_after_a_kill(
    toy: Path, toy_notebook: Callable[..., None], tmp_path: Path
) -> None:
    import tempfile

    dead = Path(tempfile.gettempdir()) / f"{SOCKET_PREFIX}999999999-abc"
    dead.mkdir(exist_ok=True)
    (dead / "kernel.json").write_text("{}")
    before = {p.name for p in Path(tempfile.gettempdir()).glob(f"{SOCKET_PREFIX}{os.getpid()}-*")}
    toy_notebook(toy / "notebooks" / "toy.ipynb", "raise ValueError('boom')")
    with pytest.raises(PipelineError):
        build(log=quiet)
    assert not dead.exists(), "a killed build's socket folder is reclaimed at the next start"
    after = {p.name for p in Path(tempfile.gettempdir()).glob(f"{SOCKET_PREFIX}{os.getpid()}-*")}
    assert after == before, "this build's socket folder is gone after its failure"


def test_a_first_build_without_published_folders_creates_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    proj = make_toy(tmp_path / "fresh", WRITE, down=True)
    for rel in ("data/processed", "figures", "report"):
        shutil.rmtree(proj / rel)
    monkeypatch.chdir(proj)
    monkeypatch.setenv("KZMV_RAW_DIR", str(proj / "data" / "raw"))
    assert build(log=quiet).ran == ["toy", "down"]
    assert (proj / "figures" / "down.svg").read_text() == "VALUE=1"


def test_a_failing_notebook_stops_the_one_running_beside_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    proj = make_toy(tmp_path / "pair", "import time; time.sleep(1); raise ValueError('broke')")
    pipeline = (proj / "pipeline.yml").read_text()
    slow = "  - name: slow\n    path: notebooks/slow.ipynb\n    title: Slow\n    writes: {figures: [slow]}\n"
    (proj / "pipeline.yml").write_text(pipeline + slow)
    write_toy_notebook(proj / "notebooks" / "slow.ipynb", "import time; time.sleep(120)", params=NO_PARAMETERS)
    monkeypatch.chdir(proj)
    monkeypatch.setenv("KZMV_RAW_DIR", str(proj / "data" / "raw"))
    started = time.monotonic()
    with pytest.raises(PipelineError, match="notebook toy failed"):
        build(log=quiet)
    assert time.monotonic() - started < 60, "the slow notebook was interrupted, not waited for"


def test_a_file_no_notebook_declares_stops_the_build_naming_it(toy: Path, toy_notebook: Callable[..., None]) -> None:
    toy_notebook(
        toy / "notebooks" / "toy.ipynb", WRITE_FIGURE + "(paths.processed_dir() / 'extra.csv').write_text('x')"
    )
    before = output_digests(toy)
    with pytest.raises(PipelineError, match=r"a notebook wrote data/processed/extra.csv, which no notebook declares"):
        build(log=quiet)
    assert output_digests(toy) == before


def test_a_published_file_no_notebook_declares_any_more_is_removed_and_said(toy: Path) -> None:
    """A renamed figure's old files would stay among the downloads for ever."""
    build(log=quiet)
    for suffix in ("svg", "png"):
        (toy / "figures" / f"renamed.{suffix}").write_text("old")
    lines: list[str] = []
    build(overrides={"toy": {"value": 3}}, log=lines.append)
    assert not (toy / "figures" / "renamed.svg").exists() and (toy / "figures" / "toy.svg").read_text() == "value=3"
    assert (
        "removed 2 published file(s) that no notebook declares any more: figures/renamed.png, figures/renamed.svg"
        in lines
    )
