"""``make bench``: the build against what a user of these tools would otherwise run, in one run on this machine.

The yardstick is the plain way to turn these notebooks into a report:
papermill's command line, one notebook after another in dependency order,
each with papermill's defaults, then ``jupyter nbconvert --to html`` on the
executed notebooks. The engine's cold build is compared with that, measured in
the same run, interleaved, ``REPEATS`` times (medians compared): this machine
is shared and its speed drifts by a tenth or more from minute to minute.

Beside wall time the bench reports CPU time (user + system, of the build and
every kernel it started) and the lower bound a build on this machine cannot
beat, CPU seconds divided by the cores, with the cold build's ratio to it:
how much of the machine the build keeps busy.

Incremental builds: the no-op rebuild (target under 0.5 s), a rebuild after
touching a raw file (same bytes, new mtime: content hashes see no change), and
a rebuild after changing one parameter of ``01_trade``, compared with the
execution time of the notebooks it reruns (as the build's own timings record
it; target at most 1.2 times that).
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kzmv import paths
from kzmv.engine.layout import PUBLISHED, copy_project
from kzmv.engine.pipeline import load_pipeline
from kzmv.paths import RunContext

REPEATS = int(os.environ.get("KZMV_BENCH_REPEATS", "3"))
PARAMETER = "01_trade.top_n=5"


@dataclass(frozen=True)
class Run:
    """One measurement: wall seconds, and CPU seconds (user + system) of every process it ran."""

    wall: float
    cpu: float


def _cpu_seconds() -> float:
    """CPU time so far of this process and of every child it (or they) waited for, kernels included."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measured(work: Callable[[], object]) -> Run:
    """Wall and CPU time of ``work()``."""
    wall, cpu = time.perf_counter(), _cpu_seconds()
    work()
    return Run(time.perf_counter() - wall, _cpu_seconds() - cpu)


def _run(cmd: list[str], env: dict[str, str], cwd: Path) -> None:
    done = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {done.stderr.strip().splitlines()[-1:]}")


def median(runs: list[Run]) -> Run:
    return Run(statistics.median(r.wall for r in runs), statistics.median(r.cpu for r in runs))


def _clear_outputs(project: Path) -> None:
    """Back to a fresh checkout: no published outputs, no cache."""
    for rel in (*PUBLISHED, ".build", "plain"):
        shutil.rmtree(project / rel, ignore_errors=True)


def plain(project: Path, env: dict[str, str]) -> Run:
    """The yardstick: ``papermill`` on each notebook in dependency order, then ``jupyter nbconvert --to html``.

    Each notebook writes straight into the project's folders (a run file in its
    working folder says so), as it would without the engine's stage.
    """
    order = load_pipeline(project / "pipeline.yml").order()
    bin_dir = Path(sys.executable).parent
    out = project / "plain"

    def work() -> None:
        for folder in ("data/processed", "figures"):
            (project / folder).mkdir(parents=True, exist_ok=True)
        out.mkdir(exist_ok=True)
        for name in order:
            folder = out / f"run-{name}"
            folder.mkdir()
            RunContext(name, project, project, folder / "reads.txt").write(folder)
            source = project / "notebooks" / f"{name}.ipynb"
            _run(
                [str(bin_dir / "papermill"), str(source), str(out / f"{name}.ipynb"), "--cwd", str(folder)],
                env,
                project,
            )
        executed = [str(out / f"{name}.ipynb") for name in order]
        _run([str(bin_dir / "jupyter"), "nbconvert", "--to", "html", *executed], env, project)

    return measured(work)


def timeline(timings: dict[str, Any], width: int = 60) -> list[str]:
    """One text bar per notebook of the last cold build: ``#`` while it ran."""
    spans = {k: v for k, v in timings.items() if isinstance(v, dict)}
    end = max(v["end"] for v in spans.values())
    scale = width / end
    lines = []
    for name, m in sorted(spans.items(), key=lambda kv: kv[1]["start"]):
        start, stop = round(m["start"] * scale), round(m["end"] * scale)
        bar = " " * start + "#" * max(stop - start, 1)
        lines.append(f"    {name:<22} {bar:<{width}} {m['start']:5.2f}–{m['end']:5.2f} s")
    return lines


