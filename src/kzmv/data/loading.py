"""Reading raw files safely: one clear message for each way a file can be wrong.

Before pandas sees a file we check what pandas would report badly or not at all
(empty file, wrong encoding, wrong delimiter, missing columns); then the pandera
schema checks types, ranges, keys and codes. Every failure becomes a
:class:`PipelineError` naming the file, the row or column, what was expected and
what was found.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pandera.errors

from kzmv.data.fetch import verified_path
from kzmv.data.manifest import Source, load_manifest
from kzmv.data.schemas import RAW_SPECS, RawSpec
from kzmv.errors import PipelineError

MAX_REPORTED = 5


def _decode(path: Path, data: bytes) -> str:
    if not data.strip():
        raise PipelineError(f"{path}: the file is empty (expected a CSV with a header row)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PipelineError(
            f"{path}, line {line}: not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset "
            f"{exc.start}); expected UTF-8 text"
        ) from None


def _check_header(path: Path, text: str, expected: list[str]) -> None:
    header = next(csv.reader(io.StringIO(text)), [])
    missing = [c for c in expected if c not in header]
    if not missing:
        extra = [c for c in header if c not in expected]
        if extra:
            raise PipelineError(f"{path}: unexpected column(s) {extra}; expected exactly {expected}")
        return
    if len(header) == 1 and any(sep in header[0] for sep in (";", "\t", "|")):
        sep = next(s for s in (";", "\t", "|") if s in header[0])
        raise PipelineError(
            f"{path}: wrong delimiter: the header is separated by {sep!r}; expected commas and the columns {expected}"
        )
    raise PipelineError(f"{path}: missing column(s) {missing}; expected {expected}, found {header}")


def _describe_failures(path: Path, err: pandera.errors.SchemaErrors) -> str:
    cases = err.failure_cases.sort_values("index", na_position="first", kind="stable")
    lines = []
    for _, case in cases.head(MAX_REPORTED).iterrows():
        column = case.get("column")
        check = str(case.get("check"))
        found = case.get("failure_case")
        index = case.get("index")
        where = f"row {int(index) + 1} (line {int(index) + 2})" if pd.notna(index) else "table"
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
    try:
        return spec.schema.validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as err:
        raise PipelineError(_describe_failures(Path(str(label)), err)) from None


def read_raw_file(path: Path, spec: RawSpec) -> pd.DataFrame:
    """Read one raw CSV at ``path`` and validate it against ``spec``."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise PipelineError(f"{path}: raw file is missing (run `make data` to fetch it)") from None
    text = _decode(path, data)
    _check_header(path, text, list(spec.schema.columns))
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            dtype=str,
            na_values=list(spec.na_values),
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise PipelineError(f"{path}: cannot be parsed as CSV ({exc})") from None
    if frame.empty:
        raise PipelineError(f"{path}: the file has a header but no data rows")
    return validate_frame(frame, spec, path)


def read_raw(source_id: str, manifest: dict[str, Source] | None = None) -> pd.DataFrame:
    """Read a fetched raw file by its manifest id, checked against its manifest checksum, then validated."""
    manifest = manifest or load_manifest()
    if source_id not in manifest:
        raise PipelineError(f"unknown source id '{source_id}' (not in data/sources.yml)")
    if source_id not in RAW_SPECS:
        raise PipelineError(f"source '{source_id}' has no schema in kzmv.data.schemas.RAW_SPECS")
    # every reader verifies the checksum (once per version of the file), not only the data preparation
    return read_raw_file(verified_path(manifest[source_id]), RAW_SPECS[source_id])
