"""The bench's report: the timeline of a cold build, each start-up trick's gain, CPU time."""

from __future__ import annotations

import subprocess
import sys

from kzmv.engine.bench import Run, cold_build_rows, measured, timeline


def test_timeline_draws_boot_wait_and_run_in_boot_order() -> None:
    timings = {
        "late": {"boot": 1.0, "warm": 2.0, "go": 3.0, "end": 4.0},
        "early": {"boot": 0.0, "warm": 1.0, "go": 1.0, "end": 2.0},
        "render": 0.05,
    }
    lines = timeline(timings, width=8)
    assert [line.split()[0] for line in lines] == ["early", "late"], "ordered by boot, render left out"
    early_bar, late_bar = (line[27:35] for line in lines)
    assert early_bar == "..##    "  # 0-1 s booting, 1-2 s running: two columns a second
    assert late_bar == "  ..--##"  # boots at 1 s, waits from 2 s, runs from 3 s
    assert lines[1].endswith(" 1.00– 4.00 s")


def test_each_start_up_trick_is_measured_alone_and_on_top_of_the_other() -> None:
    colds = {
        "neither": [Run(9.0, 14.0), Run(8.0, 13.0), Run(10.0, 15.0)],
        "fork only": [Run(7.5, 10.0)] * 3,
        "warm only": [Run(8.0, 13.5)] * 3,
        "both": [Run(6.5, 10.5)] * 3,
    }
    rows = {label.strip(): (run, note) for label, run, note in cold_build_rows(colds)}
    assert rows["cold build, both start-up tricks (the default)"][0] == Run(6.5, 10.5)
    assert rows["neither (both set to 0)"] == (Run(9.0, 14.0), "(runs: 9.00, 8.00, 10.00)"), "medians"
    assert rows["gain of warm starts alone (neither - warm only)"][0] == Run(1.0, 0.5)
    assert rows["on top of the kernel template (fork only - both)"][0] == Run(1.0, -0.5)
    assert rows["gain of the kernel template alone (neither - fork only)"][0] == Run(1.5, 4.0)
    assert rows["on top of warm starts (warm only - both)"][0] == Run(1.5, 3.0)


def test_measured_counts_the_cpu_time_of_child_processes() -> None:
    burn = [sys.executable, "-c", "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.3: pass"]
    run = measured(lambda: subprocess.run(burn, check=True))
    assert run.cpu >= 0.3 and run.wall >= 0.3
