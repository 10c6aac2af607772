"""The machines users really have: faults outside the build, tried as a user meets them.

Each test does what a user does: a real interrupted ``python -m venv``, a real
``cp -a`` of a built checkout, a real long ``TMPDIR``, a real ``LC_ALL=C`` with a
non-ASCII path, no writable home, a low open-files limit, and real SIGTERM and
SIGHUP, to ``make`` and to the build. The checkouts are small (a toy pipeline
beside the real package) so that the battery stays a small part of ``make test``.
The environments the tests make share the project environment's packages
through a path file (``zz-shared.pth``) and install only this checkout's own
package, as ``make`` does; what is tested is the check and the repair.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import write_toy_notebook
from toys import WRITE, cli, cli_process, make_toy, one_line, toy_env

from kzmv.engine.layout import SOCKET_PREFIX, BuildPaths, output_digests
from kzmv.engine.lock import build_lock

ROOT = Path(__file__).resolve().parents[1]
UNTOUCHED = "this build published nothing: data/processed, figures and report are as they were before it"
# A notebook cell that writes where the package it runs comes from, and its version, into the toy's figure.
WHICH_CODE = """import kzmv
from pathlib import Path
from kzmv import paths
for suffix in ("svg", "png"):
    (paths.figures_dir() / f"toy.{suffix}").write_text(f"{Path(kzmv.__file__).parent} {kzmv.__version__}")
(paths.processed_dir() / "toy.csv").write_text(f"v\\n{value}\\n")
"""


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KZMV_") and k not in ("MAKEFLAGS", "MFLAGS")}
    env |= {"KZMV_RAW_MIRROR": "/nonexistent", **extra}
    return env


def make(checkout: Path, *args: str, timeout: float = 300, **extra: str) -> subprocess.CompletedProcess[str]:
    """``make ARGS`` in ``checkout`` with its own Makefile, as a user types it."""
    return subprocess.run(
        ["make", "--no-print-directory", *args],
        capture_output=True,
        text=True,
        cwd=checkout,
        env=_env(**extra),
        check=False,
        timeout=timeout,
    )


def checkout_with_code(dest: Path, *cells: str) -> Path:
    """A toy pipeline in a checkout that holds the real package, Makefile and lock: a small project."""
    proj = make_toy(dest, *(cells or (WHICH_CODE,)))
    shutil.copytree(ROOT / "src", proj / "src", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("Makefile", "requirements.txt", "pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, proj / name)
    return proj


def shared_venv(proj: Path) -> Path:
    """A real ``python -m venv`` whose third-party packages are the project environment's, without the package.

    ``make`` then finds this checkout's package missing and installs it, as it would after a half-done
    install; uv comes from the project environment too.
    """
    venv = proj / ".venv"
    subprocess.run([sys._base_executable, "-m", "venv", "--without-pip", str(venv)], check=True)  # type: ignore[attr-defined]
    purelib = Path(sysconfig.get_path("purelib", vars={"base": str(venv), "platbase": str(venv)}))
    (purelib / "zz-shared.pth").write_text(sysconfig.get_path("purelib") + "\n")
    (venv / "bin" / "uv").symlink_to(Path(sys.executable).parent / "uv")
    return venv


def venv_check(proj: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(proj / ".venv" / "bin" / "python"), "src/kzmv/engine/venv.py", "check"],
        capture_output=True,
        text=True,
        cwd=proj,
        env=_env(),
        check=False,
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small checkout whose environment make repaired once, then built once."""
    proj = checkout_with_code(tmp_path_factory.mktemp("built") / "checkout")
    shared_venv(proj)
    done = make(proj, "report")
    assert done.returncode == 0, done.stderr
    assert "installing this checkout's package into it" in done.stderr
    return proj


# --- the environment repairs itself -------------------------------------------------------------------


