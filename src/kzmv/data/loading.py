"""Reading raw files safely: one clear message for each way a file can be wrong.

Before pandas sees a file we check what pandas would report badly or not at all
(empty file, wrong encoding, wrong delimiter, missing columns); then the pandera
schema checks types, ranges, keys and codes. Every failure becomes a
:class:`PipelineError` naming the file, the row or column, what was expected and
what was found.

Files that are not plain CSV are read by the rules their :class:`RawSpec` states
(see its docstring): a Stata ``.dta`` file through :func:`pandas.read_stata`, with
blank strings read as missing; a fixed number of preamble lines skipped after
checking that they still say what they said (SIPRI's unit line among them); a
trailing terminator removed from every line (SIPRI's ``;``); a byte-order mark
dropped. Line numbers in messages count from the top of the file, preamble included.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pandera.errors

from kzmv import paths
from kzmv.data.fetch import verified_path
from kzmv.data.manifest import Source, manifest_entries
from kzmv.data.schemas import RAW_SPECS, RawSpec
from kzmv.errors import PipelineError

MAX_REPORTED = 5


def _decode(path: Path, data: bytes, encoding: str = "utf-8-sig") -> str:
    if not data.strip():
        raise PipelineError(f"{path}: the file is empty (expected a CSV with a header row)")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PipelineError(
            f"{path}, line {line}: not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset "
            f"{exc.start}); expected UTF-8 text"
        ) from None


_SEPARATOR_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "vertical bars"}


def _check_header(path: Path, text: str, expected: list[str], delimiter: str = ",", header_line: int = 1) -> None:
    header = next(csv.reader(io.StringIO(text), delimiter=delimiter), [])
    where = f"{path}, line {header_line}" if header_line > 1 else f"{path}"
    missing = [c for c in expected if c not in header]
    if not missing:
        _check_no_extra_columns(path, header, expected)
        return
    others = [s for s in (",", ";", "\t", "|") if s != delimiter]
    if len(header) == 1 and any(sep in header[0] for sep in others):
        sep = next(s for s in others if s in header[0])
        raise PipelineError(
            f"{where}: wrong delimiter: the header is separated by {sep!r}; expected "
            f"{_SEPARATOR_NAMES.get(delimiter, repr(delimiter))} and the columns {expected}"
        )
    raise PipelineError(f"{where}: missing column(s) {missing}; expected {expected}, found {header}")


def _check_no_extra_columns(path: Path, found: list[str], expected: list[str]) -> None:
    extra = [c for c in found if c not in expected]
    if extra:
        raise PipelineError(f"{path}: unexpected column(s) {extra}; expected exactly {expected}")


def _strip_preamble(path: Path, text: str, spec: RawSpec) -> str:
    """The table part of ``text``: the preamble skipped (and checked), line terminators removed.

    The preamble is skipped by count, not by searching for the header, so a file whose
    preamble grew or shrank is reported rather than silently read from another line.
    One ``spec.line_suffix`` is removed from the end of each line (before LF, CRLF or the
    end of the file), with whole-text replacements: a 25,000-line file takes milliseconds.
    """
    if not spec.preamble_lines and not spec.line_suffix:
        return text
    start = 0
    for _ in range(spec.preamble_lines):
        start = text.find("\n", start) + 1
        if start == 0:
            break
    table = text[start:] if start else ""
    if not table.strip():
        raise PipelineError(
            f"{path}: the file ends within its {spec.preamble_lines} preamble lines; expected the column header "
            f"on line {spec.preamble_lines + 1}"
        )
    preamble = text[:start]
    for needed in spec.preamble_must_contain:
        if needed not in preamble:
            raise PipelineError(
                f"{path}: the {spec.preamble_lines} preamble lines do not say {needed!r} any more; the file's "
                "layout or unit may have changed (check it against its .provenance.md)"
            )
    if spec.line_suffix:
        suffix = spec.line_suffix
        table = table.replace(suffix + "\r\n", "\n").replace(suffix + "\n", "\n").removesuffix(suffix)
    return table


def _describe_failures(path: Path, err: pandera.errors.SchemaErrors, header_line: int | None = 1) -> str:
    cases = err.failure_cases.sort_values("index", na_position="first", kind="stable")
    lines = []
    for _, case in cases.head(MAX_REPORTED).iterrows():
        column = case.get("column")
        check = str(case.get("check"))
        found = case.get("failure_case")
        index = case.get("index")
        if pd.isna(index):
            where = "table"
        elif header_line is None:  # not a text file: rows have no line numbers
            where = f"row {int(index) + 1}"
        else:
            where = f"row {int(index) + 1} (line {int(index) + header_line + 1})"
        col = f", column '{column}'" if isinstance(column, str) else ""
        if check.startswith("coerce_dtype"):
            wanted = check.removeprefix("coerce_dtype(").rstrip(")").strip("'")
            expected = "a number" if "float" in wanted or "Int" in wanted else f"type {wanted}"
            if "datetime" in wanted:
                expected = "a date (YYYY-MM-DD)"
        elif check == "column_in_dataframe":
            expected = "this column to be present"
        elif check.startswith("field_uniqueness") or "duplicate" in check or check == "multiple_fields_uniqueness":
            expected = "unique key values (this row repeats a key)"
        elif check == "not_nullable":
            expected = "a value (found an empty cell)"
        elif check.startswith("greater_than_or_equal_to"):
            expected = f"a value {check.removeprefix('greater_than_or_equal_to(').rstrip(')').join(['>= ', ''])}"
        elif check.startswith("in_range"):
            expected = f"a value in range {check.removeprefix('in_range')}"
        else:
            expected = check
        lines.append(f"{path}, {where}{col}: expected {expected}, found {found!r}")
    more = len(cases) - MAX_REPORTED
    if more > 0:
        lines.append(f"... and {more} more problem(s) of the same kind")
    return "\n".join(lines)


def validate_frame(frame: pd.DataFrame, spec: RawSpec, label: str | Path) -> pd.DataFrame:
    """Validate a raw frame against its schema, turning pandera's report into a message."""
    header_line = None if spec.reader == "stata" else spec.preamble_lines + 1
    try:
        return spec.schema.validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as err:
        raise PipelineError(_describe_failures(Path(str(label)), err, header_line)) from None


