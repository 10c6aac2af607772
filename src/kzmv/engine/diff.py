"""What changed: which verdicts, key-finding numbers and figure tables moved between two sets of outputs.

A report like this one is rebuilt because a publisher revised its data, a
reader tried other parameters, or someone changed the code. Tools that compare
datasets or files (OWID's ``etl diff``, DVC, git) stop at the data layer; a
reader wants to know which *findings* moved. Everything needed to say so is
committed: the claims ledger with its verdicts, the key findings the argument
displays, and the processed table behind every figure. So the diff works on
two **output sets**, each read either from a folder (the working tree, or a
build's stage before it is published) or from a git revision (``git show``;
no rebuild), and reports, in this order:

1. the verdicts that changed (any column of the ledger whose name says
   ``verdict`` or ``robust``, so that a new verdict scale is reported as it
   appears), with the measure before and after: the why;
2. the key-finding sentences whose numbers changed, sentence by sentence;
3. for each figure's table (the cut of ``data/processed/<table>.csv`` the
   figure declares, one per panel), how many rows changed and the largest
   change in the column's unit (``data/dictionary.yml``);
4. figures added or removed.

It also names the inputs that differ, where the outputs record them: the
parameters each executed notebook ran with, and the raw releases in use.

Everything here is a pure function of the two sets, and a part a set lacks
(an old revision without a ledger, or without figure metadata) is left out
with a note rather than failing, so that ``make diff`` works against any
earlier commit. :func:`render_text` writes for a reader, :func:`render_json`
the same as data, and :func:`summary` the one paragraph a build ends with.
"""

from __future__ import annotations

import csv
import dataclasses
import difflib
import functools
import io
import json
import math
import re
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml

from kzmv.engine.figure_panel import FigureInfo, TableCut
from kzmv.errors import PipelineError
from kzmv.paths import PUBLISHED
from kzmv.story.display import FINDINGS_KEY
from kzmv.story.numbers import with_minus

LEDGER = "data/processed/claims.csv"
NOTEBOOKS = "report/notebooks"
DICTIONARY = "data/dictionary.yml"
MANIFEST = "data/sources.yml"
# ledger columns whose change is a change of verdict: today's `verdict`, and whatever verdict scale
# (a robustness share, say) the ledger grows next
VERDICT_COLUMN = re.compile(r"verdict|robust", re.IGNORECASE)
# a number as prose writes it: a sign (hyphen or U+2212 minus) only where it cannot be a range's dash
# ("2019-2020" is two numbers), thousands separated by commas, decimals with a point
NUMBER = re.compile(r"(?<![\w.,])[+\-\u2212]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\u201c\"'(])")
# integer columns that identify a row rather than measure something (UN country codes, source numbers)
ID_COLUMN = re.compile(r"(^|_)(no|code|ccode|id|rank)$|^ccode$")
KEY_NAMES = re.compile(r"(^|_)(year|month|date|period|window|quarter)(_|$)")


# --- output sets ---------------------------------------------------------------------------------------------


class Outputs(Protocol):
    """One set of outputs: files read by their path relative to the project."""

    label: str

    def read(self, rel: str) -> bytes | None:
        """The file's bytes, or None if the set has no such file."""
        ...

    def listing(self, folder: str) -> list[str]:
        """The files directly in ``folder`` (relative paths, sorted)."""
        ...


@dataclass
class FolderOutputs:
    """Outputs in a folder: the working tree, or a build's stage (whose other files are the checkout's)."""

    base: Path
    label: str = "the working tree"
    checkout: Path | None = None  # where files outside the published folders live, if not in ``base``

    def _path(self, rel: str) -> Path:
        published = rel.startswith(tuple(f"{folder}/" for folder in PUBLISHED))
        return self.base / rel if published or self.checkout is None else self.checkout / rel

    def read(self, rel: str) -> bytes | None:
        try:
            return self._path(rel).read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None

    def listing(self, folder: str) -> list[str]:
        path = self._path(f"{folder}/")
        if not path.is_dir():
            return []
        return sorted(f"{folder}/{p.name}" for p in path.iterdir() if p.is_file())


