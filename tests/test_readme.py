"""The README is for a newcomer: its first screen says what the report finds, the two commands with their
cost, how to explore and how to share; the internals live in docs/ARCHITECTURE.md."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
FIRST_SCREEN = README[: README.index("\n## ", README.index("## Two commands") + 1)]


def test_the_first_screen_has_the_finding_the_commands_their_cost_and_how_to_explore_and_share() -> None:
    assert "What it finds:" in FIRST_SCREEN and "![" in FIRST_SCREEN and "docs/report-screenshot.png" in FIRST_SCREEN
    for command in ("`make report`", "`make test`", "`make lab`", "`make pdf`"):
        assert command in FIRST_SCREEN, f"{command} is not on the README's first screen"
    assert re.search(r"Measured on a 2-core machine, \d{1,2} \w+ \d{4}", FIRST_SCREEN), "timings say where and when"
    assert len(re.findall(r"\b\d+(?:\.\d+)? (?:s|min)\b", FIRST_SCREEN)) >= 3, "install, first build, make test"
    assert "**Explore.**" in FIRST_SCREEN and "scratch/" in FIRST_SCREEN, "exploring says where it writes"
    assert "**Share.**" in FIRST_SCREEN
    assert len(FIRST_SCREEN.splitlines()) <= 45, "the first screen fits a screen"


def test_the_readme_is_short_and_sends_internals_to_the_architecture_document() -> None:
    assert len(README.splitlines()) <= 150, f"{len(README.splitlines())} lines"
    assert "docs/ARCHITECTURE.md" in README
    assert not re.search(r"\bsrc/kzmv/", README), "module paths belong in docs/ARCHITECTURE.md"


def test_no_internal_issue_numbers() -> None:
    for path in (ROOT / "README.md", ROOT / "docs" / "ARCHITECTURE.md"):
        found = re.findall(r"\bissues? #?\d+", path.read_text(encoding="utf-8"), re.IGNORECASE)
        assert not found, f"{path.name} names internal issues: {found}"
