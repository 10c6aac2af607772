"""Arms transfers: SIPRI names to codes, flows, windows and shares (against the provenance's totals)."""

from __future__ import annotations

import pandas as pd
import pytest

from kzmv.analysis import security
from kzmv.data.loading import read_raw
from kzmv.data.partners import load_groups
from kzmv.errors import PipelineError


def _register(rows: list[tuple[str, str, int, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["Supplier", "Recipient", "Delivery year", "TIV delivery values"])


def test_names_become_codes_and_non_states_fall_in_other() -> None:
    register = _register(
        [
            ("Russia", "Kazakhstan", 2020, 100.0),
            ("Russia", "Kazakhstan", 2020, 10.0),
            ("Turkiye", "Kazakhstan", 2021, 5.0),
            ("unknown supplier(s)", "Kazakhstan", 2021, 1.0),
            ("Houthi rebels (Yemen)*", "Kazakhstan", 2021, 0.5),
            ("Kosovo", "Kazakhstan", 2021, 0.25),
            ("Russia", "Belarus", 2021, 7.0),
        ]
    )
    flows = security.arms_flows(register, ["KAZ"], load_groups())
    assert set(flows["recipient_iso3"]) == {"KAZ"}
    by_supplier = flows.groupby("supplier")["tiv_m"].sum()
    assert by_supplier["Russia"] == 110.0, "two deals in one year are summed"
    codes = flows.drop_duplicates("supplier").set_index("supplier")
    assert codes.loc["Turkiye", "supplier_iso3"] == "TUR" and codes.loc["Turkiye", "supplier_group"] == "Turkey"
    for other in ("unknown supplier(s)", "Houthi rebels (Yemen)*", "Kosovo"):
        assert pd.isna(codes.loc[other, "supplier_iso3"]) and codes.loc[other, "supplier_group"] == "Other"
    assert flows["tiv_m"].sum() == pytest.approx(116.75), "nothing dropped"
    with pytest.raises(PipelineError, match=r"no delivery to UZB"):
        security.arms_flows(register, ["KAZ", "UZB"], load_groups())


def test_windows_end_in_the_last_year_and_drop_a_short_remainder() -> None:
    assert security.windows(1995, 2024, 5)[-1] == (2020, 2024) and security.windows(1995, 2024, 5)[0] == (1995, 1999)
    assert security.windows(1996, 2024, 5)[0] == (2000, 2004), "1996-1999 is shorter than a window: left out"
    assert security.windows(2021, 2024, 10) == [(2021, 2024)], "a span shorter than one window is the window"
    with pytest.raises(PipelineError):
        security.windows(2024, 2020, 5)


def test_shares_per_window_list_every_group_and_missing_when_nothing_arrived() -> None:
    register = _register([("Russia", "Kazakhstan", 2020, 30.0), ("Spain", "Kazakhstan", 2021, 10.0)])
    flows = security.arms_flows(register, ["KAZ"], load_groups())
    table = security.by_window(flows, [(2015, 2019), (2020, 2024)])
    late = table[table["window"] == "2020–2024"].set_index("supplier_group")
    assert late.loc["Russia", "share_pct"] == 75.0 and late.loc["EU-27", "share_pct"] == 25.0
    assert late.loc["China", "tiv_m"] == 0.0 and late.loc["China", "share_pct"] == 0.0
    early = table[table["window"] == "2015–2019"]
    assert early["tiv_m"].eq(0).all() and early["share_pct"].isna().all(), "no total, no share"


def test_kazakhstan_totals_match_the_provenance_and_colasdroin_check() -> None:
    flows = security.arms_flows(read_raw("sipri_arms_register"), ["KAZ"], load_groups())
    totals = security.supplier_totals(flows, "KAZ", 1995, 2024).set_index("supplier")["tiv_m"].round(2)
    assert totals["Russia"] == 3438.52 and totals["Spain"] == 185.50 and totals["China"] == 11.00
    assert round(float(totals.sum()), 2) == 4003.48 and len(totals) == 14
    assert round(security.group_share(flows, "KAZ", "Russia", 2015, 2024), 1) == 89.8
    assert round(security.group_share(flows, "KAZ", "Russia", 2022, 2024), 1) == 82.5
    assert security.largest_delivery_year(flows, "KAZ", 1995, 2024) == (2024, pytest.approx(550.16))
    annual = security.annual_totals(flows, "KAZ").round(2)
    assert annual[2021] == 195.00 and annual[2015] == 445.75
