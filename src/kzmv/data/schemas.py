"""What a valid raw table is, one pandera schema per manifest id.

The checks encode what the provenance files promise (columns, types, ranges,
unique keys, known ISO3 codes), so that a changed or damaged upstream file is
caught at the door with a precise message rather than deep inside an analysis.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandera.pandas as pa
import pycountry

KNOWN_ISO3: frozenset[str] = frozenset(c.alpha_3 for c in pycountry.countries)


def _known_iso3(series):
    return series.isin(KNOWN_ISO3)


ISO3_CHECK = pa.Check(_known_iso3, element_wise=False, error="a known ISO 3166-1 alpha-3 code")


def _year(lo: int, hi: int, nullable: bool = False) -> pa.Column:
    return pa.Column("Int64", pa.Check.in_range(lo, hi), nullable=nullable, coerce=True)


def _number(nullable: bool = True, min_value: float | None = None) -> pa.Column:
    checks = [pa.Check.ge(min_value)] if min_value is not None else []
    return pa.Column(float, checks, nullable=nullable, coerce=True)


def _text(nullable: bool = False) -> pa.Column:
    return pa.Column(str, nullable=nullable, coerce=True)


@dataclass(frozen=True)
class RawSpec:
    """How to read one raw file and what it must satisfy.

    The reading options exist because some upstream files are not plain CSV, and each
    option is a stated rule that :mod:`kzmv.data.loading` enforces rather than guesses:

    * ``reader``: ``"csv"`` (text) or ``"stata"`` (a ``.dta`` file read with
      :func:`pandas.read_stata`; Stata has no missing string, so a blank string is read as missing).
    * ``preamble_lines``: lines of notes above the column header (SIPRI writes 11). Exactly
      that many are skipped, and each text in ``preamble_must_contain`` must appear in them,
      so a changed preamble (another unit, another layout) stops the run instead of shifting
      the header.
    * ``line_suffix``: a terminator the publisher puts at the end of lines (SIPRI's ``;``); one
      is removed from the end of every line that has it, before the CSV is parsed. Line endings
      (LF or CRLF) and a missing final newline are accepted for every CSV.
    * ``delimiter``: the field separator (a comma unless stated).
    * ``encoding``: ``utf-8-sig`` by default, which reads UTF-8 and drops a byte-order mark if
      the file starts with one (the IMF files do), so the first column name never carries it.
    """

    schema: pa.DataFrameSchema
    na_values: tuple[str, ...] = ()
    reader: Literal["csv", "stata"] = "csv"
    preamble_lines: int = 0
    preamble_must_contain: tuple[str, ...] = ()
    line_suffix: str = ""
    delimiter: str = ","
    encoding: str = "utf-8-sig"


def _page_figures(country_col: str, year_hi: int = 2030) -> pa.DataFrameSchema:
    """The hand-transcribed 'page figures' files share one shape."""
    return pa.DataFrameSchema(
        {
            "year": _year(1990, year_hi, nullable=True),
            country_col: _text(),
            "indicator": _text(),
            "value": _number(nullable=False),
            "unit": _text(),
            "source_url": _text(),
            "source_date": _text(nullable=True),
            "note": _text(nullable=True),
        },
        strict=True,
    )


# The label columns of wiiw's two wide tables (the year columns "_2000" ... follow them).
WIIW_PARTNER_LABELS: list[str] = [
    "Tree Level 1", "Country-Code", "Country", "Direction", "Partner-Code", "Partner", "Unit", "Footnotes", "Sources",
]  # fmt: skip
WIIW_ACTIVITY_LABELS: list[str] = [
    "Tree Level 1", "Country-Code", "Country", "Direction", "Classification", "Digit", "Industry/Product", "Unit",
    "Footnotes", "Sources",
]  # fmt: skip


def _wiiw(label_cols: list[str], first: int, last: int) -> pa.DataFrameSchema:
    cols: dict[str, pa.Column] = {c: _text(nullable=c == "Footnotes") for c in label_cols}
    cols.update({f"_{y}": _number() for y in range(first, last + 1)})
    key = [c for c in label_cols if c not in ("Footnotes", "Sources")]
    return pa.DataFrameSchema(cols, strict=True, unique=key, report_duplicates="all")


def _country_year(
    entity: str,
    code: str,
    year: str,
    values: list[str],
    lo: int,
    hi: int,
    min_value: float | None = None,
    code_nullable: bool = False,
) -> pa.DataFrameSchema:
    cols: dict[str, pa.Column] = {
        entity: _text(),
        code: _text(nullable=code_nullable),
        year: _year(lo, hi),
    }
    cols.update({v: _number(min_value=min_value) for v in values})
    return pa.DataFrameSchema(cols, strict=True, unique=[entity, year], report_duplicates="all")


def _choice(values: list[str], nullable: bool = False) -> pa.Column:
    return pa.Column(str, pa.Check.isin(values), nullable=nullable, coerce=True)


def _quantiles_ordered(frame):
    """Posterior quantiles rise from 5% to 50% to 95% wherever all three are given."""
    ok = []
    for suffix in ("fp", "all"):
        q5, q50, q95 = (frame[f"q{q}{suffix}"] for q in (5, 50, 95))
        ok.append(~((q5 > q50) | (q50 > q95)))
    return ok[0] & ok[1]


# Voeten's ideal points (Stata). Key (ccode, year): iso3c repeats (YAR is both Yemens, 1967-1989)
# and is blank in 17 session-only stub rows; historical states (CSK, DDR, YAR, YUG) have codes
# that are not in ISO 3166-1 today, so iso3c is checked for its form only.
_VOETEN_ESTIMATES = ["idealpointfp", "idealpointall", "idealpointlegacy"]
_VOETEN_QUANTILES = [f"q{q}{s}" for s in ("fp", "all") for q in ("o", "5", "10", "50", "90", "95", "100")]
VOETEN_COLUMNS: list[str] = [
    "ccode", "iso3c", "countryname", "year", "idealpointfp", "idealpointall", "idealpointlegacy", "nvotesfp",
    "qofp", "q5fp", "q10fp", "q50fp", "q90fp", "q95fp", "q100fp", "nvotesall",
    "qoall", "q5all", "q10all", "q50all", "q90all", "q95all", "q100all", "nvotesLegacy",
]  # fmt: skip


def _voeten() -> pa.DataFrameSchema:
    cols: dict[str, pa.Column] = {
        "ccode": pa.Column("Int64", pa.Check.in_range(1, 999), coerce=True),
        "iso3c": pa.Column(str, pa.Check.str_matches(r"^[A-Z]{3}$"), nullable=True, coerce=True),
        "countryname": _text(nullable=True),
        "year": _year(1946, 2030),
    }
    for col in VOETEN_COLUMNS[4:]:
        if col.startswith("nvotes"):
            cols[col] = _number(min_value=0)
        else:  # estimates and quantiles: positions on one dimension, a few units either side of zero
            cols[col] = pa.Column(float, pa.Check.in_range(-10, 10), nullable=True, coerce=True)
    return pa.DataFrameSchema(
        {c: cols[c] for c in VOETEN_COLUMNS},
        checks=[pa.Check(_quantiles_ordered, error="posterior quantiles in order (q5 <= q50 <= q95)")],
        strict=True,
        unique=["ccode", "year"],
        report_duplicates="all",
    )


# SIPRI's trade register: one row per deal and delivery year.
SIPRI_COLUMNS: list[str] = [
    "SIPRI AT Database ID", "Supplier", "Recipient", "Designation", "Description", "Armament category",
    "Order date", "Order date is estimate", "Numbers delivered", "Numbers delivered is estimate",
    "Delivery year", "Delivery year is estimate", "Status", "SIPRI estimate", "TIV deal unit",
    "TIV delivery values", "Local production",
]  # fmt: skip
SIPRI_PREAMBLE_LINES = 11
SIPRI_UNIT_LINE = "SIPRI trend-indicator values (TIVs) are in millions"
_YES_NO = ["Yes", "No"]


def _sipri() -> pa.DataFrameSchema:
    cols = {
        "SIPRI AT Database ID": pa.Column("Int64", pa.Check.ge(1), coerce=True),
        "Supplier": _text(),
        "Recipient": _text(),
        "Designation": _text(),
        "Description": _text(),
        "Armament category": _text(),
        "Order date": _year(1900, 2030),
        "Order date is estimate": _choice(_YES_NO, nullable=True),
        "Numbers delivered": pa.Column("Int64", pa.Check.ge(0), coerce=True),
        "Numbers delivered is estimate": _choice(_YES_NO, nullable=True),
        # the header announces 1995-2025; the 12 Feb 2026 vintage has no 2025 row yet
        "Delivery year": _year(1995, 2025),
        "Delivery year is estimate": _choice(_YES_NO, nullable=True),
        "Status": _choice(["New", "Second hand", "Second hand but modernized"]),
        "SIPRI estimate": _number(nullable=False, min_value=0),
        "TIV deal unit": _number(nullable=False, min_value=0),
        "TIV delivery values": _number(nullable=False, min_value=0),
        "Local production": _choice(_YES_NO),
    }
    return pa.DataFrameSchema(
        cols, strict=True, unique=["SIPRI AT Database ID", "Delivery year"], report_duplicates="all"
    )


# Eurostat Comext exports, combined from 408 files. The Kazakhstan rows carry Comext's
# code-and-label form ("TOTAL-Total", "2-EXPORT", "T-Total"); both forms mean the same.
EU_PARTNERS: list[str] = ["ARM", "GEO", "KAZ", "KGZ", "RUS", "UZB"]


def _eu_exports() -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "partner_iso3": _choice(EU_PARTNERS),
            "partner": _text(),
            "reporter": _text(),
            "reporter_is_aggregate": _choice(["yes", "no"]),
            "month": pa.Column(str, pa.Check.str_matches(r"^(19|20)\d\d-(0[1-9]|1[0-2])$"), coerce=True),
            "period_label": _text(),
            "product": _choice(["Total", "TOTAL-Total"]),
            "flow": _choice(["EXPORT", "2-EXPORT"]),
            "stat_procedure": _choice(["Total", "T-Total"]),
            "value_eur": _number(nullable=False, min_value=0),
            "source_file": _text(),
        },
        strict=True,
        unique=["partner_iso3", "month", "reporter"],
        report_duplicates="all",
    )


def _year_matches_period(frame):
    """The added ``year`` is the year the period label names ("Jan.-Dec. 2016", "201952-Jan.-Dec. 2019")."""
    return frame["period_label"].str[-4:] == frame["year"].astype(str)


# Eurostat Comext, EU-27 exports to every partner, one file a year stacked into one. The 2016 file is in
# French ("EXPORTATION"); the 2019-2023 files use the code-and-label form like the monthly file.
EU27_LABEL_LANGUAGES: list[str] = ["en", "fr"]


def _eu27_annual() -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "year": _year(2000, 2030),
            "period_label": _text(),
            "reporter": pa.Column(str, pa.Check.str_contains(r"27 (?:countries|pays)"), coerce=True),
            "partner": _text(),
            "product": _choice(["Total", "TOTAL-Total"]),
            "flow": _choice(["EXPORT", "EXPORTATION", "2-EXPORT"]),
            "stat_procedure": _choice(["Total", "T-Total"]),
            "value_eur": _number(nullable=False, min_value=0),
            "label_language": _choice(EU27_LABEL_LANGUAGES),
            "source_file": _text(),
        },
        checks=[pa.Check(_year_matches_period, error="year to be the year of period_label")],
        strict=True,
        unique=["year", "partner"],
        report_duplicates="all",
    )


def _peer_imports() -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "reporter_iso3": pa.Column(str, ISO3_CHECK, coerce=True),
            "reporter": _text(),
            "partner": _text(),
            "partner_is_aggregate": _choice(["yes", "no"]),
            "year": _year(2019, 2023),
            "value_eur_as_in_source": _number(nullable=False, min_value=0),
            "eur_usd_rate_used_upstream": pa.Column(float, pa.Check.in_range(0.5, 2.0), coerce=True),
            "value_usd_thousand_reconstructed": _number(nullable=False, min_value=0),
            "note": _text(nullable=True),
            "source_file": _text(),
        },
        strict=True,
        unique=["reporter_iso3", "partner", "year"],
        report_duplicates="all",
    )


# IMF Direct Investment Positions (DIP, ex-CDIS). DV_TYPE O = the reporter's own figure,
# SCC = derived from the counterpart (a mirror); the two must never be added.
IMF_DIP_INDICATORS: dict[str, str] = {"outward": "OTWD_D_NETAL_FALL_ALL", "inward": "INWD_D_NETLA_FALL_ALL"}


def _no_value_without_year(frame):
    return frame["TIME_PERIOD"].notna() | frame["OBS_VALUE"].isna()


def _imf_dip(direction: str) -> pa.DataFrameSchema:
    cols: dict[str, pa.Column] = {
        "COUNTRY.ID": pa.Column(str, ISO3_CHECK, coerce=True),
        "COUNTRY": _text(),
        "DV_TYPE.ID": _choice(["O", "SCC"]),
        "DV_TYPE": _text(),
        "INDICATOR.ID": _choice([IMF_DIP_INDICATORS[direction]]),
        "INDICATOR": _text(),
        "COUNTERPART_COUNTRY.ID": _text(),  # ISO3 codes and IMF aggregates (G001 World, regions, TX983)
        "COUNTERPART_COUNTRY": _text(),
        "FREQUENCY.ID": _choice(["A"]),
        "FREQUENCY": _text(),
        # 24 outward and 30 inward rows are series stubs with neither a year nor a value
        "TIME_PERIOD": _year(2000, 2030, nullable=True),
        "OBS_VALUE": _number(),  # net positions can be negative; blank = confidential or not available
    }
    if direction == "outward":  # the inward file has no SCALE column (its values are USD million)
        cols["SCALE.ID"] = _choice(["6"], nullable=True)  # blank in 21 China rows, which are in units
        cols["SCALE"] = _choice(["Millions"], nullable=True)
    return pa.DataFrameSchema(
        cols,
        checks=[pa.Check(_no_value_without_year, error="a row without TIME_PERIOD to have no OBS_VALUE")],
        strict=True,
        unique=["COUNTRY.ID", "DV_TYPE.ID", "COUNTERPART_COUNTRY.ID", "TIME_PERIOD"],
        report_duplicates="all",
    )


def _ukraine_votes() -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "resolution": _text(),
            "date": pa.Column(str, pa.Check.str_matches(r"^\d{4}-\d\d-\d\d$"), coerce=True),
            "short_title": _text(),
            "country_iso3": pa.Column(str, ISO3_CHECK, coerce=True),
            "country": _text(),
            "vote": _choice(["yes", "no", "abstain", "absent"]),
            "source_url": pa.Column(str, pa.Check.str_matches(r"^https?://\S+$"), coerce=True),
            "source_date": _text(),
            "note": _text(nullable=True),
        },
        strict=True,
        unique=["resolution", "country_iso3"],
        report_duplicates="all",
    )


RAW_SPECS: dict[str, RawSpec] = {
    "trade_partner_panel": RawSpec(
        pa.DataFrameSchema(
            {
                "iso3": pa.Column(str, ISO3_CHECK, coerce=True),
                "year": _year(2000, 2025),
                "exports_usd_million": _number(min_value=0),
                "imports_usd_million": _number(min_value=0),
            },
            strict=True,
            unique=["iso3", "year"],
            report_duplicates="all",
        )
    ),
    "trade_monthly_totals": RawSpec(
        pa.DataFrameSchema(
            {
                "month": pa.Column("datetime64[ns]", coerce=True),
                "exports_usd_thousand": _number(nullable=False, min_value=0),
                "imports_usd_thousand": _number(nullable=False, min_value=0),
            },
            strict=True,
            unique=["month"],
            report_duplicates="all",
        )
    ),
    "exports_by_commodity_monthly": RawSpec(
        pa.DataFrameSchema(
            {
                "month": pa.Column("datetime64[ns]", coerce=True),
                "item_code": _text(),
                "hs_scope": _text(),
                "description": _text(),
                "value_usd_thousand": _number(min_value=0),
            },
            strict=True,
            unique=["month", "item_code"],
            report_duplicates="all",
        )
    ),
    "trade_page_figures": RawSpec(
        pa.DataFrameSchema(
            {
                "year": _year(1990, 2030),
                "reporter": _text(),
                "partner": _text(),
                "flow": _text(),
                "value_usd_million": _number(nullable=False, min_value=0),
                "source_url": _text(),
                "source_date": _text(nullable=True),
                "period": _text(nullable=True),
                "note": _text(nullable=True),
            },
            strict=True,
        )
    ),
    "fdi_by_partner_wiiw": RawSpec(
        _wiiw(WIIW_PARTNER_LABELS, 2003, 2021),
        na_values=(".",),
    ),
    "fdi_by_activity_wiiw": RawSpec(
        _wiiw(WIIW_ACTIVITY_LABELS, 2000, 2021),
        na_values=(".",),
    ),
    "fdi_page_figures": RawSpec(_page_figures("country")),
    "fdi_by_country_page_figures": RawSpec(_page_figures("country_or_commodity")),
    "oil_cpc_page_figures": RawSpec(_page_figures("country")),
    "oil_export_page_figures": RawSpec(_page_figures("country_or_commodity")),
    "exchange_rate_page_figures": RawSpec(_page_figures("country")),
    "owid_fossil_production": RawSpec(
        _country_year(
            "Entity",
            "Code",
            "Year",
            ["Coal production - TWh", "Oil production - TWh", "Gas production - TWh"],
            1900,
            2030,
            min_value=0,
            code_nullable=True,
        )
    ),
    "imf_weo_kaz": RawSpec(
        pa.DataFrameSchema(
            {
                "year": _year(1980, 2035),
                "country": _text(),
                "iso3": pa.Column(str, ISO3_CHECK, coerce=True),
                "weo_subject_code": _text(),
                "subject": _text(),
                "units": _text(),
                "scale": _text(),
                "value": _number(nullable=False),
                "status": pa.Column(
                    str, pa.Check.isin(["actual", "IMF estimate or projection (after last actual year)"]), coerce=True
                ),
                "estimates_start_after": _year(1980, 2035),
            },
            strict=True,
            unique=["weo_subject_code", "year"],
            report_duplicates="all",
        )
    ),
    "wb_gdp_usd": RawSpec(_country_year("Country Name", "Country Code", "Year", ["Value"], 1960, 2030, min_value=0)),
    "wb_cpi_inflation": RawSpec(_country_year("Country", "Country Code", "Year", ["Inflation"], 1960, 2030)),
    "wb_gdp_deflator": RawSpec(_country_year("Country", "Country Code", "Year", ["Inflation"], 1960, 2030)),
    "owid_trade_share_gdp": RawSpec(
        _country_year("Entity", "Code", "Year", ["Trade (% of GDP)"], 1960, 2030, min_value=0, code_nullable=True)
    ),
    "owid_weo_real_gdp_growth": RawSpec(
        _country_year(
            "Entity",
            "Code",
            "Year",
            [
                "Gross domestic product, constant prices - Percent change - Observations",
                "Gross domestic product, constant prices - Percent change - Forecasts",
            ],
            1980,
            2035,
            code_nullable=True,
        )
    ),
    "unga_ideal_points_voeten": RawSpec(_voeten(), reader="stata"),
    "unga_ukraine_votes": RawSpec(_ukraine_votes()),
    "sipri_arms_register": RawSpec(
        _sipri(),
        preamble_lines=SIPRI_PREAMBLE_LINES,
        preamble_must_contain=("SIPRI Arms Transfers Database", SIPRI_UNIT_LINE, "Data generated:"),
        line_suffix=";",
    ),
    "eu_exports_monthly_eurostat": RawSpec(_eu_exports()),
    "eu27_exports_annual_eurostat": RawSpec(_eu27_annual()),
    "peer_imports_national": RawSpec(_peer_imports()),
    "imf_dip_outward": RawSpec(_imf_dip("outward"), encoding="utf-8-sig"),
    "imf_dip_inward": RawSpec(_imf_dip("inward"), encoding="utf-8-sig"),
}
