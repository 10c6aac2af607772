"""The reading rules for the raw files that are not plain CSV, each fed a small odd or bad input.

SIPRI's preamble, semicolons, CRLF and missing final newline; the IMF files' byte-order
mark, their series stubs without a year and China's rows without a scale; Voeten's Stata
file with blank strings and a key that is (ccode, year), not (iso3c, year); Eurostat's two
spellings of the same code. Each rule gets one clear message when the input breaks it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from kzmv.data.loading import read_raw, read_raw_file
from kzmv.data.schemas import RAW_SPECS, SIPRI_COLUMNS, SIPRI_PREAMBLE_LINES, SIPRI_UNIT_LINE, VOETEN_COLUMNS
from kzmv.errors import PipelineError

SIPRI = RAW_SPECS["sipri_arms_register"]
PREAMBLE = [
    "Transfers of major conventional arms from All countries  to All countries .;",
    "A '?' in a column indicates uncertain data.;",
    "An empty field for 'Number ordered' indicates that data is not yet available.;",
    f"{SIPRI_UNIT_LINE}.;",
    "An empty field for 'SIPRI TIV for total order' indicates that data is not available.;",
    "A '0' for 'SIPRI TIV of delivered weapons' indicates a small volume",  # no ';', as upstream
    "Figures may not add up to stated totals due to the conventions of rounding.;",
    "For the method used see <https://www.sipri.org/databases/armstransfers/sources-and-methods>.",
    ";",
    "Source: SIPRI Arms Transfers Database (c) SIPRI.;",
    "Data generated: 12 Feb 2026 12:26:12 PM;",
]
ROWS = [
    "55238,Albania,Burkina Faso,PM-43 120mm,mortar,Artillery,2011,Yes,12,No,2011,No,Second hand,0.25,0.1,1.2,No;",
    '60840,Russia,Kazakhstan,"Su-30MK, export",FGA aircraft,Aircraft,2018,No,8,No,2024,No,New,55,55,440,No;',
]


def _sipri_text(preamble: list[str] = PREAMBLE, rows: list[str] = ROWS, final_newline: bool = False) -> bytes:
    lines = [*preamble, ",".join(SIPRI_COLUMNS) + ";", *rows]
    return ("\r\n".join(lines) + ("\r\n" if final_newline else "")).encode("ascii")


def _write(tmp_path: Path, data: bytes, name: str = "register.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_sipri_preamble_semicolons_crlf_and_no_final_newline(tmp_path: Path) -> None:
    assert len(PREAMBLE) == SIPRI_PREAMBLE_LINES
    frame = read_raw_file(_write(tmp_path, _sipri_text()), SIPRI)
    assert list(frame.columns) == SIPRI_COLUMNS
    assert frame["Local production"].tolist() == ["No", "No"], "the trailing ';' is gone from the last field"
    assert frame["TIV delivery values"].tolist() == [1.2, 440.0]
    assert frame.loc[1, "Designation"] == "Su-30MK, export", "quoted commas survive"
    with_newline = read_raw_file(_write(tmp_path, _sipri_text(final_newline=True), "b.csv"), SIPRI)
    pd.testing.assert_frame_equal(frame, with_newline)


def test_only_one_trailing_semicolon_is_removed(tmp_path: Path) -> None:
    rows = [ROWS[0].replace(",No;", ",No;;")]
    with pytest.raises(PipelineError, match=r"column 'Local production': expected isin.*found 'No;'"):
        read_raw_file(_write(tmp_path, _sipri_text(rows=rows)), SIPRI)


def test_a_shorter_preamble_is_reported_not_read_from_another_line(tmp_path: Path) -> None:
    with pytest.raises(PipelineError, match=r"register.csv, line 12: missing column\(s\)"):
        read_raw_file(_write(tmp_path, _sipri_text(preamble=PREAMBLE[1:])), SIPRI)


def test_a_preamble_without_the_unit_line_stops_the_run(tmp_path: Path) -> None:
    preamble = [line.replace("are in millions", "are in thousands") for line in PREAMBLE]
    with pytest.raises(
        PipelineError, match=r"preamble lines do not say 'SIPRI trend-indicator values \(TIVs\) are in millions'"
    ):
        read_raw_file(_write(tmp_path, _sipri_text(preamble=preamble)), SIPRI)


def test_a_file_that_ends_in_its_preamble(tmp_path: Path) -> None:
    data = "\r\n".join(PREAMBLE[:5]).encode()
    with pytest.raises(
        PipelineError, match=r"ends within its 11 preamble lines; expected the column header on line 12"
    ):
        read_raw_file(_write(tmp_path, data), SIPRI)


def test_line_numbers_count_the_preamble(tmp_path: Path) -> None:
    rows = [ROWS[0], ROWS[1].replace(",440,", ",-440,")]
    with pytest.raises(PipelineError, match=r"row 2 \(line 14\), column 'TIV delivery values': expected a value >= 0"):
        read_raw_file(_write(tmp_path, _sipri_text(rows=rows)), SIPRI)


def test_another_delimiter_is_an_option_of_the_spec(tmp_path: Path) -> None:
    spec = replace(RAW_SPECS["trade_partner_panel"], delimiter=";")
    text = "iso3;year;exports_usd_million;imports_usd_million\nCHN;2024;14891.4;15266.2\n"
    assert read_raw_file(_write(tmp_path, text.encode()), spec)["iso3"].tolist() == ["CHN"]
    with pytest.raises(PipelineError, match=r"wrong delimiter: the header is separated by ','; expected semicolons"):
        read_raw_file(_write(tmp_path, text.replace(";", ",").encode(), "c.csv"), spec)


# --- the IMF files: BOM, stubs without a year, rows without a scale -----------------------------------

IMF_HEADER = (
    '"COUNTRY.ID","COUNTRY","DV_TYPE.ID","DV_TYPE","INDICATOR.ID","INDICATOR","COUNTERPART_COUNTRY.ID",'
    '"COUNTERPART_COUNTRY","FREQUENCY.ID","FREQUENCY","TIME_PERIOD","OBS_VALUE","SCALE.ID","SCALE"'
)
IMF_ROW = '"CHN","China","{dv}","d","OTWD_D_NETAL_FALL_ALL","i","KAZ","Kazakhstan","A","Annual","{year}","{value}","{sid}","{scale}"'


def _imf(*rows: dict[str, str], bom: bool = True) -> bytes:
    body = "\n".join(
        IMF_ROW.format(**{"dv": "O", "year": "2024", "value": "6183.7", "sid": "6", "scale": "Millions", **r})
        for r in rows
    )
    return (b"\xef\xbb\xbf" if bom else b"") + f"{IMF_HEADER}\n{body}\n".encode()


def test_the_byte_order_mark_does_not_reach_the_first_column(tmp_path: Path) -> None:
    frame = read_raw_file(_write(tmp_path, _imf({})), RAW_SPECS["imf_dip_outward"])
    assert frame.columns[0] == "COUNTRY.ID" and frame.loc[0, "COUNTRY.ID"] == "CHN"
    again = read_raw_file(_write(tmp_path, _imf({}, bom=False), "b.csv"), RAW_SPECS["imf_dip_outward"])
    pd.testing.assert_frame_equal(frame, again)


def test_a_stub_without_a_year_may_not_carry_a_value(tmp_path: Path) -> None:
    spec = RAW_SPECS["imf_dip_outward"]
    frame = read_raw_file(_write(tmp_path, _imf({}, {"year": "", "value": ""})), spec)
    assert frame["TIME_PERIOD"].isna().sum() == 1
    with pytest.raises(PipelineError, match=r"a row without TIME_PERIOD to have no OBS_VALUE"):
        read_raw_file(_write(tmp_path, _imf({}, {"year": "", "value": "5"}), "b.csv"), spec)


def test_a_blank_scale_is_allowed_and_another_scale_is_not(tmp_path: Path) -> None:
    spec = RAW_SPECS["imf_dip_outward"]
    frame = read_raw_file(_write(tmp_path, _imf({"sid": "", "scale": "", "value": "6128490598.3"})), spec)
    assert frame["SCALE"].isna().all()
    with pytest.raises(PipelineError, match=r"column 'SCALE': expected isin\(\['Millions'\]\), found 'Billions'"):
        read_raw_file(_write(tmp_path, _imf({"scale": "Billions"}), "b.csv"), spec)


def test_o_and_scc_may_share_a_cell_but_not_repeat_one(tmp_path: Path) -> None:
    spec = RAW_SPECS["imf_dip_outward"]
    assert len(read_raw_file(_write(tmp_path, _imf({}, {"dv": "SCC"})), spec)) == 2
    with pytest.raises(PipelineError, match=r"expected unique key values"):
        read_raw_file(_write(tmp_path, _imf({}, {}), "b.csv"), spec)


# --- Voeten's Stata file ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def voeten_rows() -> pd.DataFrame:
    """Three real rows of the fetched .dta (Kazakhstan 2023-2024 and one stub), as the fixture base."""
    real = pd.read_stata(
        Path(__file__).resolve().parents[1] / "data" / "raw" / "politics" / "voeten_unga_ideal_points_jul2025.dta"
    )
    kaz = real[(real["iso3c"] == "KAZ") & real["year"].isin([2023, 2024])]
    stub = real[real["iso3c"] == ""].head(1)
    return pd.concat([kaz, stub], ignore_index=True)


def _dta(tmp_path: Path, frame: pd.DataFrame, name: str = "ideal.dta") -> Path:
    path = tmp_path / name
    frame.to_stata(path, write_index=False, version=118)
    return path


def test_stata_blank_strings_are_missing_and_types_are_checked(tmp_path: Path, voeten_rows: pd.DataFrame) -> None:
    frame = read_raw_file(_dta(tmp_path, voeten_rows), RAW_SPECS["unga_ideal_points_voeten"])
    assert list(frame.columns) == VOETEN_COLUMNS
    assert frame["iso3c"].isna().tolist() == [False, False, True], "the stub's blank code is missing, not ''"
    assert frame["year"].tolist() == [2023, 2024, int(voeten_rows.loc[2, "year"])]


def test_the_stata_key_is_ccode_and_year_not_iso3(tmp_path: Path, voeten_rows: pd.DataFrame) -> None:
    spec = RAW_SPECS["unga_ideal_points_voeten"]
    yemens = voeten_rows.copy()
    yemens.loc[1, ["year", "ccode"]] = [2023, 680]  # same iso3c and year, another state: allowed (YAR)
    assert len(read_raw_file(_dta(tmp_path, yemens), spec)) == 3
    twice = voeten_rows.copy()
    twice.loc[1, "year"] = 2023
    with pytest.raises(PipelineError, match=r"twice.dta, row 1, column 'ccode': expected unique key values"):
        read_raw_file(_dta(tmp_path, twice, "twice.dta"), spec)


def test_stata_quantiles_out_of_order_and_fractional_years(tmp_path: Path, voeten_rows: pd.DataFrame) -> None:
    spec = RAW_SPECS["unga_ideal_points_voeten"]
    swapped = voeten_rows.copy()
    swapped.loc[0, "q5fp"] = swapped.loc[0, "q95fp"] + 1
    with pytest.raises(PipelineError, match=r"posterior quantiles in order"):
        read_raw_file(_dta(tmp_path, swapped), spec)
    fractional = voeten_rows.copy()
    fractional.loc[0, "year"] = 2023.5
    with pytest.raises(PipelineError, match=r"f.dta, row 1, column 'year': expected a whole number, found 2023.5"):
        read_raw_file(_dta(tmp_path, fractional, "f.dta"), spec)


def test_a_csv_read_as_stata_and_a_missing_variable(tmp_path: Path, voeten_rows: pd.DataFrame) -> None:
    spec = RAW_SPECS["unga_ideal_points_voeten"]
    with pytest.raises(PipelineError, match=r"not.dta: cannot be read as a Stata .dta file"):
        read_raw_file(_write(tmp_path, b"ccode,year\n705,2024\n", "not.dta"), spec)
    with pytest.raises(PipelineError, match=r"missing column\(s\) \['idealpointfp'\]"):
        read_raw_file(_dta(tmp_path, voeten_rows.drop(columns="idealpointfp")), spec)
    with pytest.raises(PipelineError, match=r"the file is empty"):
        read_raw_file(_write(tmp_path, b"", "empty.dta"), spec)


# --- Eurostat, the peers, the votes --------------------------------------------------------------------------

EU_HEADER = "partner_iso3,partner,reporter,reporter_is_aggregate,month,period_label,product,flow,stat_procedure,value_eur,source_file"


def test_eurostat_accepts_both_spellings_of_the_codes(tmp_path: Path) -> None:
    text = (
        f"{EU_HEADER}\n"
        "KAZ,Kazakhstan,Austria,no,2019-01,Jan. 2019,TOTAL-Total,2-EXPORT,T-Total,9141431,f.csv\n"
        "RUS,Russian Federation (Russia),Austria,no,2019-01,Jan. 2019,Total,EXPORT,Total,1000,g.csv\n"
    )
    spec = RAW_SPECS["eu_exports_monthly_eurostat"]
    assert len(read_raw_file(_write(tmp_path, text.encode(), "eu.csv"), spec)) == 2
    with pytest.raises(PipelineError, match=r"column 'flow': expected isin.*found 'IMPORT'"):
        read_raw_file(_write(tmp_path, text.replace("2-EXPORT", "IMPORT").encode(), "bad.csv"), spec)
    with pytest.raises(PipelineError, match=r"column 'month': expected str_matches"):
        read_raw_file(_write(tmp_path, text.replace("2019-01,Jan", "2019-13,Jan").encode(), "m.csv"), spec)


def test_a_vote_outside_the_four_states_and_a_repeated_vote(tmp_path: Path) -> None:
    header = "resolution,date,short_title,country_iso3,country,vote,source_url,source_date,note"
    row = "ES-11/1,2022-03-02,Aggression against Ukraine,KAZ,Kazakhstan,abstain,https://example.org/a,2022-03-02,"
    spec = RAW_SPECS["unga_ukraine_votes"]
    assert read_raw_file(_write(tmp_path, f"{header}\n{row}\n".encode(), "v.csv"), spec)["note"].isna().all()
    with pytest.raises(PipelineError, match=r"column 'vote': expected isin.*found 'unknown'"):
        read_raw_file(_write(tmp_path, f"{header}\n{row.replace('abstain', 'unknown')}\n".encode(), "u.csv"), spec)
    with pytest.raises(PipelineError, match=r"expected unique key values"):
        read_raw_file(_write(tmp_path, f"{header}\n{row}\n{row}\n".encode(), "d.csv"), spec)


def test_the_real_files_show_the_traits_the_rules_are_for(root: Path) -> None:
    """The fetched files: 11 preamble lines, a BOM, stubs, YAR twice, unscaled rows (as the provenance says)."""
    raw = root / "data" / "raw"
    sipri = (raw / "security" / "sipri_arms_transfers_register_1995_2024.csv").read_bytes()
    assert (
        sipri.endswith(b";") and b"\r\n" in sipri and sipri.split(b"\r\n")[SIPRI_PREAMBLE_LINES].startswith(b"SIPRI AT")
    )
    assert (raw / "fdi" / "imf_direct_investment_positions_inward_5reporters_2014_2024.csv").read_bytes()[
        :3
    ] == b"\xef\xbb\xbf"
    voeten = read_raw("unga_ideal_points_voeten")
    assert voeten["iso3c"].isna().sum() == 17
    assert voeten.dropna(subset=["iso3c"]).duplicated(["iso3c", "year"]).sum() == 23  # YAR, 1967-1989
    outward = read_raw("imf_dip_outward")
    assert (outward["SCALE"].isna() & outward["OBS_VALUE"].notna()).sum() == 21
