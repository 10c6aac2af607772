"""Which Pythons the project supports is said once per file, and the same everywhere.

The Makefile finds one of them on the PATH by running each candidate (a pyenv
shim for a version that is not installed exists but fails), and stops at once,
with one line, when there is none.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet

from kzmv.engine.envfiles import requires_python

MAKE = shutil.which("make")


def _makefile_versions(root: Path) -> list[str]:
    match = re.search(r"^PYTHON_VERSIONS := (.+)$", (root / "Makefile").read_text(), re.MULTILINE)
    assert match, "the Makefile names the supported versions in PYTHON_VERSIONS"
    return match[1].split()


def test_makefile_pyproject_and_readme_name_the_same_pythons(root: Path) -> None:
    supported = SpecifierSet(requires_python(root))
    minors = [f"3.{m}" for m in range(30, 5, -1) if f"3.{m}.0" in supported]
    assert minors == _makefile_versions(root), "Makefile's PYTHON_VERSIONS, newest first, = requires-python"
    assert "3.11.2" in supported, "Debian 12's Python"
    listed = ", ".join(reversed(minors[1:])) + f" or {minors[0]}"
    assert f"CPython {listed}" in (root / "README.md").read_text(), "the README's two commands name them"


def test_the_interpreter_running_the_tests_is_supported(root: Path) -> None:
    assert SpecifierSet(requires_python(root)).contains(".".join(map(str, sys.version_info[:3])))


def _fake(folder: Path, name: str, script: str) -> None:
    path = folder / name
    path.write_text(f"#!/bin/sh\n{script}\n")
    path.chmod(0o755)


@pytest.fixture
def bin_dir(tmp_path: Path) -> Path:
    """A PATH of broken pyenv shims, as on a machine whose pyenv lacks these versions."""
    folder = tmp_path / "bin"
    folder.mkdir()
    (folder / "echo").symlink_to(shutil.which("echo") or "/bin/echo")  # what the recipes run
    for name in ("python3.14", "python3.13", "python3", "python"):
        _fake(folder, name, f'echo "pyenv: {name}: command not found" >&2; exit 127')
    return folder


def _make(root: Path, bin_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert MAKE is not None
    env = {**os.environ, "PATH": str(bin_dir)}
    # `make test PYTHON=...` hands PYTHON to every make below it through MAKEFLAGS: drop that too
    for name in ("PYTHON", "MAKEFLAGS", "MFLAGS", "MAKELEVEL"):
        env.pop(name, None)
    return subprocess.run(
        [MAKE, "--no-print-directory", "-f", str(root / "Makefile"), *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.skipif(MAKE is None, reason="needs make")
def test_make_runs_each_candidate_and_takes_the_first_that_works(root: Path, bin_dir: Path) -> None:
    (bin_dir / "python3.12").symlink_to(sys.executable)  # a working, supported CPython
    done = _make(root, bin_dir, "which-python")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(bin_dir / "python3.12"), "the broken python3.13 shim was passed over"


@pytest.mark.skipif(MAKE is None, reason="needs make")
def test_without_a_supported_python_make_stops_at_once_with_one_line(root: Path, bin_dir: Path) -> None:
    venv = bin_dir.parent / "venv"
    started = time.monotonic()
    done = _make(root, bin_dir, "venv", f"VENV={venv}")
    assert done.returncode != 0 and time.monotonic() - started < 10
    assert not venv.exists(), "nothing was installed"
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert "no CPython 3.11 to 3.14 on the PATH" in lines[0]
    assert "python3.14, python3.13, python3.12, python3.11, python3, python" in lines[0]
    assert "make PYTHON=" in lines[0]


@pytest.mark.skipif(MAKE is None, reason="needs make")
def test_a_python_named_that_is_not_supported_is_refused(root: Path, bin_dir: Path) -> None:
    _fake(bin_dir, "python3.10", 'echo "Python 3.10"; exit 1')
    done = _make(root, bin_dir, "which-python", f"PYTHON={bin_dir / 'python3.10'}")
    assert done.returncode != 0
    assert f"PYTHON={bin_dir / 'python3.10'} does not run as CPython 3.11 to 3.14" in done.stderr


def test_clean_executed_drops_the_kernels_python_version() -> None:
    import nbformat

    from kzmv.engine.runner import clean_executed

    nb = nbformat.v4.new_notebook()
    nb.metadata["language_info"] = {"name": "python", "version": "3.13.0", "pygments_lexer": "ipython3"}
    assert clean_executed(nb).metadata["language_info"] == {"name": "python", "pygments_lexer": "ipython3"}


def test_nothing_of_the_interpreter_the_machine_or_the_user_is_in_the_outputs(root: Path) -> None:
    """The committed outputs must come out the same on every supported Python, machine and account."""
    import getpass
    import platform

    telltales = {
        platform.python_version(),
        f"python{sys.version_info[0]}.{sys.version_info[1]}",
        sys.prefix,
        sys.base_prefix,
        str(root),
        str(Path.home()),
        f"/home/{getpass.getuser()}",
    }
    host = platform.node()
    if len(host) >= 6:  # a short name like "vm" turns up by chance in any PNG
        telltales.add(host)
    outputs = [p for rel in ("data/processed", "figures", "report") for p in sorted((root / rel).rglob("*"))]
    found = {
        (p.relative_to(root).as_posix(), t)
        for p in outputs
        if p.is_file() and p.suffix != ".png"
        for t in telltales
        if t.encode() in p.read_bytes()
    }
    assert not found
