"""The sentences of the data-preparation chapter (notebook 00), built from the tables it writes.

Why a function: the count of rows, partners, years and gaps is what a reader
checks first, and it must follow the data when a raw file changes, so it is
computed here and tested, not typed into the notebook.
"""

from __future__ import annotations

import pandas as pd

from kzmv.story.numbers import count
from kzmv.story.prose import join_and


def trade_table(trade_by_partner: pd.DataFrame, gaps: pd.DataFrame) -> str:
    """What the partner table holds, and which partner-years it leaves missing (``gaps``: missing cells)."""
    years = trade_by_partner["year"]
    held = (
        f"The table has {count(len(trade_by_partner))} rows: {trade_by_partner['partner_iso3'].nunique()} partners, "
        f"{years.min()}–{years.max()}."
    )
    if gaps.empty:
        return f"{held} Every partner-year has both an export and an import value."
    cells = join_and(f"{r.partner} {r.year}" for r in gaps.itertuples())
    if len(gaps) == 1:
        return f"{held} 1 partner-year has no value and is kept as missing: {cells}."
    return f"{held} {len(gaps)} partner-years have no value and are kept as missing: {cells}."
