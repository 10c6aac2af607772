"""IMF direct-investment positions: units, the two origins kept apart, China's second mirror."""

from __future__ import annotations

import pandas as pd
import pytest

from kzmv.analysis import fdi
from kzmv.analysis import investment_positions as positions
from kzmv.data.loading import read_raw
from kzmv.data.partners import load_groups


def _dip(rows: list[tuple], scale: bool = True) -> pd.DataFrame:
    """(reporter, dv_type, counterpart, year, value, scale)."""
    frame = pd.DataFrame(
        rows, columns=["COUNTRY.ID", "DV_TYPE.ID", "COUNTERPART_COUNTRY.ID", "TIME_PERIOD", "OBS_VALUE", "SCALE"]
    )
    frame["COUNTRY"] = frame["COUNTRY.ID"]
    frame["TIME_PERIOD"] = frame["TIME_PERIOD"].astype("Int64")
    return frame if scale else frame.drop(columns="SCALE")


def test_rows_without_a_scale_are_units_and_o_and_scc_stay_apart() -> None:
    outward = _dip(
        [
            ("CHN", "O", "KAZ", 2024, 6_183_700_000.0, None),
            ("CHN", "SCC", "KAZ", 2024, 6328.9, "Millions"),
            ("USA", "SCC", "KAZ", 2024, 39757.0, "Millions"),
            ("USA", "SCC", "KAZ", None, None, "Millions"),
            ("USA", "SCC", "RUS", 2024, 1.0, "Millions"),
        ]
    )
    inward = _dip([("SGP", "O", "KAZ", 2024, 1131.0, None)], scale=False)
    table = positions.kazakhstan_positions(outward, inward)
    assert len(table) == 4, "the stub without a year and the other counterpart are not positions in Kazakhstan"
    china_own = positions.position_series(table, "CHN", positions.OWN)
    assert china_own[2024] == pytest.approx(6183.7), "units divided by a million"
    assert positions.position_series(table, "CHN", positions.MIRROR)[2024] == 6328.9
    assert len(table[(table["investor_iso3"] == "CHN") & (table["year"] == 2024)]) == 2, "never one summed row"
    singapore = table[table["direction"] == "from Kazakhstan"].iloc[0]
    assert singapore["host_iso3"] == "SGP" and singapore["position_usd_m"] == 1131.0, "no SCALE column: millions"
    mirror = positions.china_mirror(table, 2023, 2024)
    assert pd.isna(mirror.loc[2023, "gap_pct"]) and mirror.loc[2024, "gap_pct"] == pytest.approx(
        100 * (6183.7 / 6328.9 - 1)
    )


def test_real_positions_match_the_provenance_table() -> None:
    table = positions.kazakhstan_positions(read_raw("imf_dip_outward"), read_raw("imf_dip_inward"))
    usa = positions.position_series(table, "USA", positions.MIRROR).round(0)
    assert usa[2014] == 18760 and usa[2021] == 39709 and usa[2024] == 39757
    assert positions.position_series(table, "USA", positions.OWN).empty, "the USA has no figure of its own"
    china = positions.china_mirror(table, 2014, 2024).round(0)
    assert china.loc[2018, "china_figure_usd_m"] == 4246 and china.loc[2018, "kazakhstan_figure_usd_m"] == 8269
    assert china.loc[2021, "china_figure_usd_m"] == 7487 and china.loc[2021, "kazakhstan_figure_usd_m"] == 5460
    assert pd.isna(china.loc[2016, "china_figure_usd_m"]), "China's own rows start in 2018"
    singapore = positions.position_series(table, "SGP", positions.OWN, direction="inward").round(0)
    assert singapore[2024] == 1131


def test_the_mirror_rows_are_wiiw_stocks_in_another_currency() -> None:
    """2019-2021: one factor per year for all five partners (1.120, 1.227, 1.130), as the provenance found."""
    table = positions.kazakhstan_positions(read_raw("imf_dip_outward"), read_raw("imf_dip_inward"))
    wiiw = fdi.tidy_fdi_by_partner(read_raw("fdi_by_partner_wiiw"), load_groups())
    factors = positions.wiiw_factors(table, wiiw)
    assert factors.loc[[2019, 2020, 2021], "factor"].round(3).tolist() == [1.120, 1.227, 1.130]
    assert (factors.loc[[2019, 2020, 2021], "spread"] < 1e-6).all() and factors.loc[2015, "spread"] > 1