class GitOutputs:
    """Outputs as committed at a git revision, read with ``git show`` (nothing is checked out or rebuilt)."""

    def __init__(self, repo: Path, ref: str) -> None:
        self.repo = repo
        self.ref = ref
        if not ref or ref.startswith("-") or any(c.isspace() or c == "\0" for c in ref):
            raise PipelineError(f"REF={ref!r}: not a revision; give a commit, branch or tag (e.g. REF=HEAD~1)")
        self.commit = self._git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", what=ref).decode().strip()
        self.label = self.commit[:7] if self.commit.startswith(ref) else f"{ref} ({self.commit[:7]})"
        names = self._git("ls-tree", "-r", "--name-only", "-z", self.commit, what=ref).decode("utf-8", "replace")
        self.files = frozenset(name for name in names.split("\0") if name)

    def _git(self, *args: str, what: str) -> bytes:
        try:
            done = subprocess.run(["git", "-C", str(self.repo), *args], capture_output=True, check=False, timeout=60)
        except FileNotFoundError:
            raise PipelineError(
                "make diff reads committed outputs with git, which is not installed; install git"
            ) from None
        if done.returncode != 0:
            if not (self.repo / ".git").exists() and b"not a git repository" in done.stderr:
                raise PipelineError(f"{self.repo} is not a git checkout; make diff compares with a git revision")
            raise PipelineError(
                f"REF={what}: no such revision in {self.repo}; give a commit, branch or tag "
                "(e.g. REF=HEAD~1, REF=main; `git log --oneline` lists commits)"
            )
        return done.stdout

    def read(self, rel: str) -> bytes | None:
        if rel not in self.files:
            return None
        return self._git("show", f"{self.commit}:{rel}", what=self.ref)

    def listing(self, folder: str) -> list[str]:
        prefix = f"{folder}/"
        return sorted(f for f in self.files if f.startswith(prefix) and "/" not in f[len(prefix) :])


# --- what one set holds --------------------------------------------------------------------------------------


@dataclass
class Side:
    """What one output set says: its ledger, key findings, figures, parameters, and its tables on demand."""

    outputs: Outputs
    notes: list[str] = field(default_factory=list)
    ledger: tuple[list[str], list[dict[str, str]]] | None = None
    findings: list[str] | None = None
    figures: dict[str, FigureInfo] = field(default_factory=dict)
    figure_files: set[str] = field(default_factory=set)
    parameters: dict[str, dict[str, Any]] = field(default_factory=dict)
    dictionary: dict[str, Any] = field(default_factory=dict)
    releases: dict[str, tuple[str, str]] = field(default_factory=dict)  # source id -> (release, sha256)
    _tables: dict[str, tuple[list[str], list[list[str]]] | None] = field(default_factory=dict)

    def table(self, name: str) -> tuple[list[str], list[list[str]]] | None:
        """``data/processed/<name>.csv`` as header and rows of text, or None if the set has none."""
        if name not in self._tables:
            data = self.outputs.read(f"data/processed/{name}.csv")
            self._tables[name] = _parse_csv(data) if data is not None else None
        return self._tables[name]


def _parse_csv(data: bytes) -> tuple[list[str], list[list[str]]] | None:
    try:
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    except (UnicodeDecodeError, csv.Error):
        return None
    return (rows[0], rows[1:]) if rows else None


def read_side(outputs: Outputs) -> Side:
    """Read what the diff compares from one output set; a part it lacks is noted, not an error."""
    side = Side(outputs)
    ledger = outputs.read(LEDGER)
    if ledger is None:
        side.notes.append(f"{outputs.label} has no claims ledger ({LEDGER})")
    else:
        parsed = _parse_csv(ledger)
        if parsed is not None:
            header, body = parsed
            side.ledger = (header, [dict(zip(header, row, strict=False)) for row in body])
    findings: list[str] = []
    found_findings = False
    for rel in outputs.listing(NOTEBOOKS):
        if not rel.endswith(".ipynb"):
            continue
        name = Path(rel).stem
        try:
            nb = json.loads(outputs.read(rel) or b"{}")
        except ValueError:
            side.notes.append(f"{outputs.label}: {rel} is not a readable notebook")
            continue
        params = nb.get("metadata", {}).get("papermill", {}).get("parameters")
        if isinstance(params, dict):
            side.parameters[name] = params
        for cell in nb.get("cells", []):
            for output in cell.get("outputs", []):
                meta = output.get("metadata") or {}
                if meta.get(FINDINGS_KEY) and "text/markdown" in output.get("data", {}):
                    found_findings = True
                    findings += sentences(_text(output["data"]["text/markdown"]))
                info = FigureInfo.from_output(output, name)
                if info is not None and info.name not in side.figures:
                    side.figures[info.name] = info
    side.findings = findings if found_findings else None
    if not found_findings:
        side.notes.append(f"{outputs.label} shows no key findings")
    side.figure_files = {Path(rel).stem for rel in outputs.listing("figures") if rel.endswith(".svg")}
    side.dictionary = _yaml_mapping(outputs.read(DICTIONARY)).get("tables") or {}
    side.releases = _releases_in_use(outputs.read(MANIFEST))
    return side


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


