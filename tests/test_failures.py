"""Failures end to end, as a user meets them: one line, a non-zero exit, published outputs untouched or whole.

Bad raw data runs on the real project; everything else on toy projects (see
``toys.py``), through the command line as ``make report`` runs it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from conftest import NO_PARAMETERS, write_toy_notebook
from toys import WRITE, cli, cli_process, make_toy, one_line, toy_env

from kzmv.engine.layout import copy_project, output_digests
from kzmv.figures.style import FigureText, figure_html

ROOT = Path(__file__).resolve().parents[1]
PANEL = "trade/kaz_trade_by_partner_2000_2025_wits_bns_panel.csv"


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """The project with its published outputs, without venv, caches or git."""
    return copy_project(ROOT, tmp_path / "project", with_outputs=True)


@pytest.fixture
def toy(tmp_path: Path) -> Path:
    """A toy project already built once (value=1), so that it has published outputs and a cache."""
    proj = make_toy(tmp_path / "toy")
    result = cli(proj, "report")
    assert result.returncode == 0, result.stderr
    return proj


def _env(copy: Path, raw: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KZMV_")}
    env.update({"KZMV_RAW_DIR": str(raw), "KZMV_RAW_MIRROR": str(raw)})
    return env


def test_bad_raw_data_stops_the_build_with_one_message(project_copy: Path, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(ROOT / "data" / "raw", raw)
    panel = raw / PANEL
    panel.write_bytes(panel.read_bytes().replace(b"\nCHN,2024,", b"\nXYZ,2024,", 1))
    manifest_path = project_copy / "data" / "sources.yml"
    manifest = yaml.safe_load(manifest_path.read_text())
    for entry in manifest["sources"]:
        if entry["path"] == PANEL:  # a user updating a raw file updates its manifest entry too
            entry["sha256"] = hashlib.sha256(panel.read_bytes()).hexdigest()
    manifest_path.write_text(yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True))
    before = output_digests(project_copy)
    result = subprocess.run(
        [sys.executable, "-m", "kzmv.cli", "report", "--force", "--only", "00_data_prep"],
        capture_output=True,
        text=True,
        env=_env(project_copy, raw),
        cwd=project_copy,
        check=False,
        timeout=300,
    )
    assert result.returncode == 2
    assert "notebook 00_data_prep failed in cell" in result.stderr
    assert "column 'iso3': expected a known ISO 3166-1 alpha-3 code, found 'XYZ'" in result.stderr
    assert PANEL.split("/")[-1] in result.stderr
    assert "Traceback" not in result.stderr
    assert output_digests(project_copy) == before, "a failed run must leave published outputs as they were"


def _processes_of(project: Path) -> list[str]:
    """Command lines of live processes working in ``project`` (the build runs there, each kernel in its run folder)."""
    found = []
    for proc_dir in Path("/proc").glob("[0-9]*"):
        try:
            if (proc_dir / "cwd").resolve().is_relative_to(project.resolve()):
                found.append((proc_dir / "cmdline").read_bytes().replace(b"\0", b" ").decode())
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return found


def _processes_left(project: Path, timeout: float = 10) -> list[str]:
    """The processes of ``project`` still alive after up to ``timeout`` s (kernels take a moment to exit)."""
    deadline = time.monotonic() + timeout
    while _processes_of(project) and time.monotonic() < deadline:
        time.sleep(0.1)
    return _processes_of(project)


def _wait_for_line(proc: subprocess.Popen[str], text: str, timeout: float = 60) -> list[str]:
    """Read ``proc``'s stderr until a line containing ``text``; return the lines read."""
    assert proc.stderr is not None
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        lines.append(line)
        if text in line:
            return lines
    raise AssertionError(f"{text!r} never printed; got {lines}")


def test_ctrl_c_while_a_notebook_runs_says_nothing_was_published(toy: Path) -> None:
    write_toy_notebook(toy / "notebooks" / "toy.ipynb", "print('started', flush=True)", "import time; time.sleep(60)")
    before = output_digests(toy)
    proc = cli_process(toy, "report")
    _wait_for_line(proc, "running toy")
    time.sleep(1.5)  # the kernel is up and in the long cell
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert one_line(err) == (
        "error: interrupted: this build published nothing: data/processed, figures and report are as they were before it"
    )
    assert output_digests(toy) == before
    assert _processes_left(toy) == [], "no kernel (nor the kernel template) outlives the interrupt"
    assert not list((toy / ".build").glob("stage-*"))


