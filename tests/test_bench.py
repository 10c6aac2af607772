"""The bench's report: the timeline of a cold build, the rerun time a parameter change is measured against, CPU."""

from __future__ import annotations

import subprocess
import sys

from kzmv.engine.bench import Run, measured, median, rerun_seconds, timeline


def test_timeline_draws_each_notebook_while_it_ran_in_start_order() -> None:
    timings = {"late": {"start": 2.0, "end": 4.0}, "early": {"start": 0.0, "end": 1.0}, "render": 0.05}
    lines = timeline(timings, width=8)
    assert [line.split()[0] for line in lines] == ["early", "late"], "ordered by start, render left out"
    early_bar, late_bar = (line[27:35] for line in lines)
    assert early_bar == "##      "  # 0-1 s: two columns a second
    assert late_bar == "    ####"  # 2-4 s
    assert lines[1].endswith(" 2.00– 4.00 s")


def test_the_rerun_time_spans_the_notebooks_that_ran_one_after_another() -> None:
    assert rerun_seconds({"01_trade": {"start": 0.5, "end": 3.0}, "03_narrative": {"start": 3.1, "end": 7.5}}) == 7.0
    assert rerun_seconds({"render": 0.4}) == 0.0, "nothing ran"


def test_medians_of_wall_and_cpu() -> None:
    assert median([Run(9.0, 14.0), Run(8.0, 13.0), Run(10.0, 16.0)]) == Run(9.0, 14.0)


def test_measured_counts_the_cpu_time_of_child_processes() -> None:
    burn = [sys.executable, "-c", "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.3: pass"]
    run = measured(lambda: subprocess.run(burn, check=True))
    assert run.cpu >= 0.3 and run.wall >= 0.3