@functools.lru_cache(maxsize=8)
def _yaml_mapping(data: bytes | None) -> dict[str, Any]:
    """A YAML file's mapping (read-only, shared), parsed with libyaml where available: the data dictionary and
    the manifest are read by both sides of a build's summary, and the pure-Python parser takes a second."""
    if data is None:
        return {}
    try:
        doc = yaml.load(data, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return {}
    return doc if isinstance(doc, dict) else {}


def _releases_in_use(data: bytes | None) -> dict[str, tuple[str, str]]:
    """Source id -> (release, sha256) in use, read leniently (an old manifest may have another shape)."""
    found: dict[str, tuple[str, str]] = {}
    for entry in _yaml_mapping(data).get("sources") or []:
        if not isinstance(entry, dict) or "id" not in entry:
            continue
        label, sha = str(entry.get("release", "original")), str(entry.get("sha256", ""))
        active = entry.get("active")
        for release in entry.get("releases") or []:
            if isinstance(release, dict) and active is not None and release.get("release") == active:
                label, sha = str(active), str(release.get("sha256", ""))
        found[str(entry["id"])] = (label, sha)
    return found


# --- the differences -----------------------------------------------------------------------------------------


@dataclass
class ColumnChange:
    column: str
    before: str
    after: str


@dataclass
class VerdictChange:
    """A claim whose verdict (or another verdict-like column) changed, and its measure before and after."""

    claim_id: str
    claim: str
    changes: list[ColumnChange]
    measure_before: str
    measure_after: str
    unit: str


@dataclass
class MeasureChange:
    """A claim whose measure moved without changing its verdict."""

    claim_id: str
    before: str
    after: str


@dataclass
class ClaimsDiff:
    verdicts: list[VerdictChange] = field(default_factory=list)
    measures: list[MeasureChange] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    columns_added: list[str] = field(default_factory=list)
    columns_removed: list[str] = field(default_factory=list)


@dataclass
class SentenceChange:
    """One key-finding sentence: its numbers changed, it was reworded, added or removed."""

    kind: str  # "numbers", "reworded", "added", "removed"
    before: str
    after: str
    numbers: list[tuple[str, str]]  # (before, after) pairs of the numbers that differ ("" where there is none)


@dataclass
class Largest:
    """The largest change in one unit of a figure's table."""

    column: str
    unit: str
    before: str
    after: str
    change: float
    row: str  # the row's key, e.g. "year 2023, group Russia"


@dataclass
class TableChange:
    """What changed in the rows one figure (or one panel of it) draws from its processed table."""

    figure: str
    panel: str
    table: str
    rows_before: int
    rows_after: int
    changed: int
    added: int
    removed: int
    largest: list[Largest]
    title_before: str = ""
    title_after: str = ""

    @property
    def rows_moved(self) -> int:
        return self.changed + self.added + self.removed


@dataclass
class ParameterChange:
    notebook: str
    name: str
    before: Any
    after: Any


@dataclass
class ReleaseChange:
    source: str
    before: str
    after: str


@dataclass
class FindingsDiff:
    """Everything that moved between two output sets, ``before`` and ``after`` naming them."""

    before: str
    after: str
    parameters: list[ParameterChange] = field(default_factory=list)
    releases: list[ReleaseChange] = field(default_factory=list)
    claims: ClaimsDiff = field(default_factory=ClaimsDiff)
    findings: list[SentenceChange] = field(default_factory=list)
    tables: list[TableChange] = field(default_factory=list)
    figures_added: list[str] = field(default_factory=list)
    figures_removed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    claims_compared: bool = True  # False where one side has no ledger
    findings_compared: bool = True  # False where one side shows no key findings

    @property
    def numbers_changed(self) -> int:
        """How many numbers of the key findings changed."""
        return sum(len(c.numbers) for c in self.findings)

    @property
    def findings_moved(self) -> bool:
        """Whether any finding moved: a verdict or measure, a key finding, a figure's table or the figures."""
        c = self.claims
        return bool(
            c.verdicts
            or c.measures
            or c.added
            or c.removed
            or self.findings
            or self.tables
            or self.figures_added
            or self.figures_removed
        )


def compare(before: Outputs, after: Outputs) -> FindingsDiff:
    """The findings diff from output set ``before`` to ``after``."""
    old, new = read_side(before), read_side(after)
    result = FindingsDiff(before=before.label, after=after.label, notes=[*old.notes, *new.notes])
    result.parameters = compare_parameters(old.parameters, new.parameters)
    result.releases = [
        ReleaseChange(sid, f"{old.releases[sid][0]} ({old.releases[sid][1][:12]})", f"{rel} ({sha[:12]})")
        for sid, (rel, sha) in sorted(new.releases.items())
        if sid in old.releases and old.releases[sid][1] != sha
    ]
    result.claims_compared = old.ledger is not None and new.ledger is not None
    if old.ledger is not None and new.ledger is not None:
        result.claims = compare_claims(old.ledger, new.ledger)
    result.findings_compared = old.findings is not None and new.findings is not None
    if old.findings is not None and new.findings is not None:
        result.findings = compare_sentences(old.findings, new.findings)
    result.tables, result.figures_added, result.figures_removed = compare_figures(old, new)
    return result


def compare_parameters(old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]]) -> list[ParameterChange]:
    """The parameters each notebook ran with that differ (notebooks run on both sides only)."""
    changes = []
    for notebook in sorted(set(old) & set(new)):
        for name in sorted(set(old[notebook]) | set(new[notebook])):
            before, after = old[notebook].get(name), new[notebook].get(name)
            if before != after:
                changes.append(ParameterChange(notebook, name, before, after))
    return changes


