"""Coverage of the raw files and the title block's date of the data."""

from __future__ import annotations

import pandas as pd

from kzmv.data.inventory import coverage
from kzmv.story.front_matter import date_of_data


def _raw() -> dict[str, pd.DataFrame]:
    return {
        "trade_partner_panel": pd.DataFrame({"iso3": ["CHN", "RUS"], "year": [2000, 2025]}),
        "trade_monthly_totals": pd.DataFrame({"month": pd.to_datetime(["2019-01-01", "2026-06-01"])}),
        "exports_by_commodity_monthly": pd.DataFrame({"month": pd.to_datetime(["2015-01-01", "2026-05-01"])}),
        "fdi_by_partner_wiiw": pd.DataFrame({"Partner": ["X"], "_2003": [1.0], "_2021": [2.0], "_2022": [None]}),
        "wb_gdp_usd": pd.DataFrame({"Country Code": ["KAZ", "KAZ", "AFG"], "Year": [1990, 2023, 2024]}),
    }


def test_coverage_reads_months_years_wide_columns_and_kazakhstan_rows() -> None:
    cover = coverage(_raw()).set_index("source")
    assert cover.loc["trade_monthly_totals", "last"] == "2026-06"
    assert cover.loc["fdi_by_partner_wiiw", "last"] == "2021", "an empty year column is not coverage"
    assert cover.loc["wb_gdp_usd", "last"] == "2023", "other countries' years do not count"


def test_coverage_of_the_politics_and_security_files_is_kazakhstan_s() -> None:
    raw = {
        "votes": pd.DataFrame({"country_iso3": ["KAZ", "RUS"], "date": ["2014-03-27", "2026-02-24"]}),
        "sipri": pd.DataFrame({"Recipient": ["Kazakhstan", "India"], "Delivery year": [1995, 2024]}),
        "imf": pd.DataFrame({"COUNTERPART_COUNTRY.ID": ["KAZ", "KAZ", "G001"], "TIME_PERIOD": [2014, None, 2024]}),
        "ideal": pd.DataFrame({"iso3c": ["KAZ", "USA", None], "year": [1992, 1946, 1950]}),
    }
    cover = coverage(raw).set_index("source")
    assert cover.loc["votes"].tolist() == ["2014-03-27", "2014-03-27"]
    assert cover.loc["sipri"].tolist() == ["1995", "1995"]
    assert cover.loc["imf"].tolist() == ["2014", "2014"], "a row without a year is not coverage"
    assert cover.loc["ideal"].tolist() == ["1992", "1992"]


def test_data_note_names_the_last_periods_and_flags_preliminary_years() -> None:
    note = date_of_data(coverage(_raw()), frozenset({2025}))
    assert note.startswith(
        "Partner trade to 2025 (preliminary); monthly trade to June 2026, exports by commodity to May 2026"
    )
    assert "FDI by partner to 2021" in note
