"""The bench's report: the timeline of a cold build."""

from __future__ import annotations

from kzmv.build.bench import timeline


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