# --- the ledger ----------------------------------------------------------------------------------------------


def _same_value(a: str, b: str) -> bool:
    """Two cells are the same: equal text, or equal numbers (to rounding noise)."""
    a, b = a.strip(), b.strip()
    if a == b:
        return True
    x, y = _number(a), _number(b)
    if x is None or y is None:
        return False
    if math.isnan(x) and math.isnan(y):
        return True
    return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12)


def _number(text: str) -> float | None:
    try:
        return float(text.replace("\u2212", "-").replace(",", ""))
    except ValueError:
        return None


def compare_claims(
    old: tuple[list[str], list[dict[str, str]]], new: tuple[list[str], list[dict[str, str]]]
) -> ClaimsDiff:
    """Verdicts and measures that moved, claim by claim (keyed on ``claim_id``, else the first column)."""
    (old_header, old_rows), (new_header, new_rows) = old, new
    key = "claim_id" if "claim_id" in old_header and "claim_id" in new_header else new_header[0]
    verdict_columns = [c for c in new_header if VERDICT_COLUMN.search(c) and c in old_header]
    measure = next((c for c in new_header if c.startswith("measured") and c in old_header), None)
    before = {row.get(key, ""): row for row in old_rows}
    after = {row.get(key, ""): row for row in new_rows}
    diff = ClaimsDiff(
        added=[k for k in after if k not in before],
        removed=[k for k in before if k not in after],
        columns_added=[c for c in new_header if c not in old_header],
        columns_removed=[c for c in old_header if c not in new_header],
    )
    for claim_id, row in after.items():
        was = before.get(claim_id)
        if was is None:
            continue
        changes = [
            ColumnChange(c, was.get(c, ""), row.get(c, ""))
            for c in verdict_columns
            if not _same_value(was.get(c, ""), row.get(c, ""))
        ]
        measure_before = was.get(measure, "") if measure else ""
        measure_after = row.get(measure, "") if measure else ""
        if changes:
            diff.verdicts.append(
                VerdictChange(
                    claim_id,
                    row.get("claim", ""),
                    changes,
                    measure_before,
                    measure_after,
                    row.get("unit", ""),
                )
            )
        elif not _same_value(measure_before, measure_after):
            diff.measures.append(MeasureChange(claim_id, measure_before, measure_after))
    return diff


# --- key findings --------------------------------------------------------------------------------------------