def read_raw_file(path: Path, spec: RawSpec) -> pd.DataFrame:
    """Read one raw file at ``path`` (CSV, or Stata if ``spec`` says so) and validate it against ``spec``."""
    if spec.reader == "stata":
        return read_stata_file(path, spec)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise PipelineError(f"{path}: raw file is missing (run `make data` to fetch it)") from None
    text = _strip_preamble(path, _decode(path, data, spec.encoding), spec)
    _check_header(path, text, list(spec.schema.columns), spec.delimiter, spec.preamble_lines + 1)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            dtype=str,
            sep=spec.delimiter,
            na_values=list(spec.na_values),
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise PipelineError(f"{path}: cannot be parsed as CSV ({exc})") from None
    if frame.empty:
        raise PipelineError(f"{path}: the file has a header but no data rows")
    return validate_frame(frame, spec, path)


def read_stata_file(path: Path, spec: RawSpec) -> pd.DataFrame:
    """Read a Stata ``.dta`` file and validate it; blank strings become missing values.

    Stata stores a missing string as "" (it has no missing value for strings), so an
    empty ``iso3c`` would otherwise look like a code; here it is missing, as in the CSVs.
    """
    if not path.is_file():
        raise PipelineError(f"{path}: raw file is missing (run `make data` to fetch it)")
    if path.stat().st_size == 0:
        raise PipelineError(f"{path}: the file is empty (expected a Stata .dta file)")
    try:
        frame = pd.read_stata(path, convert_categoricals=False)
    except Exception as exc:  # pandas raises ValueError, struct.error, UnicodeDecodeError... on a bad file
        raise PipelineError(f"{path}: cannot be read as a Stata .dta file ({type(exc).__name__}: {exc})") from None
    expected = list(spec.schema.columns)
    missing = [c for c in expected if c not in frame.columns]
    if missing:
        raise PipelineError(f"{path}: missing column(s) {missing}; expected {expected}, found {list(frame.columns)}")
    _check_no_extra_columns(path, list(frame.columns), expected)
    if frame.empty:
        raise PipelineError(f"{path}: the file has variables but no observations")
    for column in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[column]):
            frame[column] = frame[column].mask(frame[column].astype(str).str.strip() == "")
    _check_whole_numbers(path, frame, spec)
    return validate_frame(frame, spec, path)


def _check_whole_numbers(path: Path, frame: pd.DataFrame, spec: RawSpec) -> None:
    """Stata stores years as floats; an integer column must hold whole numbers (pandera would only say "nan")."""
    for name, column in spec.schema.columns.items():
        if str(column.dtype) != "Int64" or not pd.api.types.is_float_dtype(frame[name]):
            continue
        values = frame[name]
        broken = values[values.notna() & (values != values.round())]
        if not broken.empty:
            raise PipelineError(
                f"{path}, row {int(broken.index[0]) + 1}, column '{name}': expected a whole number, "
                f"found {float(broken.iloc[0])!r}"
            )


def read_raw(source_id: str, manifest: dict[str, Source] | None = None) -> pd.DataFrame:
    """Read a fetched raw file by its manifest id, checked against its manifest checksum, then validated."""
    manifest = manifest or manifest_entries()
    if source_id not in manifest:
        raise PipelineError(f"unknown source id '{source_id}' (not in data/sources.yml)")
    if source_id not in RAW_SPECS:
        raise PipelineError(f"source '{source_id}' has no schema in kzmv.data.schemas.RAW_SPECS")
    paths.note_read(f"raw:{source_id}")  # the engine keys the notebook on this file's checksum
    # every reader verifies the checksum (once per version of the file), not only the data preparation
    return read_raw_file(verified_path(manifest[source_id]), RAW_SPECS[source_id])
