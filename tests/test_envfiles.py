"""The pip and conda environment files pin the same versions."""

from __future__ import annotations

from pathlib import Path

import yaml

from kzmv.build.envfiles import environment_yml, normalise, read_pins


def test_environment_yml_is_generated_from_the_pins(root: Path) -> None:
    assert (root / "environment.yml").read_text() == environment_yml(root), "run `make env-files`"


def test_conda_and_pip_pin_the_same_versions(root: Path) -> None:
    conda = yaml.safe_load((root / "environment.yml").read_text())["dependencies"]
    pins = {normalise(d.split("=")[0]): d.split("=")[1] for d in conda if isinstance(d, str) and "=" in d}
    lock = read_pins(root / "requirements.txt")
    assert pins.pop("python") == "3.11"
    assert pins and all(lock[name] == version for name, version in pins.items())


def test_every_direct_dependency_is_locked(root: Path) -> None:
    direct = read_pins(root / "requirements.in")
    lock = read_pins(root / "requirements.txt")
    assert {"jupyterlab", "papermill", "pandas", "seaborn", "nbval"} <= set(direct)
    assert all(lock.get(n) == v for n, v in direct.items())