def sentences(markdown: str) -> list[str]:
    """The sentences of a Markdown passage, bullet by bullet, without emphasis or link targets."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"[*_`]{1,3}(?=\S)|(?<=\S)[*_`]{1,3}", "", text)
    result = []
    for block in re.split(r"\n\s*(?:[-*+]|\d+\.)\s+|\n{2,}", "\n" + text):
        block = " ".join(block.split())
        if block:
            result += [s for s in SENTENCE_END.split(block) if s]
    return result


def numbers_in(sentence: str) -> list[str]:
    """The numbers a sentence states, normalised (U+2212 as a minus sign, no thousands separators)."""
    return [m.group().replace("\u2212", "-").replace(",", "") for m in NUMBER.finditer(sentence)]


def _template(sentence: str) -> str:
    return NUMBER.sub("#", sentence)


def compare_sentences(old: list[str], new: list[str]) -> list[SentenceChange]:
    """Sentence by sentence: the same wording with other numbers, a rewording, an addition or a removal."""
    changes: list[SentenceChange] = []
    matcher = difflib.SequenceMatcher(None, [_template(s) for s in old], [_template(s) for s in new], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for a, b in zip(old[i1:i2], new[j1:j2], strict=True):
                pairs = [(x, y) for x, y in zip(numbers_in(a), numbers_in(b), strict=True) if x != y]
                if pairs:
                    changes.append(SentenceChange("numbers", a, b, pairs))
            continue
        olds, news = old[i1:i2], new[j1:j2]
        for a, b in zip(olds, news, strict=False):
            changes.append(SentenceChange("reworded", a, b, _moved_numbers(numbers_in(a), numbers_in(b))))
        for a in olds[len(news) :]:
            changes.append(SentenceChange("removed", a, "", [(x, "") for x in numbers_in(a)]))
        for b in news[len(olds) :]:
            changes.append(SentenceChange("added", "", b, [("", y) for y in numbers_in(b)]))
    return changes


def _moved_numbers(a: list[str], b: list[str]) -> list[tuple[str, str]]:
    """The numbers of a reworded sentence that are not in the other, paired in order."""
    gone, new = list((Counter(a) - Counter(b)).elements()), list((Counter(b) - Counter(a)).elements())
    gone = [x for x in a if x in gone]
    new = [y for y in b if y in new]
    width = max(len(gone), len(new))
    return [(gone[i] if i < len(gone) else "", new[i] if i < len(new) else "") for i in range(width)]


# --- figure tables -------------------------------------------------------------------------------------------


def compare_figures(old: Side, new: Side) -> tuple[list[TableChange], list[str], list[str]]:
    """Each figure's table compared cut by cut; and the figures only one side has."""
    old_names = set(old.figures) | old.figure_files
    new_names = set(new.figures) | new.figure_files
    changes = []
    for name in sorted(old_names & new_names):
        info_old, info_new = old.figures.get(name), new.figures.get(name)
        cuts_new = list(info_new.cuts) if info_new else []
        cuts_old = list(info_old.cuts) if info_old else []
        if not cuts_new and not cuts_old:
            continue
        primary, other = (cuts_new, cuts_old) if cuts_new else (cuts_old, cuts_new)
        for index, cut in enumerate(primary):
            twin = next((c for c in other if c.panel == cut.panel and c.table == cut.table), None)
            if twin is None:
                twin = other[index] if index < len(other) else cut
            cut_old, cut_new = (twin, cut) if cuts_new else (cut, twin)
            cut_old, cut_new = _like_for_like(cut_old, cut_new)
            change = compare_cut(name, old, cut_old, new, cut_new)
            if change is not None:
                if index == 0 and _retitled(info_old, info_new):
                    change.title_before, change.title_after = info_old.title, info_new.title
                changes.append(change)
        if _retitled(info_old, info_new) and not any(c.figure == name for c in changes):
            table = cuts_new[0].table or "" if cuts_new else ""
            changes.append(TableChange(name, "", table, 0, 0, 0, 0, 0, [], info_old.title, info_new.title))
    return changes, sorted(new_names - old_names), sorted(old_names - new_names)


def _retitled(old: FigureInfo | None, new: FigureInfo | None) -> bool:
    """Whether a figure's title (which states its finding) changed; an old one that recorded none did not."""
    return bool(old and new and old.title and new.title and old.title != new.title)


def _like_for_like(old: TableCut, new: TableCut) -> tuple[TableCut, TableCut]:
    """Where one side recorded no cut (older figures declared only their table), compare both on the other's."""
    old_open, new_open = old.rows is None and old.columns is None, new.rows is None and new.columns is None
    if old.table is None or (old_open and not new_open and old.table == new.table):
        return new, new
    if new.table is None or (new_open and not old_open and old.table == new.table):
        return old, old
    return old, new


