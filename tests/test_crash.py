"""Crash consistency: a build killed with SIGKILL at any moment leaves one complete set of outputs.

A toy build (one notebook and the render, about two seconds) is killed at
moments spread over its whole run: at fractions of the time it takes to reach
its publish, and inside the publish after each of its steps (journal written,
each folder moved aside, each new folder moved in, cache written), reached
through the publish's test hook (``KZMV_TEST_PUBLISH_PAUSE``, see
:mod:`kzmv.engine.publish`). After each kill:

* the next command (``kzmv data``) runs first, as any command does, and
  repairs an interrupted publish;
* the published outputs then equal one of the two complete sets: the one
  before the build, or the one a clean build with the new parameters makes;
* the next ``kzmv report`` ends with exactly what a clean build gives, and the
  cache agrees with it (a further build has nothing to do).

Like Bazel (never a half-written output), DVC (outputs checked against their
hashes) and Snakemake (incomplete outputs rerun).
"""

from __future__ import annotations

import shutil
import signal
import time
from pathlib import Path

import pytest
from toys import cli, cli_process, make_toy

from kzmv.cli import main
from kzmv.engine.layout import PUBLISHED, output_digests
from kzmv.engine.runner import build

NEW = {"toy": {"value": 2}}
# every step after which the publish pauses for the hook (journal, each folder aside and in, cache)
STEPS = ["journal written"]
for _rel in PUBLISHED:
    STEPS += [f"moved {_rel} aside", f"moved the new {_rel} in"]
STEPS.append("cache written")
TIMED = (0.1, 0.35, 0.6, 0.85)  # fractions of the time to reach the publish


def _kill_at_step(proj: Path, step: str) -> None:
    proc = cli_process(proj, "report", "-p", "toy.value=2", KZMV_TEST_PUBLISH_PAUSE="0.2")
    assert proc.stderr is not None
    for line in proc.stderr:
        if line.strip() == f"kzmv-test-hook: publish {step}":
            proc.send_signal(signal.SIGKILL)
            break
    else:
        raise AssertionError(f"the build ended before publish step {step!r}")
    proc.wait(timeout=30)


def _kill_after(proj: Path, seconds: float) -> None:
    proc = cli_process(proj, "report", "-p", "toy.value=2")
    time.sleep(seconds)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)


def _time_to_publish(proj: Path) -> float:
    """How long a build takes from its start to its first publish step (the first moment it writes outputs)."""
    started = time.monotonic()
    proc = cli_process(proj, "report", "-p", "toy.value=2", KZMV_TEST_PUBLISH_PAUSE="0")
    assert proc.stderr is not None
    reached = next(time.monotonic() for line in proc.stderr if "kzmv-test-hook: publish journal written" in line)
    proc.communicate(timeout=60)
    assert proc.returncode == 0
    return reached - started


def test_a_build_killed_at_any_moment_leaves_one_complete_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base = make_toy(tmp_path / "base")
    assert cli(base, "report").returncode == 0
    before = output_digests(base)
    clean = make_toy(tmp_path / "clean")
    assert cli(clean, "report", "-p", "toy.value=2").returncode == 0
    after = output_digests(clean)
    assert before != after and all(
        any(k.startswith(rel) and before.get(k) != v for k, v in after.items()) for rel in PUBLISHED
    ), "the two sets differ in every published folder, so a mixture would show"

    timing = tmp_path / "timing"
    shutil.copytree(base, timing)
    window = _time_to_publish(timing)
    kills = [("at", f"{step!r}", step) for step in STEPS] + [
        ("after", f"{f * window:.2f} s", f * window) for f in TIMED
    ]
    states = {"before": 0, "after": 0}
    for number, (kind, label, when) in enumerate(kills):
        trial = tmp_path / f"trial{number}"
        shutil.copytree(base, trial, symlinks=True)
        if kind == "at":
            _kill_at_step(trial, str(when))
        else:
            _kill_after(trial, float(when))
        monkeypatch.chdir(trial)
        monkeypatch.setenv("KZMV_RAW_DIR", str(trial / "data" / "raw"))
        monkeypatch.setenv("KZMV_RAW_MIRROR", str(trial / "data" / "raw"))
        assert main(["data"]) == 0, f"killed {kind} {label}: the next command must work"
        now = output_digests(trial)
        assert now in (before, after), f"killed {kind} {label}: the outputs are a mixture"
        states["before" if now == before else "after"] += 1
        result = build(overrides=NEW, log=lambda m: None)
        assert output_digests(trial) == after, f"killed {kind} {label}: the next build differs from a clean one"
        again = build(overrides=NEW, log=lambda m: None)
        assert again.ran == [] and not again.rendered, f"killed {kind} {label}: the cache disagrees with the outputs"
        assert (now == after) == (result.ran == []), "a completed publish needs no rerun; an undone one reruns"
        leftovers = [p.name for p in (trial / ".build").iterdir() if p.name.startswith(("stage-", "previous-"))]
        assert not leftovers or all(p.startswith("stage-") for p in leftovers), leftovers
        shutil.rmtree(trial, ignore_errors=True)
    assert states["after"] >= len(STEPS), "every kill inside the publish window completes the publish"
    assert states["before"] >= 2, "kills before the publish leave the previous set"