def test_an_interrupted_first_install_is_rebuilt_by_the_next_command(tmp_path: Path) -> None:
    """Ctrl-C during `python -m venv` leaves a .venv without pip; the next make rebuilds it, saying so."""
    proj = checkout_with_code(tmp_path / "checkout")
    creating = subprocess.Popen([sys._base_executable, "-m", "venv", str(proj / ".venv")])  # type: ignore[attr-defined]
    deadline = time.monotonic() + 30
    while not (proj / ".venv" / "bin" / "python").exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    creating.send_signal(signal.SIGINT)
    creating.wait(timeout=60)
    assert venv_check(proj).returncode != 0, "the half-made environment is not taken as whole"
    done = make(proj, "venv", timeout=600)
    assert done.returncode == 0, done.stderr
    assert ".venv is broken (" in done.stderr and "rebuilding it with Python" in done.stderr
    assert "Traceback" not in done.stderr
    assert venv_check(proj).returncode == 0, "whole after one command, with no manual step"
    again = make(proj, "venv")
    assert again.returncode == 0 and again.stderr == "", "a whole environment is left alone, silently"


def test_a_venv_whose_python_was_removed_is_rebuilt(built: Path, tmp_path: Path) -> None:
    proj = tmp_path / "checkout"
    subprocess.run(["cp", "-a", str(built), str(proj)], check=True)
    shutil.rmtree(proj / ".venv")
    shared_venv(proj)
    for python in (proj / ".venv" / "bin").glob("python*"):
        python.unlink()
    done = make(proj, "report")
    assert done.returncode == 0, done.stderr
    assert ".venv is broken (it has no Python); rebuilding it" in done.stderr


def test_make_clean_works_where_the_project_cannot_be_imported(tmp_path: Path) -> None:
    """A .venv without the package (an interrupted install): make clean still removes what it owns."""
    proj = checkout_with_code(tmp_path / "checkout")
    subprocess.run([sys._base_executable, "-m", "venv", "--without-pip", str(proj / ".venv")], check=True)  # type: ignore[attr-defined]
    (proj / ".build" / "stage-999999999" / "figures").mkdir(parents=True)
    (proj / "scratch").mkdir()
    done = make(proj, "clean")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert not (proj / ".venv").exists() and not (proj / ".build").exists() and not (proj / "scratch").exists()


# --- a checkout runs its own code ----------------------------------------------------------------------


def test_a_copied_checkout_runs_its_own_code(built: Path, tmp_path: Path) -> None:
    """`cp -a` of a built checkout, a function edited in the copy: the copy's build runs the copy's code."""
    copy = tmp_path / "copy"
    subprocess.run(["cp", "-a", str(built), str(copy)], check=True)
    init = copy / "src" / "kzmv" / "__init__.py"
    init.write_text(init.read_text().replace('__version__ = "0.1.0"', '__version__ = "0.1.0+copy"'))
    done = make(copy, "report")
    assert done.returncode == 0, done.stderr
    assert "it runs another checkout's code" in done.stderr and "installing this checkout's package" in done.stderr
    assert (copy / "figures" / "toy.svg").read_text() == f"{copy / 'src' / 'kzmv'} 0.1.0+copy"
    assert (built / "figures" / "toy.svg").read_text() == f"{built / 'src' / 'kzmv'} 0.1.0", "the original as it was"


def test_a_build_run_by_hand_with_another_checkouts_code_stops_in_one_line(built: Path, tmp_path: Path) -> None:
    """`python -m kzmv.cli report` (no make) in a copy whose code differs: stopped before the cache lies."""
    copy = tmp_path / "copy"
    subprocess.run(["cp", "-a", str(built), str(copy)], check=True)
    init = copy / "src" / "kzmv" / "__init__.py"
    init.write_text(init.read_text() + "\n# edited in the copy\n")
    done = subprocess.run(
        [str(copy / ".venv" / "bin" / "python"), "-m", "kzmv.cli", "report", "-p", "toy.value=2"],
        capture_output=True,
        text=True,
        cwd=copy,
        env=_env(),
        check=False,
    )
    assert done.returncode == 2
    line = one_line(done.stderr)
    assert f"runs another checkout's code, from {built / 'src'}" in line and "run `make report`" in line
    assert (copy / "figures" / "toy.svg").read_text().endswith("0.1.0"), "nothing was built"