def rerun_seconds(timings: dict[str, Any]) -> float:
    """How long the notebooks a build ran took to execute, along its longest chain (they ran one after another)."""
    spans = [v for v in timings.values() if isinstance(v, dict)]
    return max(v["end"] for v in spans) - min(v["start"] for v in spans) if spans else 0.0


def _spread(runs: list[Run]) -> str:
    return f"(runs: {', '.join(f'{r.wall:.2f}' for r in runs)})"


def main() -> None:
    root = paths.project_root()
    cores = os.cpu_count() or 1
    n = len(load_pipeline(root / "pipeline.yml").notebooks)
    with tempfile.TemporaryDirectory(prefix="kzmv-bench-") as tmp:
        work = Path(tmp)
        project = copy_project(root, work / "project")
        env = {k: v for k, v in os.environ.items() if not k.startswith("KZMV_")}
        env |= {"KZMV_RAW_DIR": str(paths.raw_dir()), "KZMV_RAW_MIRROR": str(paths.raw_mirror())}
        report = [sys.executable, "-m", "kzmv.cli", "report"]
        plains: list[Run] = []
        colds: list[Run] = []
        for i in range(REPEATS):
            print(f"  run {i + 1} of {REPEATS} ...", file=sys.stderr)
            _clear_outputs(project)
            plains.append(plain(project, env))
            _clear_outputs(project)
            colds.append(measured(lambda: _run(report, env, project)))
        timings = json.loads((project / ".build" / "timings.json").read_text())
        noop = measured(lambda: _run(report, env, project))
        raw = paths.raw_dir() / "trade" / "kaz_trade_by_partner_2000_2025_wits_bns_panel.csv"
        os.utime(raw)
        touched = measured(lambda: _run(report, env, project))
        param = measured(lambda: _run([*report, "-p", PARAMETER], env, project))
        param_timings = json.loads((project / ".build" / "timings.json").read_text())
    baseline, cold = median(plains), median(colds)
    bound = cold.cpu / cores
    executed = rerun_seconds(param_timings)
    print(f"kzmv bench on {cores} cores, {n} notebooks, Python {sys.version.split()[0]}; medians of {REPEATS} runs")
    print(f"  {'':<72} {'wall':>7}   {'CPU':>7}")
    rows = [
        (f"plain: papermill x {n} in dependency order, then nbconvert --to html", baseline, _spread(plains)),
        ("cold build (make report on a fresh checkout)", cold, _spread(colds)),
        ("no-op rebuild", noop, ""),
        ("rebuild after touching one raw file (same bytes)", touched, ""),
        (f"rebuild after changing one parameter ({PARAMETER})", param, ""),
    ]
    for label, run, note in rows:
        print(f"  {label:<72} {run.wall:7.2f} s {run.cpu:7.2f} s  {note}")
    print(f"  {'cold build / plain, wall (target <= 0.45)':<72} {cold.wall / baseline.wall:7.2f}")
    print(f"  {f'lower bound on {cores} cores: the cold build CPU seconds / {cores}':<72} {bound:7.2f} s")
    print(f"  {'cold build / lower bound, wall':<72} {cold.wall / bound:7.2f}")
    print(f"  {'no-op rebuild (target < 0.5 s)':<72} {noop.wall:7.2f} s")
    print(f"  {'the notebooks the parameter change reran, executing':<72} {executed:7.2f} s")
    print(f"  {'parameter rebuild / their execution (target <= 1.2)':<72} {param.wall / executed:7.2f}")
    print("  the last cold build, from its start ('#' while a notebook ran):")
    for line in timeline(timings):
        print(line)
    print(f"    {'render':<22} {timings.get('render', 0):.2f} s")


if __name__ == "__main__":
    main()
