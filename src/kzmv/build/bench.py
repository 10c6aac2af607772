"""``make bench``: where the build's time goes, measured in one run on this machine.

The floor is what any pipeline of this shape must pay: starting a kernel and
importing pandas and seaborn once per notebook, plus rendering a trivial HTML
page. It is measured twice: as papermill runs a trivial notebook out of the
box, and with the build's own papermill settings (no per-cell saves, immediate
kernel shutdown), the stricter reference, since the build has shed those
overheads. The cold build is compared with both;
the no-op rebuild (nothing changed) and the rebuild after touching a raw file
(same bytes, new mtime: content hashes must see no change) show what
incremental builds cost.

The cold build is also run with every kernel started on its own
(``KZMV_FORK_KERNELS=0``), to show what the kernel template saves.

This machine's speed drifts by a tenth or more from minute to minute, so the
floor and the cold builds are each measured ``REPEATS`` times, interleaved,
and the medians are compared.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat

from kzmv import paths
from kzmv.build.runner import PAPERMILL_SETTINGS, PUBLISHED, copy_project
from kzmv.build.spec import load_pipeline

TRIVIAL = "import pandas\nimport seaborn\n"
REPEATS = 5


def _timed(cmd: list[str], env: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def floor_seconds(n_notebooks: int, workdir: Path, tuned: bool) -> float:
    """Kernel start plus pandas/seaborn import, times the notebooks, plus a trivial render.

    ``tuned`` runs papermill as the build does; otherwise with its defaults.
    """
    import papermill

    from kzmv.build.render import _Renderer

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(TRIVIAL)]
    src = workdir / "trivial.ipynb"
    nbformat.write(nb, src)
    settings = PAPERMILL_SETTINGS if tuned else {}
    start = time.perf_counter()
    for i in range(n_notebooks):
        papermill.execute_notebook(
            str(src), str(workdir / f"out{i}.ipynb"), kernel_name="python3", progress_bar=False, **settings
        )
    _Renderer().markdown("# Trivial\n\nA page.", trusted=True)
    return time.perf_counter() - start


@contextlib.contextmanager
def _kernel_warnings_silenced() -> Iterator[None]:
    """Send the floor's kernels' stderr to /dev/null.

    With papermill's defaults each kernel prints ipykernel's plain-TCP warning,
    which would bury the bench's own output; the kernels inherit the file
    descriptor, so it is redirected at that level, and restored after.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _clear_outputs(project: Path) -> None:
    """Back to a fresh checkout: no published outputs, no cache."""
    for rel in (*PUBLISHED, ".build"):
        shutil.rmtree(project / rel, ignore_errors=True)


def timeline(timings: dict[str, Any], width: int = 60) -> list[str]:
    """One text bar per notebook: ``.`` kernel starting, ``-`` warm and waiting, ``#`` running."""
    spans = {k: v for k, v in timings.items() if isinstance(v, dict)}
    end = max(v["end"] for v in spans.values())
    scale = width / end

    def col(t: float) -> int:
        return round(t * scale)

    lines = []
    for name, m in sorted(spans.items(), key=lambda kv: kv[1]["boot"]):
        boot, warm, run, stop = (col(m[k]) for k in ("boot", "warm", "go", "end"))
        run = max(run, warm)
        bar = " " * boot + "." * (warm - boot) + "-" * (run - warm) + "#" * max(stop - run, 1)
        lines.append(f"    {name:<22} {bar:<{width}} {m['boot']:5.2f}–{m['end']:5.2f} s")
    return lines


def main() -> None:
    root = paths.project_root()
    n = len(load_pipeline(root / "pipeline.yml").notebooks)
    with tempfile.TemporaryDirectory(prefix="kzmv-bench-") as tmp:
        work = Path(tmp)
        project = copy_project(root, work / "project")
        env = {**os.environ, "KZMV_PROJECT_ROOT": str(project), "KZMV_RAW_DIR": str(paths.raw_dir())}
        env.pop("KZMV_OUTPUT_ROOT", None)
        report = [sys.executable, "-m", "kzmv.cli", "report"]
        unforked = {**env, "KZMV_FORK_KERNELS": "0"}
        floors, tuned_floors, colds, unforked_colds = [], [], [], []
        for _ in range(REPEATS):
            with _kernel_warnings_silenced():
                floors.append(floor_seconds(n, work, tuned=False))
                tuned_floors.append(floor_seconds(n, work, tuned=True))
            _clear_outputs(project)
            unforked_colds.append(_timed(report, unforked, project))
            _clear_outputs(project)
            colds.append(_timed(report, env, project))
        timings = json.loads((project / ".build" / "timings.json").read_text())
        noop = _timed(report, env, project)
        raw = paths.raw_dir() / "trade" / "kaz_trade_by_partner_2000_2025_wits_bns_panel.csv"
        os.utime(raw)
        touched = _timed(report, env, project)
        param = _timed([*report, "-p", "01_trade.top_n=5"], env, project)
    floor, tuned_floor, cold, unforked_cold = (
        statistics.median(v) for v in (floors, tuned_floors, colds, unforked_colds)
    )

    def spread(values: list[float]) -> str:
        return f"(runs: {', '.join(f'{v:.2f}' for v in values)})"

    rows = [
        (f"floor (kernel + pandas/seaborn import) x {n} notebooks + trivial render", floor, spread(floors)),
        ("  the same, run with the build's papermill settings", tuned_floor, spread(tuned_floors)),
        (f"cold build from scratch ({n} notebooks, 2 jobs)", cold, spread(colds)),
        ("  the same, every kernel started on its own (KZMV_FORK_KERNELS=0)", unforked_cold, spread(unforked_colds)),
        ("no-op rebuild", noop, ""),
        ("rebuild after touching one raw file (same bytes)", touched, ""),
        ("rebuild after changing one parameter (01_trade.top_n=5)", param, ""),
    ]
    print(f"kzmv bench on {os.cpu_count()} cores, {n} notebooks; medians of {REPEATS} runs")
    for label, seconds, note in rows:
        print(f"  {label:<72} {seconds:7.2f} s  {note}")
    print(f"  {'ratio cold / floor (target <= 1.3)':<72} {cold / floor:7.2f}")
    print(f"  {'ratio cold / floor with the build settings':<72} {cold / tuned_floor:7.2f}")
    print(f"  {'no-op rebuild (target < 1 s)':<72} {noop:7.2f} s")
    print("  the last cold build, from its start ('.' kernel starting, '-' warm and waiting, '#' running):")
    for line in timeline(timings):
        print(line)
    print(f"    {'render':<22} {timings.get('render', 0):.2f} s")


if __name__ == "__main__":
    main()