def test_ctrl_c_ends_the_build_even_if_a_cell_ignores_the_interrupt(toy: Path) -> None:
    # a cell deaf to SIGINT stands for every interrupt that is lost (one landing between two cells)
    write_toy_notebook(
        toy / "notebooks" / "toy.ipynb",
        # in one cell: ipykernel restores its own SIGINT handler before each request
        "import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\ntime.sleep(600)",
    )
    before = output_digests(toy)
    proc = cli_process(toy, "report")
    _wait_for_line(proc, "running toy")
    time.sleep(1.5)  # the kernel is up and in the long cell
    started = time.monotonic()
    proc.send_signal(signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=120)
    finally:
        proc.kill()  # if it hung: not left behind for the rest of the run (a no-op once it has exited)
    assert proc.returncode == 130
    assert one_line(err).startswith("error: interrupted: this build published nothing")
    assert time.monotonic() - started < 60, "the kernel that ignored the interrupt was killed, not waited for"
    assert output_digests(toy) == before
    assert _processes_left(toy) == [], "the deaf kernel does not outlive the build"


# Imported by a notebook's first cell: says when it started, then takes long enough that the build
# would wait for it if the failure of another notebook did not stop it.
SLOW_IMPORT = """import pathlib, time
pathlib.Path(__file__).with_name("importing").touch()
time.sleep(60)
"""


def test_a_failing_notebook_stops_the_kernel_of_another_still_in_its_imports(tmp_path: Path) -> None:
    """A sibling still busy in its first import when another notebook fails is stopped, not waited for."""
    toy = make_toy(tmp_path / "toy")
    (toy / "notebooks" / "slow_import.py").write_text(SLOW_IMPORT)
    pipeline = (toy / "pipeline.yml").read_text()
    side = "  - name: side\n    path: notebooks/side.ipynb\n    title: Side\n    writes: {figures: [side]}\n"
    (toy / "pipeline.yml").write_text(pipeline + side)
    code = "import sys; sys.path.insert(0, '" + str(toy / "notebooks") + "'); import slow_import"
    write_toy_notebook(toy / "notebooks" / "side.ipynb", code, params=NO_PARAMETERS)
    write_toy_notebook(
        toy / "notebooks" / "toy.ipynb",
        "import pathlib, time\n"
        "for _ in range(600):\n"
        f"    if pathlib.Path({str(toy / 'notebooks' / 'importing')!r}).exists():\n"
        "        break\n"
        "    time.sleep(0.05)\n"
        "raise ValueError('toy fails while side imports')",
    )
    started = time.monotonic()
    result = cli(toy, "report", "--jobs", "2", timeout=120)
    assert result.returncode == 2
    assert "toy fails while side imports" in one_line(result.stderr)
    assert (toy / "notebooks" / "importing").exists(), "the other kernel was in its import when toy failed"
    assert time.monotonic() - started < 45, "the other notebook was stopped, not waited for"
    assert _processes_left(toy) == [], "no kernel outlives the build"


def test_ctrl_c_while_publishing_finishes_the_publish_and_says_so(toy: Path, tmp_path: Path) -> None:
    clean = make_toy(tmp_path / "clean")
    assert cli(clean, "report", "-p", "toy.value=2").returncode == 0
    proc = cli_process(toy, "report", "-p", "toy.value=2", KZMV_TEST_PUBLISH_PAUSE="0.3")
    _wait_for_line(proc, "kzmv-test-hook: publish moved data/processed aside")
    proc.send_signal(signal.SIGINT)  # data/processed is out of place right now
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert one_line(err) == "error: interrupted: the new outputs were published in full"
    assert output_digests(toy) == output_digests(clean)
    assert "ran 0 notebook(s)" in cli(toy, "report", "-p", "toy.value=2").stderr, "the cache agrees"


def test_a_dead_kernel_names_the_notebook_and_the_cell(toy: Path) -> None:
    write_toy_notebook(
        toy / "notebooks" / "toy.ipynb", WRITE, "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"
    )
    before = output_digests(toy)
    result = cli(toy, "report")
    assert result.returncode == 2
    line = one_line(result.stderr)
    assert line.startswith("error: notebook toy: its kernel died while running cell 4 (`import os, signal`)"), line
    assert output_digests(toy) == before


def test_a_second_build_waits_for_the_first_naming_it(toy: Path) -> None:
    write_toy_notebook(toy / "notebooks" / "toy.ipynb", "import time; time.sleep(2)", WRITE)
    first = cli_process(toy, "report", "-p", "toy.value=2")
    _wait_for_line(first, "running toy")
    busy = cli(toy, "report", "--no-wait", "-p", "toy.value=3")
    assert busy.returncode == 75
    assert one_line(busy.stderr).startswith(f"error: build {first.pid} (`kzmv report`, running for ")
    assert "is running in this checkout; try again when it has finished" in busy.stderr
    cleaning = cli(toy, "clean", "--no-wait")
    assert cleaning.returncode == 75 and (toy / ".build" / "cache.json").exists(), "clean never pulls a stage away"
    second = cli(toy, "report", "-p", "toy.value=3")
    first.communicate(timeout=60)
    assert first.returncode == 0 and second.returncode == 0, second.stderr
    assert f"waiting for build {first.pid} (`kzmv report`, running for" in second.stderr
    assert (toy / "figures" / "toy.svg").read_text() == "value=3", "the second build ran after the first, whole"
    assert "ran 0 notebook(s)" in cli(toy, "report", "-p", "toy.value=3").stderr, "and the cache agrees"


