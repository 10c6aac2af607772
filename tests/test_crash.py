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


def _kill_after(proj: Path, seconds: float, line: str | None = None) -> None:
    """SIGKILL ``seconds`` after the build starts, or after it prints ``line`` (a moment it has surely not passed)."""
    proc = cli_process(proj, "report", "-p", "toy.value=2")
    if line is not None:
        assert proc.stderr is not None
        next(text for text in proc.stderr if line in text)
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


@pytest.fixture(scope="module")
def two_sets(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], dict[str, str], float]:
    """A built toy (value 1), the outputs of a clean build with value 2, and the time a build takes to publish."""
    tmp = tmp_path_factory.mktemp("crash")
    base = make_toy(tmp / "base")
    assert cli(base, "report").returncode == 0
    before = output_digests(base)
    clean = make_toy(tmp / "clean")
    assert cli(clean, "report", "-p", "toy.value=2").returncode == 0
    after = output_digests(clean)
    assert before != after and all(
        any(k.startswith(rel) and before.get(k) != v for k, v in after.items()) for rel in PUBLISHED
    ), "the two sets differ in every published folder, so a mixture would show"
    timing = tmp / "timing"
    shutil.copytree(base, timing)
    return base, before, after, _time_to_publish(timing)


# Twelve moments over a build's whole run, each its own test (so that they run side by side): inside the
# publish window, after each of its steps; before it, while the notebook runs (after the build said
# so: surely before any publish); and at fractions of the time a build takes to reach its publish.
KILLS = [("at", step) for step in STEPS] + [("running", 0.0), ("running", 0.2)] + [("after", f) for f in TIMED]


@pytest.mark.parametrize(("kind", "when"), KILLS, ids=[f"{k}-{w}" for k, w in KILLS])
def test_a_build_killed_at_any_moment_leaves_one_complete_set(
    two_sets: tuple[Path, dict[str, str], dict[str, str], float],
    kind: str,
    when: str | float,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    base, before, after, window = two_sets
    trial = tmp_path / "trial"
    shutil.copytree(base, trial, symlinks=True)
    if kind == "at":
        _kill_at_step(trial, str(when))
    elif kind == "running":
        _kill_after(trial, float(when), line="running toy")
    else:
        _kill_after(trial, float(when) * window)
    monkeypatch.chdir(trial)
    monkeypatch.setenv("KZMV_RAW_DIR", str(trial / "data" / "raw"))
    monkeypatch.setenv("KZMV_RAW_MIRROR", str(trial / "data" / "raw"))
    assert main(["data"]) == 0, "the next command must work"
    now = output_digests(trial)
    assert now in (before, after), "the outputs are a mixture"
    if kind == "at":
        assert now == after, "a kill inside the publish window: the next command completes the publish"
    if kind == "running":
        assert now == before, "a kill while the notebook runs: the previous set, untouched"
    result = build(overrides=NEW, log=lambda m: None)
    assert output_digests(trial) == after, "the next build differs from a clean one"
    again = build(overrides=NEW, log=lambda m: None)
    assert again.ran == [] and not again.rendered, "the cache disagrees with the outputs"
    assert (now == after) == (result.ran == []), "a completed publish needs no rerun; an undone one reruns"
    leftovers = [p.name for p in (trial / ".build").iterdir() if p.name.startswith(("stage-", "previous-"))]
    assert not leftovers or all(p.startswith("stage-") for p in leftovers), leftovers
