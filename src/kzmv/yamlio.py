"""Reading the project's YAML files quickly and safely.

PyYAML's pure-Python loader takes tens of milliseconds for the data
dictionary, which every table write reads; the C loader (libyaml) does the
same safe load several times faster. Both refuse arbitrary Python objects.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import yaml

try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Loader = yaml.SafeLoader  # type: ignore[misc]


T = TypeVar("T")


def once_per_file_version(parse: Callable[[Path], T]) -> Callable[[Path], T]:
    """Wrap ``parse(path)`` so that each version of a file is parsed once per process.

    For files read many times in one run (the manifest, the data dictionary). The
    file's mtime and size are part of the cache key, so an edited file is parsed
    again. The result is shared between callers: treat it as read-only.
    """

    @functools.lru_cache(maxsize=8)
    def parse_version(path: Path, mtime_ns: int, size: int) -> T:
        return parse(path)

    @functools.wraps(parse)
    def parsed(path: Path) -> T:
        info = path.stat()
        return parse_version(path, info.st_mtime_ns, info.st_size)

    return parsed


def load_yaml(path: Path) -> Any:
    """Parse a YAML file with a safe loader (C-accelerated where available)."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)


class _UniqueKeyLoader(_Loader):  # type: ignore[misc,valid-type]
    """The safe loader, refusing a mapping that gives one key twice.

    PyYAML silently keeps the last of two equal keys, so a parameter declared
    twice would lose its first declaration without a word.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key {key!r} is given twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_unique_yaml(path: Path) -> Any:
    """Parse a declaration file (``pipeline.yml``) safely, refusing a key given twice in one mapping."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)


def load_yaml_list(path: Path, key: str, what: str) -> list[Any]:
    """The list under ``key`` in a YAML file, or a PipelineError naming the file and the problem.

    ``what`` names the file for a person ("the data manifest", "the claims register").
    """
    from kzmv.errors import PipelineError

    try:
        doc = load_yaml(path)
    except FileNotFoundError:
        raise PipelineError(f"{path}: {what} is missing") from None
    except yaml.YAMLError as exc:
        raise PipelineError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get(key), list):
        raise PipelineError(f"{path}: expected a top-level '{key}' list")
    return doc[key]


def first_error(exc: Any) -> tuple[str, str]:
    """``(field, message)`` of a pydantic ValidationError's first problem, for a one-line message."""
    first = exc.errors()[0]
    return ".".join(str(p) for p in first["loc"]), first["msg"]