def test_a_moved_checkout_repairs_its_environment(built: Path, tmp_path: Path) -> None:
    """A checkout moved after its install: its .venv points at a src/ that is gone; make reinstalls it."""
    first, moved = tmp_path / "first", tmp_path / "moved"
    subprocess.run(["cp", "-a", str(built), str(first)], check=True)
    init = first / "src" / "kzmv" / "__init__.py"
    init.write_text(init.read_text() + "\n# this copy's own\n")
    assert make(first, "venv").returncode == 0  # installed from first/src
    first.rename(moved)
    done = make(moved, "report", PARAMS="toy.value=3")
    assert done.returncode == 0, done.stderr
    assert "installing this checkout's package into it" in done.stderr
    assert (moved / "figures" / "toy.svg").read_text().startswith(str(moved / "src" / "kzmv"))


# --- any environment a user may have ---------------------------------------------------------------------


def test_a_long_tmpdir_builds_over_tcp(tmp_path: Path) -> None:
    long = tmp_path / ("t" * 60) / ("m" * 60)
    long.mkdir(parents=True)
    proj = make_toy(tmp_path / "toy")
    done = cli(proj, "report", TMPDIR=str(long))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "ZMQError" not in done.stderr
    assert not list(long.glob(f"{SOCKET_PREFIX}*")), "the socket folder is removed"


def test_lc_all_c_with_a_non_ascii_path(built: Path, tmp_path: Path) -> None:
    """Python before 3.13 reads .pth files in the locale's encoding: make runs in a UTF-8 locale."""
    proj = tmp_path / "Données de test" / "checkout"
    proj.parent.mkdir()
    subprocess.run(["cp", "-a", str(built), str(proj)], check=True)
    init = proj / "src" / "kzmv" / "__init__.py"
    init.write_text(init.read_text() + "\n# installed from a path with an accent\n")
    for value in ("4", "5"):  # the first installs the package (its .pth names the path), the second starts from it
        done = make(proj, "report", PARAMS=f"toy.value={value}", LC_ALL="C", LANG="C")
        assert done.returncode == 0, done.stderr
        assert "Fatal Python error" not in done.stderr and "Traceback" not in done.stderr
    assert (proj / "figures" / "toy.svg").read_text().startswith(str(proj / "src" / "kzmv"))


def test_no_writable_home_gives_no_warnings_and_leaves_no_temporary_folders(tmp_path: Path) -> None:
    proj = make_toy(tmp_path / "toy")
    home, tmp = tmp_path / "home", tmp_path / "tmp"
    home.mkdir(mode=0o555)
    tmp.mkdir()
    if os.access(home, os.W_OK):  # root ignores modes: a home that does not exist is unwritable for all
        home = tmp_path / "no-such-home"
    done = cli(proj, "report", HOME=str(home), TMPDIR=str(tmp))
    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stderr and "not a writable location" not in done.stderr, done.stderr
    assert sorted(p.name for p in tmp.iterdir()) == [], "no temporary folder is left behind"


def test_a_low_open_files_limit_is_raised_or_named(tmp_path: Path) -> None:
    proj = make_toy(tmp_path / "toy")

    def limit(soft: int, hard: int) -> Callable[[], None]:
        return lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))

    env = toy_env(proj)
    run = [sys.executable, "-m", "kzmv.cli", "report"]
    raised = subprocess.run(run, capture_output=True, text=True, env=env, cwd=proj, preexec_fn=limit(64, 4096))
    assert raised.returncode == 0, raised.stderr
    low = subprocess.run(
        [*run, "-p", "toy.value=2"], capture_output=True, text=True, env=env, cwd=proj, preexec_fn=limit(64, 64)
    )
    assert low.returncode == 2
    assert one_line(low.stderr) == (
        "error: the limit on open files is 64 (`ulimit -n`), and its hard limit 64; a build needs 256: raise it "
        "(`ulimit -n 256`, or ask whoever runs this machine to raise the hard limit), then run again"
    )


# --- every signal is a clean stop -----------------------------------------------------------------------


def _wait_for(proc: subprocess.Popen[str], text: str, timeout: float = 60) -> None:
    assert proc.stderr is not None
    deadline = time.monotonic() + timeout
    seen: list[str] = []
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if text in line:
            return
        if not line:
            break
        seen.append(line)
    raise AssertionError(f"{text!r} never printed; the command printed: {''.join(seen)!r}")


