"""Bad raw data: each way a file can be wrong gets one clear message."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from kzmv.data.loading import read_raw, read_raw_file
from kzmv.data.manifest import load_manifest
from kzmv.data.schemas import RAW_SPECS
from kzmv.errors import PipelineError

PANEL = RAW_SPECS["trade_partner_panel"]
GOOD = "iso3,year,exports_usd_million,imports_usd_million\nCHN,2024,14891.4,15266.2\nRUS,2024,9551.86,18583.7\n"


def _write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "panel.csv"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


def test_a_good_file_is_read_with_types(tmp_path: Path) -> None:
    frame = read_raw_file(_write(tmp_path, GOOD), PANEL)
    assert frame["exports_usd_million"].dtype == float
    assert frame.loc[1, "iso3"] == "RUS"


def test_blank_cells_stay_missing_not_zero(tmp_path: Path) -> None:
    frame = read_raw_file(_write(tmp_path, GOOD.replace("9551.86", "")), PANEL)
    assert pd.isna(frame.loc[1, "exports_usd_million"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", r"panel.csv: the file is empty"),
        ("iso3,year,exports_usd_million,imports_usd_million\n", r"header but no data rows"),
        (GOOD.replace(",", ";"), r"wrong delimiter: the header is separated by ';'"),
        (GOOD.replace("imports_usd_million", "imports"), r"missing column\(s\) \['imports_usd_million'\]"),
        (
            GOOD.replace("9551.86", "12x"),
            r"row 2 \(line 3\), column 'exports_usd_million': expected a number, found '12x'",
        ),
        (GOOD.replace("9551.86", "-5"), r"row 2 \(line 3\), column 'exports_usd_million': expected a value >= 0"),
        (GOOD.replace("RUS", "CHN"), r"column 'iso3': expected unique key values.*'CHN'"),
        (
            GOOD.replace("RUS", "XYZ"),
            r"row 2 \(line 3\), column 'iso3': expected a known ISO 3166-1 alpha-3 code, found 'XYZ'",
        ),
        (
            GOOD.replace("RUS,2024", "RUS,2031"),
            r"row 2 \(line 3\), column 'year': expected a value in range \(2000, 2025\)",
        ),
        (
            GOOD.replace("imports_usd_million", "imports_usd_million,extra").replace("15266.2", "15266.2,1"),
            r"unexpected column\(s\) \['extra'\]",
        ),
    ],
    ids=[
        "empty",
        "header-only",
        "delimiter",
        "missing-column",
        "non-numeric",
        "negative",
        "duplicate-key",
        "unknown-iso3",
        "year-out-of-range",
        "extra-column",
    ],
)
def test_bad_input_gets_a_message_naming_file_and_place(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(PipelineError, match=expected) as err:
        read_raw_file(_write(tmp_path, text), PANEL)
    assert "panel.csv" in str(err.value)


def test_wrong_encoding_names_the_line(tmp_path: Path) -> None:
    data = GOOD.encode().replace(b"RUS", "RÜS".encode("latin-1"))
    with pytest.raises(PipelineError, match=r"panel.csv, line 3: not valid UTF-8.*expected UTF-8 text"):
        read_raw_file(_write(tmp_path, data), PANEL)


def test_missing_file_says_how_to_fetch(tmp_path: Path) -> None:
    with pytest.raises(PipelineError, match=r"raw file is missing \(run `make data`"):
        read_raw_file(tmp_path / "nope.csv", PANEL)


def test_truncated_file_is_caught(tmp_path: Path) -> None:
    monthly = "month,exports_usd_thousand,imports_usd_thousand\n2019-01-01,5351587.7,2295045.3\n2019-02-01,4559264.0,2237181.4\n"
    truncated = monthly[:-12]  # cut inside the last row, as an interrupted download would
    with pytest.raises(PipelineError, match=r"row 2 \(line 3\), column 'imports_usd_thousand': expected a value"):
        read_raw_file(_write(tmp_path, truncated), RAW_SPECS["trade_monthly_totals"])


def test_every_fetched_raw_file_passes_its_schema(root: Path) -> None:
    manifest = load_manifest(root / "data" / "sources.yml")
    assert set(manifest) == set(RAW_SPECS), "every source needs a schema and vice versa"
    for source_id in manifest:
        assert len(read_raw(source_id, manifest)) > 0
