"""Warm starts: kernels boot ahead of their inputs and leave no trace in the notebook."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest

from kzmv.build.fork_server import notebook_imports
from kzmv.build.runner import build, output_digests
from kzmv.build.warm_kernels import Gate, warm_up_code
from kzmv.errors import PipelineError

UP = """from kzmv.data import tables
import pandas as pd
tables.write_csv(pd.DataFrame({"v": [value]}), tables.processed_path("up"))
"""
# The first cell looks at the kernel before the notebook imports anything itself.
DOWN_PROBE = """import sys
warmed = "kzmv.data.tables" in sys.modules
leftovers = [n for n in dir() if n.startswith("_kzmv")]
"""
DOWN = """from kzmv import paths
from kzmv.data import tables
v = int(tables.read_table("up")["v"].iloc[0])
(paths.figures_dir() / "down.txt").write_text(f"v={v} warmed={warmed} leftovers={leftovers}")
"""


@pytest.fixture
def chain(tmp_path: Path, root: Path, monkeypatch: pytest.MonkeyPatch, toy_notebook: Callable[..., None]) -> Path:
    """Two notebooks, ``down`` reading what ``up`` writes."""
    proj = tmp_path / "proj"
    (proj / "notebooks").mkdir(parents=True)
    (proj / "data").mkdir()
    (proj / "data" / "sources.yml").write_text("sources: []\n")
    dictionary = (root / "data" / "dictionary.yml").read_text()
    up_table = (
        "  up:\n    description: toy\n    sources: [toy]\n"
        "    columns:\n      v: {type: integer, unit: '', meaning: a value}\n"
    )
    (proj / "data" / "dictionary.yml").write_text(dictionary.replace("tables:\n", "tables:\n" + up_table, 1))
    (proj / "pipeline.yml").write_text(
        "report: {title: Toy, kicker: k, subtitle: s, data_note: d, citation: c}\n"
        "notebooks:\n"
        "  - name: up\n    path: notebooks/up.ipynb\n    title: Up\n"
        "    parameters: {value: {default: 1, min: 0, max: 9, help: a value}}\n"
        "    outputs: [data/processed/up.csv]\n"
        "  - name: down\n    path: notebooks/down.ipynb\n    title: Down\n"
        "    parameters: {}\n"
        "    inputs: [data/processed/up.csv]\n"
        "    outputs: [figures/down.txt]\n"
    )
    toy_notebook(proj / "notebooks" / "up.ipynb", UP)
    toy_notebook(proj / "notebooks" / "down.ipynb", DOWN_PROBE, DOWN, params="")
    monkeypatch.setenv("KZMV_PROJECT_ROOT", str(proj))
    monkeypatch.setenv("KZMV_RAW_DIR", str(proj / "data" / "raw"))
    return proj


def test_a_warm_kernel_has_the_imports_and_nothing_else(chain: Path) -> None:
    result = build(log=lambda m: None)
    assert result.ran == ["up", "down"]
    assert (chain / "figures" / "down.txt").read_text() == "v=1 warmed=True leftovers=[]"
    executed = nbformat.read(chain / "report" / "notebooks" / "down.ipynb", as_version=4)
    counts = [c.execution_count for c in executed.cells if c.cell_type == "code" and c.source.strip()]
    assert counts == list(range(1, len(counts) + 1)), "the silent warm-up takes no execution count"
    marks = result.timings["down"]
    assert marks["boot"] < marks["warm"] and marks["go"] <= marks["end"]
    assert marks["boot"] < result.timings["up"]["end"], "down's kernel booted while up still ran"


def test_a_warm_kernel_is_released_when_its_inputs_come_out_unchanged(
    chain: Path, toy_notebook: Callable[..., None]
) -> None:
    build(log=lambda m: None)
    # same output, different source: up reruns, down is warmed speculatively, then skipped
    toy_notebook(chain / "notebooks" / "up.ipynb", "# reworded\n" + UP)
    again = build(log=lambda m: None)
    assert again.ran == ["up"] and again.skipped == ["down"]


def test_downstream_reruns_when_its_inputs_change(chain: Path) -> None:
    build(log=lambda m: None)
    again = build(overrides={"up": {"value": 4}}, log=lambda m: None)
    assert again.ran == ["up", "down"]
    assert (chain / "figures" / "down.txt").read_text().startswith("v=4 ")


def test_a_failure_upstream_stops_the_waiting_kernels(chain: Path, toy_notebook: Callable[..., None]) -> None:
    build(log=lambda m: None)
    before = output_digests(chain)
    toy_notebook(chain / "notebooks" / "up.ipynb", "raise ValueError('upstream broke')")
    threads = threading.active_count()
    with pytest.raises(PipelineError, match=r"notebook up failed (.|\n)*upstream broke"):
        build(log=lambda m: None)
    assert output_digests(chain) == before
    deadline = time.monotonic() + 10
    while threading.active_count() > threads and time.monotonic() < deadline:
        time.sleep(0.05)
    assert threading.active_count() <= threads, "no worker thread is left waiting at a gate"


def test_notebook_imports_reads_top_level_imports_only(tmp_path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("import not_code"),
        nbformat.v4.new_code_cell("import pandas as pd\nfrom kzmv import trade, tables\nfrom __future__ import x"),
        nbformat.v4.new_code_cell("%matplotlib inline\nimport hidden_by_magic"),
        nbformat.v4.new_code_cell("def f():\n    import inner\nfrom . import relative"),
    ]
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    assert notebook_imports([path]) == ["kzmv", "kzmv.tables", "kzmv.trade", "pandas"]


def test_warm_up_code_imports_and_binds_no_name() -> None:
    namespace: dict[str, object] = {}
    exec(warm_up_code(["json", "json.no_such_module", "no_such_package_xyz"]), namespace)
    assert [k for k in namespace if k != "__builtins__"] == []


def test_a_gate_opens_once() -> None:
    gate = Gate()
    gate.open(run=True)
    gate.open(run=False)
    assert gate.wait() is True and gate.opened_at is not None


def test_a_stopped_gate_says_no_even_after_opening_to_run() -> None:
    opened, unopened = Gate(), Gate()
    opened.open(run=True)
    for gate in (opened, unopened):
        gate.stop()
        assert gate.wait() is False, "Ctrl-C: a kernel not yet past its gate must not start the notebook"


# Where the kernel came from, where it runs and what it was told.
KERNEL_PROBE = """import os
from pathlib import Path
from kzmv import paths
parent = Path(f"/proc/{os.getppid()}/cmdline").read_bytes().replace(b"\\0", b" ").decode()
(paths.figures_dir() / "down.txt").write_text(f"{parent}|{os.getcwd()}|{os.environ['KZMV_PROJECT_ROOT']}")
"""


@pytest.mark.parametrize("fork", ["1", "0"])
def test_a_later_notebook_gets_a_kernel_forked_from_the_template(
    chain: Path, toy_notebook: Callable[..., None], monkeypatch: pytest.MonkeyPatch, fork: str
) -> None:
    monkeypatch.setenv("KZMV_FORK_KERNELS", fork)
    toy_notebook(chain / "notebooks" / "down.ipynb", KERNEL_PROBE, params="")
    assert build(log=lambda m: None).ran == ["up", "down"]
    parent, cwd, project = (chain / "figures" / "down.txt").read_text().split("|")
    assert ("kzmv.build.fork_server" in parent) == (fork == "1")
    assert cwd == str(chain / "notebooks"), "the kernel runs in the notebook's folder"
    assert project == str(chain), "the kernel has the environment the runner gave it, not the template's"