def _nothing_left(proj: Path) -> None:
    build = proj / ".build"
    assert not [p.name for p in build.iterdir() if p.name.startswith(("stage-", "previous-", "run-"))]
    assert not (build / "lock.json").exists(), "no stale holder's note"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        alive = []
        for proc_dir in Path("/proc").glob("[0-9]*"):
            try:
                if (proc_dir / "cwd").resolve().is_relative_to(proj.resolve()):
                    alive.append(proc_dir.name)
            except OSError:
                continue
        if not alive:
            return
        time.sleep(0.1)
    raise AssertionError(f"processes of the build outlived it: {alive}")


@pytest.fixture
def slow_toy(tmp_path: Path) -> Path:
    proj = make_toy(tmp_path / "toy")
    assert cli(proj, "report").returncode == 0
    write_toy_notebook(proj / "notebooks" / "toy.ipynb", "import time; time.sleep(60)", WRITE)
    return proj


@pytest.mark.parametrize(("signum", "status"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_sigterm_and_sighup_stop_a_build_as_ctrl_c_does(slow_toy: Path, signum: int, status: int) -> None:
    before = output_digests(slow_toy)
    proc = cli_process(slow_toy, "report")
    _wait_for(proc, "running toy")
    time.sleep(1.5)  # the kernel is in the long cell
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == status
    assert one_line(err) == f"error: stopped by {signal.Signals(signum).name}: {UNTOUCHED}"
    assert output_digests(slow_toy) == before
    _nothing_left(slow_toy)


def test_sigterm_to_make_reaches_the_build_and_says_so(slow_toy: Path) -> None:
    """make passes SIGTERM on to the build, which stops cleanly: its own line, the lock released."""
    (slow_toy / ".venv").symlink_to(ROOT / ".venv")
    for name in ("requirements.txt", "pyproject.toml"):
        shutil.copy(ROOT / name, slow_toy / name)
    before = output_digests(slow_toy)
    proc = subprocess.Popen(
        ["make", "--no-print-directory", "-f", str(ROOT / "Makefile"), "report"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        cwd=slow_toy,
        env=toy_env(slow_toy),
    )
    _wait_for(proc, "running toy")
    time.sleep(1.5)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert f"error: stopped by SIGTERM: {UNTOUCHED}" in err and "Traceback" not in err
    assert output_digests(slow_toy) == before
    _nothing_left(slow_toy)
    with build_lock(BuildPaths(slow_toy), wait=False):
        pass  # free: no BuildBusyError


@pytest.mark.parametrize(("signum", "status"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_a_signal_during_the_publish_lets_it_finish_then_says_so(tmp_path: Path, signum: int, status: int) -> None:
    clean = make_toy(tmp_path / "clean")
    assert cli(clean, "report", "-p", "toy.value=2").returncode == 0
    proj = make_toy(tmp_path / "toy")
    assert cli(proj, "report").returncode == 0
    proc = cli_process(proj, "report", "-p", "toy.value=2", KZMV_TEST_PUBLISH_PAUSE="0.3")
    _wait_for(proc, "kzmv-test-hook: publish moved data/processed aside")
    proc.send_signal(signum)  # data/processed is out of place right now, figures still the old one
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == status
    assert one_line(err) == f"error: stopped by {signal.Signals(signum).name}: the new outputs were published in full"
    assert (proj / "figures").is_dir() and output_digests(proj) == output_digests(clean), "whole, no repair needed"
    _nothing_left(proj)


# --- tests and builds share the lock --------------------------------------------------------------------


def test_the_test_run_waits_for_a_build_of_the_same_checkout(slow_toy: Path) -> None:
    """What conftest does at the start of `make test`: wait for a running build, naming it."""
    from conftest import wait_for_builds

    write_toy_notebook(slow_toy / "notebooks" / "toy.ipynb", "import time; time.sleep(3)", WRITE)
    proc = cli_process(slow_toy, "report", "-p", "toy.value=2")
    _wait_for(proc, "running toy")
    said: list[str] = []
    started = time.monotonic()
    with wait_for_builds(slow_toy, said.append):
        assert (slow_toy / "figures" / "toy.svg").read_text() == "value=2", "the tests start once it has published"
    assert time.monotonic() - started > 1
    assert said and said[0].startswith(f"waiting for build {proc.pid} (`kzmv report`")
    proc.communicate(timeout=60)
