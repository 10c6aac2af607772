"""Faults of the machine, as a user meets them: a full disk, a read-only folder.

A full disk is real here: the toy project lives on a small tmpfs, where the
machine lets the test mount one (as root; skipped otherwise, the injected
ENOSPC of ``test_publish.py`` still runs). File modes mean nothing to root,
so as root a folder is made read-only with the immutable flag (``chattr +i``),
which binds root too; as any other user, with ``chmod``. (Running the build
as ``nobody`` instead does not work here: the interpreter lives under /root.)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import write_toy_notebook
from toys import WRITE, make_toy, one_line, toy_env

from kzmv.engine.layout import output_digests

ROOT = Path(__file__).resolve().parents[1]
UNTOUCHED = "this build published nothing: data/processed, figures and report are as they were before it"


def _run(proj: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kzmv.cli", *args],
        capture_output=True,
        text=True,
        env=toy_env(proj, HOME=str(proj.parent / "home"), **extra),
        cwd=proj,
        check=False,
        timeout=180,
    )


# --- a full disk -----------------------------------------------------------------------------------------


@pytest.fixture
def small_disk() -> Iterator[Path]:
    """A 3 MiB tmpfs, unmounted afterwards; skip where mounting is not allowed."""
    where = Path(tempfile.mkdtemp(prefix="kzmv-full-"))
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(where)], capture_output=True, check=False
    )
    if mounted.returncode != 0:
        where.rmdir()
        pytest.skip("cannot mount a tmpfs here (not root, or no CAP_SYS_ADMIN)")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)
        where.rmdir()


def test_a_full_disk_in_a_notebook_is_one_message_naming_the_path(small_disk: Path) -> None:
    proj = make_toy(small_disk / "toy")
    (small_disk / "home").mkdir()
    assert _run(proj, "report").returncode == 0
    before = output_digests(proj)
    big = "(paths.figures_dir() / 'big.bin').write_bytes(b'x' * 8_000_000)"
    write_toy_notebook(proj / "notebooks" / "toy.ipynb", WRITE + big)
    result = _run(proj, "report")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    # the kernel filled the disk: either its own write fails, or papermill's write of the executed notebook
    assert "[Errno 28] No space left on device" in result.stderr or (
        f"no space left on device writing its executed notebook: {proj / '.build'}" in result.stderr
    ), result.stderr
    assert "free some space on that disk, then run the build again" in result.stderr
    assert output_digests(proj) == before
    assert not list((proj / ".build").glob("stage-*")), "the failed build's stage is removed, freeing its space"


def test_a_full_disk_while_staging_is_one_line_naming_the_path(small_disk: Path) -> None:
    proj = make_toy(small_disk / "toy")
    (small_disk / "home").mkdir()
    assert _run(proj, "report").returncode == 0
    (proj / "figures" / "large.bin").write_bytes(b"x" * 1_800_000)  # its copy in the stage will not fit
    before = output_digests(proj)
    result = _run(proj, "report", "-p", "toy.value=2")
    assert result.returncode == 2
    line = one_line(result.stderr)
    assert line.startswith(f"error: build failed: no space left on device: {proj / '.build'}"), line
    assert line.endswith(f"; free some space on that disk, then run the build again; {UNTOUCHED}")
    assert output_digests(proj) == before
    (proj / "figures" / "large.bin").unlink()
    assert _run(proj, "report", "-p", "toy.value=2").returncode == 0, "with space freed, the next build just works"


# --- permissions ---------------------------------------------------------------------------------------


@pytest.fixture
def read_only() -> Iterator[Callable[[Path], None]]:
    """Make a folder read-only for whoever runs the build: ``chmod a-w`` for a user, the immutable flag for root.

    Root ignores file modes, so as root a folder is made read-only with
    ``chattr +i`` (which binds root too); skipped where that is not allowed.
    Undone afterwards, so the temporary folders can be removed.
    """
    made: list[Path] = []

    def make(path: Path) -> None:
        if os.geteuid() == 0:
            done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
            if done.returncode != 0:
                pytest.skip(f"cannot make a folder read-only for root here: {done.stderr.decode().strip()}")
        else:
            path.chmod(0o555)
        made.append(path)

    yield make
    for path in made:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(path)], check=False)
        else:
            path.chmod(0o755)


@pytest.fixture
def toy(tmp_path: Path) -> Path:
    proj = make_toy(tmp_path / "toy")
    (tmp_path / "home").mkdir()
    assert _run(proj, "report").returncode == 0
    return proj


def test_a_read_only_published_folder_is_named_and_nothing_changes(
    toy: Path, read_only: Callable[[Path], None]
) -> None:
    before = output_digests(toy)
    read_only(toy / "figures")
    result = _run(toy, "report", "-p", "toy.value=2")
    assert result.returncode == 2
    assert one_line(result.stderr) == (
        f"error: cannot publish: {toy / 'figures'} is read-only; make it writable (`chmod u+w {toy / 'figures'}`) "
        "and run the build again; the published outputs are unchanged"
    )
    assert output_digests(toy) == before
    assert not list((toy / ".build").glob("stage-*")), "no copy is left in the staging area"


def test_an_unwritable_build_folder_is_one_line_naming_it(toy: Path, read_only: Callable[[Path], None]) -> None:
    (toy / ".build" / "lock").unlink()
    read_only(toy / ".build")
    result = _run(toy, "report", "-p", "toy.value=2")
    assert result.returncode == 2
    line = one_line(result.stderr)
    assert f": {toy / '.build' / 'lock'}; make it writable for you" in line, line
    assert line.startswith(("error: permission denied", "error: operation not permitted")), line


def test_read_only_leftovers_never_block_a_build_or_make_clean(toy: Path) -> None:
    """A dead build's stage with read-only folders and files (as a read-only published folder leaves it)."""
    dead = toy / ".build" / "stage-999999999"
    (dead / "figures").mkdir(parents=True)
    (dead / "figures" / "toy.svg").write_text("half")
    (toy / ".build" / "failed").mkdir()
    (toy / ".build" / "failed" / "toy.ipynb").write_text("{}")
    for path in (dead / "figures" / "toy.svg", dead / "figures", dead, toy / ".build" / "failed"):
        path.chmod(0o444 if path.is_file() else 0o555)
    result = _run(toy, "report", "-p", "toy.value=2")
    assert result.returncode == 0, result.stderr
    assert not dead.exists(), "the dead build's read-only stage was reclaimed"
    # `make clean` as the Makefile runs it, in a checkout of the toy with the venv and the code linked in
    for name in ("Makefile", "requirements.txt", "pyproject.toml"):
        shutil.copy(ROOT / name, toy / name)
    (toy / ".venv").symlink_to(ROOT / ".venv")
    (toy / "src").symlink_to(ROOT / "src")
    cleaned = subprocess.run(
        ["make", "--no-print-directory", "clean"],
        cwd=toy,
        env=toy_env(toy),
        capture_output=True,
        text=True,
        check=False,
    )
    assert cleaned.returncode == 0, cleaned.stderr
    assert not (toy / ".build").exists() and not (toy / ".venv").exists()
    assert (ROOT / ".venv" / "bin" / "python").exists(), "make clean removed the link, not the venv it points to"