def _column_kinds(table: str, header: list[str], rows: list[list[str]], dictionary: dict[str, Any]) -> list[bool]:
    """For each column, whether it holds a measured value (compared) rather than a row's key (matched on).

    The data dictionary says so where it documents the table: floats are values, and so are counts
    (integers that are not years or identifiers); strings, booleans and years are keys. An undocumented
    column is a value if every cell is a number and its name is not a year's, month's or date's.
    """
    documented = (dictionary.get(table) or {}).get("columns") or {}
    kinds = []
    for i, column in enumerate(header):
        spec = documented.get(column)
        if isinstance(spec, dict) and "type" in spec:
            kind = spec.get("type")
            is_value = kind == "float" or (
                kind == "integer" and spec.get("unit") != "year" and not ID_COLUMN.search(column)
            )
        else:
            cells = [row[i] for row in rows if i < len(row) and row[i] != ""]
            is_value = bool(cells) and all(_number(c) is not None for c in cells) and not KEY_NAMES.search(column)
        kinds.append(is_value)
    return kinds


def _unit(table: str, column: str, dictionary: dict[str, Any]) -> str:
    spec = ((dictionary.get(table) or {}).get("columns") or {}).get(column)
    unit = spec.get("unit") if isinstance(spec, dict) else None
    return str(unit) if unit else ""


def _cut_rows(table: tuple[list[str], list[list[str]]], cut: TableCut) -> list[list[str]]:
    """The rows a cut selects (a filter on a column the table lacks is ignored: the other side may have it)."""
    header, body = table
    for column, values in (cut.rows or {}).items():
        if column in header:
            i, kept = header.index(column), {str(v) for v in values}
            body = [row for row in body if i < len(row) and row[i] in kept]
    return body


def _keyed(header: list[str], rows: list[list[str]], keys: list[int]) -> dict[tuple[str, ...], list[str]]:
    """Rows by their key; a key that repeats gets its occurrence number, so no row is lost."""
    seen: Counter[tuple[str, ...]] = Counter()
    keyed = {}
    for row in rows:
        key = tuple(row[i] if i < len(row) else "" for i in keys)
        seen[key] += 1
        keyed[(*key, str(seen[key])) if seen[key] > 1 else key] = row
    return keyed


def compare_cut(name: str, old: Side, cut_old: TableCut, new: Side, cut_new: TableCut) -> TableChange | None:
    """Rows of one figure's table matched on their keys and compared on the values drawn; None if unchanged."""
    table = cut_new.table or cut_old.table
    if not table:
        return None
    old_table = old.table(cut_old.table or table)
    new_table = new.table(table)
    if old_table is None and new_table is None:
        return None
    header = (new_table or old_table or ([], []))[0]
    dictionary = new.dictionary or old.dictionary
    old_rows = _cut_rows(old_table, cut_old) if old_table else []
    new_rows = _cut_rows(new_table, cut_new) if new_table else []
    if old_table and new_table and old_table[0] != new_table[0]:
        # columns renamed or added: compare by name over the columns both have
        shared = [c for c in new_table[0] if c in old_table[0]]
        old_rows = [[row[old_table[0].index(c)] for c in shared] for row in old_rows]
        new_rows = [[row[new_table[0].index(c)] for c in shared] for row in new_rows]
        header = shared
    drawn = set(cut_new.columns or cut_old.columns or header)
    kinds = _column_kinds(table, header, new_rows or old_rows, dictionary)
    keys = [i for i, is_value in enumerate(kinds) if not is_value]
    values = [i for i, is_value in enumerate(kinds) if is_value and header[i] in drawn]
    before, after = _keyed(header, old_rows, keys), _keyed(header, new_rows, keys)
    # a row is named by its period first (year, month), then its other keys, four at most
    shown = sorted(keys, key=lambda k: not KEY_NAMES.search(header[k]))[:4]
    changed = 0
    largest: dict[str, Largest] = {}
    for key, row in after.items():
        was = before.get(key)
        if was is None:
            continue
        moved = False
        for i in values:
            a, b = (was[i] if i < len(was) else ""), (row[i] if i < len(row) else "")
            if _same_value(a, b):
                continue
            moved = True
            x, y = _number(a), _number(b)
            if x is None or y is None or math.isnan(x) or math.isnan(y):
                continue
            unit = _unit(table, header[i], dictionary)
            if unit.startswith("see ") and "unit" in header:  # a long table whose rows carry their own unit
                unit = row[header.index("unit")]
            best = largest.get(unit)
            if best is None or abs(y - x) > abs(best.change):
                label = ", ".join(f"{header[k]} {row[k]}" for k in shown if k < len(row) and row[k])
                largest[unit] = Largest(header[i], unit, a, b, y - x, label)
        changed += moved
    added = sum(1 for k in after if k not in before)
    removed = sum(1 for k in before if k not in after)
    if not (changed or added or removed):
        return None
    ordered = sorted(largest.values(), key=lambda item: -abs(item.change))
    return TableChange(name, cut_new.panel, table, len(old_rows), len(new_rows), changed, added, removed, ordered)


