"""The data-preparation chapter's sentences follow the table they describe."""

from __future__ import annotations

import pandas as pd

from kzmv.analysis import trade
from kzmv.story import data_chapter

NAN = float("nan")


def _panel(rows: list[tuple[int, str, float, float]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["year", "partner_iso3", "exports_usd_m", "imports_usd_m"])
    frame["partner"] = frame["partner_iso3"].map({"RUS": "Russia", "BLR": "Belarus", "CHN": "China"})
    frame["group"] = "Other"
    frame["turnover_usd_m"] = frame[["exports_usd_m", "imports_usd_m"]].sum(axis=1, min_count=2)
    return frame[trade.TRADE_COLUMNS]


def test_counts_years_and_each_gap() -> None:
    panel = _panel([(2009, "RUS", 1.0, 2.0), (2010, "RUS", NAN, 2.0), (2010, "BLR", 1.0, NAN), (2011, "CHN", 1, 1)])
    text = data_chapter.trade_table(panel, trade.missing_cells(panel))
    assert text.startswith("The table has 4 rows: 3 partners, 2009–2011.")
    assert "2 partner-years have no value and are kept as missing: Russia 2010 and Belarus 2010." in text


def test_one_gap_reads_in_the_singular_and_none_says_so() -> None:
    one = _panel([(2009, "RUS", 1.0, 2.0), (2010, "RUS", NAN, 2.0)])
    assert "1 partner-year has no value and is kept as missing: Russia 2010." in data_chapter.trade_table(
        one, trade.missing_cells(one)
    )
    full = _panel([(2009, "RUS", 1.0, 2.0), (2010, "RUS", 3.0, 2.0)])
    text = data_chapter.trade_table(full, trade.missing_cells(full))
    assert "Every partner-year has both an export and an import value." in text and "missing" not in text


def test_thousands_are_separated() -> None:
    big = _panel([(2000 + i % 20, "RUS" if i < 600 else "CHN", 1.0, 1.0) for i in range(1200)])
    assert data_chapter.trade_table(big, trade.missing_cells(big)).startswith("The table has 1,200 rows: 2 partners")