def _as_other_user() -> list[str]:
    """A command prefix that runs the standard-library interpreter as a user whom file modes bind."""
    if os.geteuid() != 0:
        return [sys.executable]
    if shutil.which("setpriv") is None or not Path("/usr/bin/python3").exists():
        pytest.skip("root without setpriv or /usr/bin/python3: cannot run as a user whom file modes bind")
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3"]


@pytest.mark.parametrize("remover", ["shutil.rmtree", "kzmv.safe_files.remove_tree"])
def test_removal_gets_past_read_only_folders_as_a_user(remover: str) -> None:
    """The stage clean-up for a user, not root: plain rmtree is blocked by a read-only folder, remove_tree is not."""
    command = _as_other_user()
    base = Path(tempfile.mkdtemp(prefix="kzmv-ro-"))
    try:
        base.chmod(0o755)
        stage = base / "stage-1"
        (stage / "figures" / "deep").mkdir(parents=True)
        (stage / "figures" / "deep" / "a.svg").write_text("<svg/>")
        if os.geteuid() == 0:
            for current, dirs, files in os.walk(base):
                for name in [current, *(os.path.join(current, n) for n in dirs + files)]:
                    os.lchown(name, 65534, 65534)
        for path in (stage / "figures" / "deep" / "a.svg", stage / "figures" / "deep", stage / "figures"):
            path.chmod(0o444 if path.is_file() else 0o555)
        module, _, function = remover.rpartition(".")
        code = f"import sys; from pathlib import Path; from {module} import {function} as rm; rm(Path(sys.argv[1]))"
        done = subprocess.run(
            [*command, "-S", "-c", code, str(stage)],
            env={"PYTHONPATH": str(ROOT / "src"), "PATH": os.environ["PATH"]},
            capture_output=True,
            text=True,
            check=False,
        )
        if remover == "shutil.rmtree":
            assert done.returncode != 0 and "Permission denied" in done.stderr, "the control: modes do bind this user"
        else:
            assert done.returncode == 0, done.stderr
            assert not stage.exists()
    finally:
        subprocess.run(["chmod", "-R", "u+rwx", str(base)], check=False)
        shutil.rmtree(base, ignore_errors=True)