# --- for a reader --------------------------------------------------------------------------------------------


def fmt(text: str | float | None) -> str:
    """A number as a reader reads it: three or four significant digits, thousands separated, the report's
    minus sign (:func:`kzmv.story.numbers.with_minus`); text as it is."""
    if text is None or text == "":
        return "empty"
    x = _number(text) if isinstance(text, str) else float(text)
    if x is None or not math.isfinite(x):
        return str(text)
    if x == 0:
        return "0"
    decimals = min(6, max(0, 3 - math.floor(math.log10(abs(x)))))
    shown = f"{x:,.{decimals}f}"
    return with_minus(shown.rstrip("0").rstrip(".") if "." in shown else shown)


def _signed(x: float) -> str:
    return ("+" if x > 0 else "") + fmt(x)


def _short(text: str, width: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _verdict_text(change: VerdictChange) -> str:
    parts = [
        f"{c.before or 'empty'} → {c.after or 'empty'}"
        if c.column == "verdict"
        else f"{c.column} {fmt(c.before)} → {fmt(c.after)}"
        for c in change.changes
    ]
    return f"{change.claim_id} {'; '.join(parts)}"


def _parameter_text(change: ParameterChange) -> str:
    return f"{change.notebook}.{change.name} {_value(change.before)} → {_value(change.after)}"


def _value(value: Any) -> str:
    if value is None:
        return "unset"
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


def reworded(before: str, after: str, most: int = 3) -> str:
    """What a rewording changed, word by word: ``«old words» → «new words»``, the first few spans."""
    a, b = before.split(), after.split()
    spans = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        gone, new = " ".join(a[i1:i2]), " ".join(b[j1:j2])
        if op == "replace":
            spans.append(f"«{gone}» → «{new}»")
        elif op == "delete":
            spans.append(f"dropped «{gone}»")
        elif op == "insert":
            spans.append(f"added «{new}»")
    return "; ".join(spans[:most]) + (f"; and {len(spans) - most} more" if len(spans) > most else "")


def _largest_text(item: Largest) -> str:
    unit = f" {item.unit}" if item.unit else ""
    where = f", {item.row}" if item.row else ""
    before, after = fmt(item.before), fmt(item.after)
    if before == after:  # a change below the digits shown: the cells as written
        before, after = item.before, item.after
    return f"{_signed(item.change)}{unit} ({item.column}{where}: {before} → {after})"


def render_text(diff: FindingsDiff) -> str:
    """The diff for a reader: verdicts, key-finding sentences, figure tables, figures added or removed."""
    between = f"between {diff.before} and {diff.after}"
    inputs = _inputs_text(diff)
    if not diff.findings_moved:
        return f"No finding changed {between}: the same verdicts, key findings and figure tables{inputs}."
    lines = [f"What changed {between}:"]
    if inputs:
        lines.append(f"Inputs:{inputs.removeprefix(';')}.")
    claims = diff.claims
    lines.append(
        f"Verdicts: {len(claims.verdicts) or 'none'} changed" if diff.claims_compared else "Verdicts: not compared"
    )
    for change in claims.verdicts:
        unit = f" ({_short(change.unit, 70)})" if change.unit else ""
        lines.append(
            f"  {_verdict_text(change)}: measure {fmt(change.measure_before)} → {fmt(change.measure_after)}{unit}"
        )
        if change.claim:
            lines.append(f"      “{_short(change.claim)}”")
    if claims.measures:
        shown = ", ".join(f"{m.claim_id} {fmt(m.before)} → {fmt(m.after)}" for m in claims.measures[:8])
        more = f" and {len(claims.measures) - 8} more" if len(claims.measures) > 8 else ""
        lines.append(f"  measures that moved without changing a verdict: {shown}{more}")
    for what, ids in (("claims added", claims.added), ("claims removed", claims.removed)):
        if ids:
            lines.append(f"  {what}: {', '.join(ids)}")
    for what, columns in (
        ("ledger columns added", claims.columns_added),
        ("ledger columns removed", claims.columns_removed),
    ):
        if columns:
            lines.append(f"  {what}: {', '.join(columns)}")
    lines.append(
        f"Key findings: {_count(len(diff.findings), 'sentence', 'sentences')} changed, "
        f"{_count(diff.numbers_changed, 'number', 'numbers')}"
        if diff.findings_compared
        else "Key findings: not compared"
    )
    for change in diff.findings:
        if change.kind == "numbers":
            moved = ", ".join(f"{a} → {b}" for a, b in change.numbers)
            lines.append(f"  - {_short(change.after, 110)}\n      numbers: {moved}")
        elif change.kind == "reworded":
            lines.append(f"  - {_short(change.after, 110)}\n      reworded: {reworded(change.before, change.after)}")
        else:
            lines.append(f"  - {change.kind}: {_short(change.before or change.after, 110)}")
    lines.append(f"Figure tables: {_count(len({t.figure for t in diff.tables}), 'figure', 'figures')} changed")
    for table in diff.tables:
        panel = f", {table.panel}" if table.panel else ""
        if table.rows_moved:
            moved = [
                f"{n} {what}"
                for n, what in ((table.changed, "changed"), (table.added, "added"), (table.removed, "removed"))
                if n
            ]
            largest = "; largest " + "; ".join(_largest_text(x) for x in table.largest[:2]) if table.largest else ""
            lines.append(
                f"  {table.figure}{panel} ({table.table}): {table.rows_moved} of {max(table.rows_before, table.rows_after)} "
                f"rows moved ({', '.join(moved)}){largest}"
            )
        if table.title_before != table.title_after:
            lines.append(f"  {table.figure} title: “{_short(table.title_before)}” → “{_short(table.title_after)}”")
    lines.append(
        f"Figures added: {', '.join(diff.figures_added) or 'none'}; removed: {', '.join(diff.figures_removed) or 'none'}"
    )
    lines += [f"Note: {note}" for note in diff.notes]
    return "\n".join(lines)


def _inputs_text(diff: FindingsDiff) -> str:
    parts = []
    if diff.parameters:
        parts.append("parameters " + ", ".join(_parameter_text(p) for p in diff.parameters))
    if diff.releases:
        parts.append("raw releases " + ", ".join(f"{r.source} {r.before} → {r.after}" for r in diff.releases))
    return ("; " + "; ".join(parts)) if parts else ""


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def render_json(diff: FindingsDiff) -> str:
    """The same as :func:`render_text`, as data."""
    data = dataclasses.asdict(diff)
    data["numbers_changed"] = diff.numbers_changed
    data["findings_moved"] = diff.findings_moved
    for table in data["tables"]:
        table["rows_moved"] = table["changed"] + table["added"] + table["removed"]
    return json.dumps(data, indent=1, ensure_ascii=False, default=str)


def summary(diff: FindingsDiff) -> str:
    """One paragraph for the end of a build: what moved against the outputs it replaced, counted."""
    inputs = _inputs_text(diff)
    lead = f"Against the outputs it replaced{(':' + inputs.removeprefix(';')) if inputs else ''}"
    if not diff.findings_moved:
        return f"{lead}{'; ' if inputs else ': '}no finding changed."
    parts = []
    verdicts = diff.claims.verdicts
    if not diff.claims_compared:
        parts.append("no ledger to compare verdicts with")
    elif verdicts:
        shown = "; ".join(_verdict_text(v) for v in verdicts[:6]) + ("; ..." if len(verdicts) > 6 else "")
        parts.append(f"{_count(len(verdicts), 'verdict', 'verdicts')} changed ({shown})")
    else:
        parts.append("no verdict changed")
    if diff.claims.measures:
        parts.append(f"{_count(len(diff.claims.measures), 'measure', 'measures')} moved without changing a verdict")
    parts.append(f"{_count(diff.numbers_changed, 'number', 'numbers')} in the key findings")
    figures = sorted({t.figure for t in diff.tables})
    if figures:
        named = ", ".join(figures[:5]) + (", ..." if len(figures) > 5 else "")
        parts.append(f"{_count(len(figures), 'figure’s table', 'figures’ tables')} ({named})")
    else:
        parts.append("no figure’s table")
    for what, names in (("added", diff.figures_added), ("removed", diff.figures_removed)):
        if names:
            listed = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
            parts.append(f"{_count(len(names), 'figure', 'figures')} {what} ({listed})")
    return f"{lead}{'; ' if inputs else ': '}{', '.join(parts)}. `make diff` compares with the last commit in detail."


def diff_against(root: Path, ref: str) -> FindingsDiff:
    """The working tree's outputs against those committed at ``ref`` (``make diff``)."""
    return compare(GitOutputs(root, ref), FolderOutputs(root))


__all__ = [
    "FindingsDiff",
    "FolderOutputs",
    "GitOutputs",
    "compare",
    "diff_against",
    "render_json",
    "render_text",
    "summary",
]
