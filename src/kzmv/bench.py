"""``make bench``: where the build's time goes, measured in one run on this machine.

The floor is what any pipeline of this shape must pay: starting a kernel and
importing pandas and seaborn once per notebook, plus rendering a trivial HTML
page. The cold build is compared with it; the no-op rebuild (nothing changed)
and the rebuild after touching a raw file (same bytes, new mtime: content
hashes must see no change) show what incremental builds cost.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from . import paths
from .build import copy_project
from .pipeline import load_pipeline

TRIVIAL = "import pandas\nimport seaborn\n"


def _timed(cmd: list[str], env: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def floor_seconds(n_notebooks: int, workdir: Path) -> float:
    """Kernel start plus pandas/seaborn import, times the notebooks, plus a trivial render."""
    import papermill

    from .report import _Renderer

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(TRIVIAL)]
    src = workdir / "trivial.ipynb"
    nbformat.write(nb, src)
    start = time.perf_counter()
    for i in range(n_notebooks):
        papermill.execute_notebook(str(src), str(workdir / f"out{i}.ipynb"), kernel_name="python3", progress_bar=False)
    _Renderer().markdown("# Trivial\n\nA page.", trusted=True)
    return time.perf_counter() - start


def main() -> None:
    root = paths.project_root()
    n = len(load_pipeline(root / "pipeline.yml").notebooks)
    with tempfile.TemporaryDirectory(prefix="kzmv-bench-") as tmp:
        work = Path(tmp)
        project = copy_project(root, work / "project")
        env = {**os.environ, "KZMV_PROJECT_ROOT": str(project), "KZMV_RAW_DIR": str(paths.raw_dir())}
        env.pop("KZMV_OUTPUT_ROOT", None)
        report = [sys.executable, "-m", "kzmv.cli", "report"]
        floor = floor_seconds(n, work)
        cold = _timed(report, env, project)
        timings = json.loads((project / ".build" / "timings.json").read_text())
        noop = _timed(report, env, project)
        raw = paths.raw_dir() / "trade" / "kaz_trade_by_partner_2000_2025_wits_bns_panel.csv"
        os.utime(raw)
        touched = _timed(report, env, project)
        param = _timed([*report, "-p", "01_trade.top_n=5"], env, project)
    rows = [
        ("floor (kernel + pandas/seaborn import) x notebooks + trivial render", floor),
        (f"cold build from scratch ({n} notebooks, 2 jobs)", cold),
        ("no-op rebuild", noop),
        ("rebuild after touching one raw file (same bytes)", touched),
        ("rebuild after changing one parameter (01_trade.top_n=5)", param),
    ]
    print(f"kzmv bench on {os.cpu_count()} cores, {n} notebooks")
    for label, seconds in rows:
        print(f"  {label:<72} {seconds:7.2f} s")
    print(f"  {'ratio cold / floor (target <= 1.3)':<72} {cold / floor:7.2f}")
    print("  where the cold build's time goes (wall-clock seconds; notebooks run two at a time):")
    for name, seconds in timings.items():
        print(f"    {name:<70} {seconds:7.2f} s")
    print(f"  {'no-op rebuild (target < 1 s)':<72} {noop:7.2f} s")


if __name__ == "__main__":
    main()
