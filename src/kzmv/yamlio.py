"""Reading the project's YAML files quickly and safely.

PyYAML's pure-Python loader takes tens of milliseconds for the data
dictionary, which every table write reads; the C loader (libyaml) does the
same safe load several times faster. Both refuse arbitrary Python objects.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Loader = yaml.SafeLoader  # type: ignore[misc]


def load_yaml(path: Path) -> Any:
    """Parse a YAML file with a safe loader (C-accelerated where available)."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
