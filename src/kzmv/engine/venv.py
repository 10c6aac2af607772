"""The project's virtual environment, checked before every command and repaired in one line.

``make`` runs this file as a script before any command that needs ``.venv``
(standard library only: it must run when the environment is broken):

* ``check``, run by ``.venv/bin/python`` itself, in a few tens of milliseconds:
  the environment is whole when its Python runs, every pinned tool the
  project needs can be found, the package it runs is *this* checkout's code
  (a copied or moved checkout's ``.venv`` still runs the original's ``src/``,
  which matters as soon as one of the two is edited), and the stamp says it
  was installed from today's ``requirements.txt`` and ``pyproject.toml``. It
  exits 0 when whole, else prints the reason and exits 1.
* ``ensure``, run by a supported base Python when the check failed: it says
  in one line what is wrong and what it does, then repairs only that part
  (the package, the pinned requirements, or, for a half-made or broken
  environment, the whole of it).

Installs use ``uv`` (pinned in ``requirements.txt``, itself installed from
the package index as a wheel) when it runs here, which makes a fresh set-up
several times faster than pip; pip is the fallback. Either way the same lock is
installed. The stamp is written last, so an install stopped midway (Ctrl-C, a
full disk) is redone by the next command instead of trusted.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

STAMP = ".kzmv-installed.json"
# What every command needs: if any of these cannot be found, the environment is not whole.
REQUIRED = (
    "kzmv",
    "papermill",
    "nbclient",
    "nbformat",
    "ipykernel",
    "jupyter_client",
    "pandas",
    "matplotlib",
    "seaborn",
    "pandera",
    "pydantic",
    "yaml",
    "filelock",
    "nbval",
    "pytest",
    "jupyterlab",
)


def wanted(root: Path) -> dict[str, str]:
    """What the stamp must say: the lock and the project metadata the environment was installed from."""
    digest = hashlib.sha256()
    for name in ("requirements.txt", "pyproject.toml"):
        digest.update((root / name).read_bytes())
    return {"installed_from": digest.hexdigest()}


def package_digest(folder: Path) -> str:
    """The content of a copy of the package (its code and templates), to tell two copies apart."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def foreign_package(root: Path, running: Path) -> Path | None:
    """Where the package that runs comes from, if it is not this checkout's and its code differs; else None.

    A copied checkout whose ``.venv`` still points at the original's ``src/``
    runs the same code until one of the two is edited: only then does it matter.
    """
    own = (root / "src" / "kzmv").resolve()
    running = running.resolve()
    if running == own or not own.is_dir():
        return None
    return running if not running.is_dir() or package_digest(running) != package_digest(own) else None


