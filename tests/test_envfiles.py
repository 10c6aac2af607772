"""The pip and conda environment files pin the same versions, for the same Pythons."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kzmv.engine.envfiles import Pin, disagreements, environment_yml, read_lock, read_pins, requires_python


def test_environment_yml_is_generated_from_the_pins(root: Path) -> None:
    assert (root / "environment.yml").read_text() == environment_yml(root), "run `make env-files`"


def test_conda_and_pip_pin_the_same_versions(root: Path) -> None:
    conda = yaml.safe_load((root / "environment.yml").read_text())["dependencies"]
    specs = [d for d in conda if isinstance(d, str) and d != "pip"]
    python = [d for d in specs if d.startswith("python")]
    assert python == [f"python{requires_python(root)}"], "conda's Python range is pyproject's requires-python"
    pins = dict(d.split("=", 1) for d in specs if not d.startswith("python"))
    lock = {pin.name: pin.version for pin in read_lock(root / "requirements.txt")}
    assert pins and all(lock[name] == version for name, version in pins.items())


def test_every_direct_dependency_is_locked(root: Path) -> None:
    direct = read_pins(root / "requirements.in")
    assert {"jupyterlab", "papermill", "pandas", "seaborn", "nbval"} <= set(direct)
    assert disagreements(read_lock(root / "requirements.in"), read_lock(root / "requirements.txt")) == []


def test_the_lock_serves_every_supported_python_with_markers(root: Path) -> None:
    """One lock for all: a pin that only some Pythons need carries a marker (papermill needs aiohttp on 3.12)."""
    lock = read_lock(root / "requirements.txt")
    aiohttp = [pin for pin in lock if pin.name == "aiohttp"]
    assert len(aiohttp) == 1 and "3.12" in aiohttp[0].marker
    assert all(pin.marker == "" for pin in lock if pin.name in {"pandas", "numpy", "matplotlib"})


def _write(folder: Path, requirements_in: str, requirements_txt: str) -> Path:
    (folder / "requirements.in").write_text(requirements_in)
    (folder / "requirements.txt").write_text(requirements_txt)
    (folder / "pyproject.toml").write_text('[project]\nname = "x"\nrequires-python = ">= 3.11, < 3.15"\n')
    return folder


def test_markers_and_comments_are_read(tmp_path: Path) -> None:
    path = tmp_path / "requirements.txt"
    path.write_text(
        "# header\naiohttp==3.14.5 ; python_full_version == '3.12.*'\n    # via papermill\n"
        "Jinja2==3.1.6\ncolorama==0.4.6 ; sys_platform == 'win32'\n"
    )
    assert read_lock(path) == [
        Pin("aiohttp", "3.14.5", 'python_full_version == "3.12.*"'),
        Pin("jinja2", "3.1.6"),
        Pin("colorama", "0.4.6", 'sys_platform == "win32"'),
    ]


def test_an_unpinned_line_is_an_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "requirements.txt"
    path.write_text("pandas==3.1.1\nnumpy>=2\n")
    with pytest.raises(ValueError, match=r"requirements.txt:2: numpy is not pinned with =="):
        read_lock(path)


def test_a_package_pinned_by_marker_has_no_single_version(tmp_path: Path) -> None:
    path = tmp_path / "requirements.txt"
    path.write_text("foo==1 ; python_version < '3.12'\nfoo==2 ; python_version >= '3.12'\n")
    with pytest.raises(ValueError, match="foo"):
        read_pins(path)


def test_the_conda_file_takes_the_python_range_from_pyproject(tmp_path: Path) -> None:
    folder = _write(tmp_path, "pandas==3.1.1\n", "numpy==2.4.6\npandas==3.1.1\nyarl==1 ; python_version == '3.12'\n")
    text = environment_yml(folder)
    assert "  - python>=3.11,<3.15\n  - pandas=3.1.1\n  - pip\n" in text, "direct pins only, no marker lines"


def test_a_lock_that_disagrees_with_the_direct_pins_is_refused(tmp_path: Path) -> None:
    folder = _write(tmp_path, "pandas==3.1.1\nseaborn==0.13.2\n", "pandas==3.0.0\n")
    with pytest.raises(ValueError, match=r"pandas: requirements.in pins \['3.1.1'\].*seaborn .* missing"):
        environment_yml(folder)


def test_a_direct_pin_by_marker_cannot_go_into_the_conda_file(tmp_path: Path) -> None:
    folder = _write(tmp_path, "foo==1 ; python_version < '3.12'\n", "foo==1 ; python_version < '3.12'\n")
    with pytest.raises(ValueError, match=r"cannot pin by environment marker.*foo"):
        environment_yml(folder)
