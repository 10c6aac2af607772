"""What a valid raw table is, one pandera schema per manifest id.

The checks encode what the provenance files promise (columns, types, ranges,
unique keys, known ISO3 codes), so that a changed or damaged upstream file is
caught at the door with a precise message rather than deep inside an analysis.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    """How to read one raw file and what it must satisfy."""

    schema: pa.DataFrameSchema
    na_values: tuple[str, ...] = ()


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
}
