"""The politics and security chapter run with papermill and other parameters, checked against plain pandas.

The expected values are computed here straight from the raw files (``pd.read_stata``,
``pd.read_csv``), with none of kzmv's functions, so that the chapter's numbers are tested
against an independent reading of the same data.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from kzmv.engine.pipeline import load_pipeline

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
NAME = "04_politics_security"
STEP = load_pipeline(ROOT / "pipeline.yml").step(NAME)
PEERS = ["KGZ", "TUR", "UKR"]
FIRST, LAST, WIDTH = 2000, 2023, 4
SIPRI_NAMES = {"KAZ": "Kazakhstan", "KGZ": "Kyrgyzstan", "TUR": "Turkiye", "UKR": "Ukraine", "BLR": "Belarus"}


def _ideal() -> pd.DataFrame:
    raw = pd.read_stata(RAW / "politics" / "voeten_unga_ideal_points_jul2025.dta")
    return raw[raw["iso3c"] != ""].pivot_table(index="year", columns="iso3c", values="idealpointfp")


def _sipri() -> pd.DataFrame:
    text = (RAW / "security" / "sipri_arms_transfers_register_1995_2024.csv").read_bytes().decode().split("\r\n")[11:]
    return pd.read_csv(io.StringIO("\n".join(line.rstrip(";") for line in text)))


def _eu27() -> pd.DataFrame:
    eu = pd.read_csv(RAW / "trade" / "eu_exports_to_central_asia_caucasus_russia_monthly_eurostat.csv")
    eu = eu[eu["reporter"].str.startswith("European Union - 27")]
    return eu.assign(year=eu["month"].str[:4].astype(int)).groupby(["partner_iso3", "year"])["value_eur"].sum()


def test_step_reads_raw_files_only_so_it_runs_beside_the_others() -> None:
    assert STEP.upstream == [], "must not read another notebook's outputs"
    assert NAME in load_pipeline(ROOT / "pipeline.yml").dependencies()["03_narrative"], "03 lists its downloads"


def test_other_parameters_against_plain_pandas(run_notebook: Callable[..., dict[str, Any]]) -> None:
    started = time.time()
    values = run_notebook(NAME, peers=PEERS, first_year=FIRST, last_year=LAST, arms_window=WIDTH)
    out = values["__outputs__"]
    assert values["parameters"] == {"peers": PEERS, "first_year": FIRST, "last_year": LAST, "arms_window": WIDTH}

    ideal = _ideal()
    kaz = ideal.loc[LAST, "KAZ"]
    assert values["kaz_distances_last_year"] == pytest.approx(
        {r: round(abs(kaz - ideal.loc[LAST, r]), 3) for r in ("RUS", "CHN", "USA")}, abs=1e-3
    )
    assert values["kaz_rus_distance"]["start"] == pytest.approx(
        abs(ideal.loc[2021, "KAZ"] - ideal.loc[2021, "RUS"]), abs=1e-4
    )
    for iso3 in ("KAZ", *PEERS, "BLR"):
        expected = abs(ideal.loc[LAST, iso3] - ideal.loc[LAST, "RUS"])
        assert values["distance_to_russia_last_year"][iso3] == pytest.approx(expected, abs=1e-3), iso3

    assert values["arms_windows"] == ["2000–2003", "2004–2007", "2008–2011", "2012–2015", "2016–2019", "2020–2023"]
    register = _sipri()
    window = register[register["Delivery year"].between(2020, 2023)]
    for iso3, name in SIPRI_NAMES.items():
        mine = window[window["Recipient"] == name]
        share = (
            100
            * mine.loc[mine["Supplier"] == "Russia", "TIV delivery values"].sum()
            / mine["TIV delivery values"].sum()
        )
        assert values["arms_russia_share_last_window"][iso3] == pytest.approx(share, abs=1e-3), iso3

    eu = _eu27()
    assert values["eu_exports_index"]["year"] == LAST
    for partner in ("KAZ", "KGZ", "RUS"):
        base = sum(eu[(partner, y)] for y in (2019, 2020, 2021)) / 3
        expected = 100 * eu[(partner, LAST)] / base  # the figure's base, 2019-2021 = 100, in its title too
        assert values["eu_exports_index"][partner] == pytest.approx(expected, abs=1e-3), partner

    annual = pd.read_csv(RAW / "trade" / "eu27_exports_by_destination_annual_eurostat_2010_2023.csv")
    labels = pd.read_csv(ROOT / "data" / "eurostat_partners.csv", keep_default_na=False)
    coded = annual.merge(labels, left_on=["partner", "label_language"], right_on=["label", "language"])
    logs = np.log(coded[coded["iso3"] != ""].pivot(index="year", columns="iso3", values="value_eur"))
    change = logs.loc[2022:2023].mean() - logs.loc[2019:2021].mean()
    group = pd.read_csv(out / "data" / "processed" / "gateway_destinations.csv").query("role == 'comparison'")
    assert values["gateway_group"]["comparison"] == len(group) > 100
    for iso3 in ("KAZ", "KGZ", "RUS"):
        expected = change[iso3] - change[group["partner_iso3"]].mean()
        assert values["gateway_did_log"][iso3] == pytest.approx(expected, abs=1e-3), iso3

    votes = pd.read_csv(RAW / "politics" / "unga_ukraine_votes_page_transcriptions.csv")
    kaz_votes = votes.loc[votes["country_iso3"] == "KAZ", "vote"].value_counts().to_dict()
    expected_votes = {v: kaz_votes.get(v, 0) for v in ("yes", "no", "abstain", "absent")}
    expected_votes["unknown"] = votes["resolution"].nunique() - sum(kaz_votes.values())
    assert values["kaz_votes"] == expected_votes

    dip = pd.read_csv(
        RAW / "fdi" / "imf_direct_investment_positions_outward_5reporters_2014_2024.csv", encoding="utf-8-sig"
    )
    china = dip[(dip["COUNTRY.ID"] == "CHN") & (dip["COUNTERPART_COUNTRY.ID"] == "KAZ")]
    china = china.pivot(index="TIME_PERIOD", columns="DV_TYPE.ID", values="OBS_VALUE").dropna()
    gaps = (100 * (china["O"] / china["SCC"] - 1)).loc[:LAST]
    assert values["china_mirror"] == pytest.approx({str(int(y)): round(g, 3) for y, g in gaps.items()}, abs=1e-3)

    panel = pd.read_csv(RAW / "trade" / "kaz_trade_by_partner_2000_2025_wits_bns_panel.csv")
    groups = pd.read_csv(ROOT / "data" / "groups.csv")
    year = panel[panel["year"] == LAST].merge(groups, on="iso3")
    key = year["group"].where(year["group"] != "Other", year["iso3"])
    for flow in ("exports", "imports"):
        assert values["kaz_leaders"][flow] == year.groupby(key)[f"{flow}_usd_million"].sum().idxmax(), flow
    assert values["kaz_leaders"]["arms"] == "Russia" and values["kaz_leaders"]["UN votes"] == "Russia"

    _check_outputs(out, started)


def _check_outputs(out: Path, started: float) -> None:
    for rel in STEP.outputs:
        path = out / rel
        assert path.is_file() and path.stat().st_mtime >= started - 1, f"{rel} was not written"
    grid = pd.read_csv(out / "data" / "processed" / "unga_ukraine_votes.csv")
    assert set(grid.loc[grid["country_iso3"] == "UKR", "vote"]) == {"unknown"}, "no page for Ukraine: unknown"
    assert grid.loc[grid["vote"] == "unknown", "source_url"].isna().all()
    card = pd.read_csv(out / "data" / "processed" / "vector_scorecard.csv").set_index(["country_iso3", "vector"])
    assert card.loc[("UKR", "exports"), "note"].startswith("the raw files hold no")
    assert pd.isna(card.loc[("TUR", "imports"), "leader"]) and pd.notna(card.loc[("TUR", "arms"), "leader"])
    assert card.loc[("KGZ", "imports"), "period"] == str(LAST)
    arms = pd.read_csv(out / "data" / "processed" / "arms_imports_by_supplier.csv")
    assert set(arms["recipient_iso3"]) == {"KAZ", *PEERS, "BLR"}, "only the countries shown, never the register"
    assert list(arms.columns) == [
        "recipient_iso3",
        "recipient",
        "supplier",
        "supplier_iso3",
        "supplier_group",
        "year",
        "tiv_m",
    ]
    written = {p.relative_to(out).as_posix() for p in (out / "figures").iterdir() if p.stat().st_mtime >= started - 1}
    assert written <= set(STEP.outputs), f"undeclared outputs: {written - set(STEP.outputs)}"


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        ({"peers": ["KGZ", "KAZ"]}, "04_politics_security.peers: leave out KAZ"),
        ({"last_year": 2021}, "04_politics_security.last_year: 2021 is out of range; valid values are 2022 to 2024"),
        ({"first_year": 2022}, "04_politics_security.first_year: 2022 is out of range; valid values are 1992 to 2021"),
        ({"arms_window": 1}, "04_politics_security.arms_window: 1 is out of range; valid values are 2 to 10"),
    ],
)
def test_a_bad_parameter_stops_before_any_work(
    parameters: dict[str, Any], message: str, run_notebook: Callable[..., dict[str, Any]], isolated_outputs: Path
) -> None:
    from papermill.exceptions import PapermillExecutionError

    out = isolated_outputs
    before = {p: p.stat().st_mtime for p in (out / "data" / "processed").iterdir()}
    with pytest.raises(PapermillExecutionError) as info:
        run_notebook(NAME, **parameters)
    assert info.value.ename == "PipelineError" and message in info.value.evalue
    assert {p: p.stat().st_mtime for p in (out / "data" / "processed").iterdir()} == before, "nothing written"
