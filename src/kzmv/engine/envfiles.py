"""Keeping the pip and conda environment files in agreement.

``requirements.in`` names the direct dependencies with pins; ``requirements.txt``
is the full pip lock for every supported Python (``make lock``: ``uv pip compile
--universal``), where a line may carry an environment marker because a pin
differs between Pythons or platforms (papermill needs aiohttp on Python 3.12
only, say); ``environment.yml`` (for conda users, conda-forge) is generated from
the two and from ``requires-python`` in ``pyproject.toml``, so that both paths
pin the same versions for the same Pythons. Run ``python -m kzmv.engine.envfiles``
to regenerate ``environment.yml``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet

from kzmv.paths import project_root


@dataclass(frozen=True)
class Pin:
    """One ``name==version`` line, with the environment marker it holds under (``""``: everywhere)."""

    name: str
    version: str
    marker: str = ""


def normalise(name: str) -> str:
    """A package name as PyPI compares them (``Jinja2``, ``jinja2`` and ``jinja_2`` are one)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def read_lock(path: Path) -> list[Pin]:
    """Every exact pin in a requirements file, in file order; comments and options are skipped.

    A line that is not a requirement, or pins with anything but ``==``, is an
    error: a lock that says less than it seems to would be worse than none.
    """
    pins = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith(("#", "-")):
            continue
        try:
            req = Requirement(line)
        except InvalidRequirement as exc:
            raise ValueError(f"{path.name}:{number}: not a requirement: {raw.strip()!r} ({exc})") from None
        specs = list(req.specifier)
        if len(specs) != 1 or specs[0].operator != "==":
            raise ValueError(f"{path.name}:{number}: {req.name} is not pinned with ==: {raw.strip()!r}")
        pins.append(Pin(normalise(req.name), specs[0].version, str(req.marker) if req.marker else ""))
    return pins


def read_pins(path: Path) -> dict[str, str]:
    """``{normalised name: version}``, for files where each package has one version everywhere.

    Raise ``ValueError`` naming the package if a file pins one differently under
    different markers: a caller that wants one version per name cannot use it.
    """
    versions: dict[str, set[str]] = {}
    for pin in read_lock(path):
        versions.setdefault(pin.name, set()).add(pin.version)
    split = {name: sorted(v) for name, v in versions.items() if len(v) > 1}
    if split:
        raise ValueError(f"{path.name} pins these differently by environment marker: {split}")
    return {name: v.pop() for name, v in versions.items()}


def disagreements(direct: list[Pin], lock: list[Pin]) -> list[str]:
    """Where the lock does not hold a direct pin, each as a sentence; empty if they agree.

    A direct pin must be in the lock at the same version, and the lock must not
    hold the package at another version where that pin applies.
    """
    locked: dict[str, set[str]] = {}
    for pin in lock:
        locked.setdefault(pin.name, set()).add(pin.version)
    wanted: dict[str, set[str]] = {}
    for pin in direct:
        wanted.setdefault(pin.name, set()).add(pin.version)
    problems = []
    for name, versions in sorted(wanted.items()):
        have = locked.get(name, set())
        if not have:
            problems.append(f"{name} is pinned in requirements.in but missing from requirements.txt")
        elif have != versions:
            problems.append(f"{name}: requirements.in pins {sorted(versions)}, requirements.txt {sorted(have)}")
    return problems


def requires_python(root: Path) -> str:
    """The Pythons the project supports, as ``pyproject.toml`` says (``>=3.11,<3.15``)."""
    with (root / "pyproject.toml").open("rb") as f:
        spec = tomllib.load(f)["project"]["requires-python"]
    SpecifierSet(spec)  # raises InvalidSpecifier if it is not one
    return spec.replace(" ", "")


def environment_yml(root: Path | None = None) -> str:
    """The text of ``environment.yml``: the supported Pythons and every direct pin, from conda-forge.

    conda has no environment markers, so a direct dependency pinned differently
    for different Pythons cannot be written here; that is an error naming it.
    """
    root = root or project_root()
    direct = read_lock(root / "requirements.in")
    problems = disagreements(direct, read_lock(root / "requirements.txt"))
    if problems:
        raise ValueError("requirements.in and requirements.txt disagree (run `make lock`): " + "; ".join(problems))
    conditional = sorted({p.name for p in direct if p.marker})
    if conditional:
        raise ValueError(f"environment.yml cannot pin by environment marker, as requirements.in does for {conditional}")
    lines = [
        "# Generated by `python -m kzmv.engine.envfiles` from requirements.in, requirements.txt and",
        "# pyproject.toml; do not edit. The same pins as the pip path; the project itself is installed",
        "# in editable mode by pip.",
        "name: kzmv",
        "channels:",
        "  - conda-forge",
        "dependencies:",
        f"  - python{requires_python(root)}",
        *(f"  - {pin.name}={pin.version}" for pin in sorted(direct, key=lambda p: p.name)),
        "  - pip",
        "  - pip:",
        "      - -e .",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    (project_root() / "environment.yml").write_text(environment_yml(), encoding="utf-8")