def problem(root: Path, venv: Path) -> str | None:
    """Why the running interpreter's environment (``venv``) is not whole for ``root``, or None if it is."""
    missing = [name for name in REQUIRED if importlib.util.find_spec(name) is None]
    if missing == ["kzmv"]:
        return "package:the project's package is not installed in it"
    if missing:
        return f"{', '.join(missing)} cannot be imported"
    spec = importlib.util.find_spec("kzmv")
    if spec is None or not spec.origin:
        return "package:the project's package is not installed in it"
    foreign = foreign_package(root, Path(spec.origin).parent)
    if foreign is not None:
        return f"package:it runs another checkout's code, from {foreign.parent}, not this checkout's src/"
    try:
        stamp = json.loads((venv / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        stamp = None
    if stamp != wanted(root):
        return "requirements:it was not installed from today's requirements.txt and pyproject.toml"
    return None


def _run(cmd: list[str], what: str) -> None:
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        lines = [line for line in (done.stderr or done.stdout).splitlines() if line.strip()]
        raise SystemExit(
            f"error: {what} failed ({lines[-1].strip() if lines else f'exit {done.returncode}'}); "
            "check your network connection to the package index, then run the command again"
        )


def _uv(venv: Path) -> Path | None:
    """``uv`` in the environment, installed there from the package index if needed; None where it cannot run."""
    uv = venv / "bin" / "uv"
    if not uv.exists():
        lock = (venv.parent / "requirements.txt").read_text(encoding="utf-8").splitlines()
        pin = next((line.strip() for line in lock if line.startswith("uv==")), "uv")
        subprocess.run(
            [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", pin],
            capture_output=True,
            check=False,
        )
    if uv.exists() and subprocess.run([str(uv), "--version"], capture_output=True, check=False).returncode == 0:
        return uv
    return None


def _install(venv: Path, requirements: bool) -> str:
    """Install the pinned requirements (if asked) and this checkout's package; return which installer did."""
    python = str(venv / "bin" / "python")
    uv = _uv(venv)
    if uv is not None:
        base = [str(uv), "pip", "install", "--quiet", "--python", python]
        if requirements:
            # uv leaves modules uncompiled, and Python compiles and caches each on its first import; where it
            # may not write that cache (PYTHONDONTWRITEBYTECODE, as on many CI machines) every kernel and test
            # process would compile pandas and matplotlib again. Measured on 2 cores: compiling at install costs
            # 11 s, and without it `make test` in a fresh clone took 8 min instead of 5 where nothing is cached
            compile_now = ["--compile-bytecode"] if sys.flags.dont_write_bytecode else []
            _run([*base, *compile_now, "-r", "requirements.txt"], "installing the pinned requirements with uv")
        _run([*base, "--no-deps", "--reinstall-package", "kzmv", "-e", "."], "installing the project with uv")
        return "uv"
    base = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    if requirements:
        _run([*base, "-r", "requirements.txt"], "installing the pinned requirements with pip")
    _run([*base, "--no-deps", "-e", "."], "installing the project with pip")
    return "pip"


def _create(venv: Path) -> None:
    """A new environment made with this (supported, base) Python, replacing whatever was there."""
    if venv.is_symlink():
        venv.unlink()
    shutil.rmtree(venv, ignore_errors=True)
    if venv.exists():
        raise SystemExit(f"error: cannot remove the broken {venv}; remove it by hand (rm -rf {venv}) and run again")
    _run([sys.executable, "-m", "venv", str(venv)], f"creating {venv} with {sys.executable}")


def _write_stamp(root: Path, venv: Path) -> None:
    tmp = venv / f"{STAMP}.tmp"
    tmp.write_text(json.dumps(wanted(root)), encoding="utf-8")
    os.replace(tmp, venv / STAMP)


def _check_from_outside(venv: Path) -> tuple[int, str]:
    """Run ``check`` with the environment's own Python: (exit status, reason)."""
    python = venv / "bin" / "python"
    if not python.exists():
        return 127, "it has no Python" if venv.exists() else ""
    try:
        done = subprocess.run(
            [str(python), __file__, "check"], capture_output=True, text=True, check=False, timeout=120
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return 126, f"its Python does not run ({exc})"
    if done.returncode not in (0, 1):
        last = [line for line in done.stderr.splitlines() if line.strip()][-1:] or [f"exit {done.returncode}"]
        return done.returncode, f"its Python does not run ({last[0].strip()})"
    return done.returncode, done.stdout.strip()


def ensure(root: Path, venv: Path) -> None:
    """Make ``venv`` whole for ``root``, saying in one line what was wrong and what was done."""
    started = time.monotonic()
    status, reason = _check_from_outside(venv)
    if status == 0:
        return
    kind, _, text = reason.partition(":") if re.match(r"^(package|requirements):", reason) else ("", "", reason)
    version = f"Python {sys.version.split()[0]}"
    if not venv.exists():
        print(
            f"Creating {venv.name} with {version} and the pinned packages (once; about half a minute)", file=sys.stderr
        )
        _create(venv)
        how = _install(venv, requirements=True)
    elif kind == "package":
        print(f"{venv.name}: {text}; installing this checkout's package into it", file=sys.stderr)
        how = _install(venv, requirements=False)
    elif kind == "requirements":
        print(f"{venv.name}: {text}; installing the pinned packages", file=sys.stderr)
        how = _install(venv, requirements=True)
    else:
        print(f"{venv.name} is broken ({text}); rebuilding it with {version}", file=sys.stderr)
        _create(venv)
        how = _install(venv, requirements=True)
    _write_stamp(root, venv)
    status, reason = _check_from_outside(venv)
    if status != 0:
        raise SystemExit(f"error: {venv} is still not whole after repairing it ({reason}); remove it and run again")
    print(f"{venv.name} is ready ({how}, {time.monotonic() - started:.0f} s)", file=sys.stderr)


def main(argv: list[str]) -> int:
    root = Path.cwd()
    venv = root / ".venv"
    if argv == ["check"]:
        found = problem(root, Path(sys.prefix))
        if found:
            print(found)
            return 1
        return 0
    if argv == ["ensure"]:
        ensure(root, venv)
        return 0
    print("usage: python src/kzmv/engine/venv.py check|ensure (from the checkout's root)", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