def test_a_waiting_build_never_names_a_build_that_is_gone(tmp_path: Path) -> None:
    """A note left by a finished or killed build must not be read as the name of the running one."""
    from kzmv.engine.layout import BuildPaths
    from kzmv.engine.lock import build_lock

    paths = BuildPaths(tmp_path)
    with build_lock(paths, command="kzmv report"):
        note = json.loads(paths.holder_file.read_text())
        assert note["pid"] == os.getpid() and note["command"] == "kzmv report"
    assert not paths.holder_file.exists(), "a build that ends takes its note with it"
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    paths.holder_file.write_text(json.dumps({"pid": int(gone.stdout), "command": "kzmv report", "since": 0}))
    lines: list[str] = []
    with build_lock(paths, command="kzmv report", log=lines.append):
        pass
    assert lines == [], "the lock was free: nobody is waited for"
    from kzmv.engine import lock as lock_module

    assert lock_module.holder_description(paths) == "another build", "a dead process's note names no one"


def test_the_lock_of_a_killed_build_is_taken_over_at_once(toy: Path) -> None:
    write_toy_notebook(toy / "notebooks" / "toy.ipynb", "import time; time.sleep(60)")
    first = cli_process(toy, "report")
    _wait_for_line(first, "running toy")
    first.kill()
    first.communicate(timeout=30)
    holder = json.loads((toy / ".build" / "lock.json").read_text())
    assert holder["pid"] == first.pid, "the dead build's record is still there..."
    write_toy_notebook(toy / "notebooks" / "toy.ipynb", WRITE)
    started = time.monotonic()
    result = cli(toy, "report", "--no-wait")
    assert result.returncode == 0, result.stderr
    assert "waiting" not in result.stderr and time.monotonic() - started < 60, "...but its lock is not"
    assert not [p for p in (toy / ".build").iterdir() if p.name.startswith(("stage-", "previous-"))]


def test_params_never_reach_a_shell(toy: Path, tmp_path: Path) -> None:
    marks = [tmp_path / name for name in ("semicolon", "backticks", "make-shell", "dollar")]
    params = f"toy.value=2;touch {marks[0]} `touch {marks[1]}` $(shell touch {marks[2]}) $$(touch {marks[3]})"
    # the project's Makefile, run in the toy with the project's environment (whole: the toy has no src/ of its own)
    (toy / ".venv").symlink_to(ROOT / ".venv")
    for name in ("requirements.txt", "pyproject.toml"):
        shutil.copy(ROOT / name, toy / name)
    make = ["make", "--no-print-directory", "-f", str(ROOT / "Makefile"), "report"]
    env = toy_env(toy)
    result = subprocess.run([*make, f"PARAMS={params}"], capture_output=True, text=True, env=env, cwd=toy, check=False)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "toy.value: expected a decimal whole number, got '2;touch'" in result.stderr, "PARAMS is checked as data"
    assert not [m for m in marks if m.exists()], "no part of PARAMS was run"
    ok = subprocess.run([*make, "PARAMS=toy.value=3"], capture_output=True, text=True, env=env, cwd=toy, check=False)
    assert ok.returncode == 0, ok.stderr
    assert (toy / "figures" / "toy.svg").read_text() == "value=3"


def test_a_wrong_pipeline_is_one_line_and_exit_2(toy: Path) -> None:
    text = (toy / "pipeline.yml").read_text()
    duplicate = text + text.split("notebooks:\n")[1]  # the same notebook listed twice
    (toy / "pipeline.yml").write_text(duplicate)
    result = cli(toy, "report")
    assert result.returncode == 2
    assert (
        one_line(result.stderr)
        == f"error: {toy / 'pipeline.yml'}: notebook name 'toy' is used twice; give every notebook its own name"
    )


def test_a_bug_is_one_line_with_the_traceback_saved(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    from kzmv import cli as command_line

    def broken(args: object) -> None:
        raise TypeError("an example bug")

    monkeypatch.setattr(command_line, "_cmd_data", broken)
    assert command_line.main(["data"]) == 1
    line = one_line(capsys.readouterr().err)
    assert line.startswith("internal error (a bug, not your input): TypeError: an example bug; the traceback is in ")
    saved = Path(line.rsplit(" ", 1)[1])
    assert "raise TypeError" in saved.read_text()
    saved.unlink()


def test_figure_captions_and_alt_text_escape_data_strings(tmp_path: Path) -> None:
    svg = tmp_path / "x.svg"
    svg.write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    text = FigureText(title='<img src=x onerror="alert(1)">', subtitle="a & b", source="Source: <b>", alt='"quoted"')
    page = figure_html(svg, "x", text)
    assert "<img src=x" not in page and "&lt;img src=x" in page
    assert 'alt="&quot;quoted&quot;"' in page and "a &amp; b" in page
