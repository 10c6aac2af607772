"""The hand check of issue 15: the report's numbers and charts against the raw files, with plain pandas.

Nothing of the package is used to compute the expected values: each check reads
the raw file in ``data/raw`` with ``pandas.read_csv``, computes what a careful
reader would compute by hand, and looks for it in the rendered report
(``report/index.html``) or in the figure's SVG. It is the record of what was
checked, and it fails if a fault the review found comes back:

1. Round once, at display: the Netherlands' part of the EU-27's FDI stock (wiiw).
2. Wording follows the number: the upper bound of the minor groups' shares.
3. Bases: Russia's import share in 2021 against the 2019-2020 mean.
4. Prices: 2022's dollar growth against crude oil, the rest and the IMF's volume.
5. The four charts: gross vs net FDI (one currency per axis), oil routes (a cut
   calendar axis, shares of one total in the title, the part year marked),
   neighbours (growth split at the war, the disputed CPI value not drawn as a
   plain point), concentration (the oil hubs' part of the change in the title).
6. Dates: the CSTO withdrawal dated two ways by the paper is said to be.
7. The ledger's figures: the first release for Russia 2023, the CPC's and the
   EU's shares, the share crossing Russia.
"""

from __future__ import annotations

import html
import io
import math
import re
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
FIGURES = ROOT / "figures"
pytestmark = pytest.mark.skipif(not RAW.is_dir(), reason="the raw files are not fetched (make data)")


@pytest.fixture(scope="module")
def report() -> str:
    page = (ROOT / "report" / "index.html").read_text(encoding="utf-8")
    for pattern in (r"<img[^>]*>", r"<details.*?</details>", r"<style.*?</style>", r"<[^>]+>"):
        page = re.sub(pattern, " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(page))


def svg_text(name: str) -> str:
    svg = (FIGURES / f"{name}.svg").read_text(encoding="utf-8")
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", svg)))


def panel() -> pd.DataFrame:
    frame = pd.read_csv(RAW / "trade" / "kaz_trade_by_partner_2000_2025_wits_bns_panel.csv")
    groups = pd.read_csv(ROOT / "data" / "groups.csv")
    return frame.merge(groups, on="iso3", how="left")


def group_shares(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Each group's share of the partner sum, years with no missing partner only."""
    complete = frame.groupby("year")[column].apply(lambda s: s.notna().all())
    sums = frame.groupby(["year", "group"])[column].sum().unstack()
    return (100 * sums.div(sums.sum(axis=1), axis=0)).loc[complete[complete].index]


def test_the_netherlands_part_of_the_eu_stock_is_rounded_once(report) -> None:
    wiiw = pd.read_csv(RAW / "fdi" / "wiiw_kazakhstan_fdi_by_partner_2003_2021.csv")
    stock = wiiw[(wiiw["Direction"] == "FDI inward stock") & (wiiw["Unit"] == "EUR m")].set_index("Partner-Code")
    values = pd.to_numeric(stock["_2021"], errors="coerce")
    share = 100 * values["NL"] / values["EU27_2020"]
    assert 76.35 < share < 76.36, "the review's figure"
    assert f"that is {share:.1f}% of the EU-27's stock" in report  # 76.4, not 76.3


def test_never_exceeded_is_an_upper_bound(report) -> None:
    frame = panel()
    minor = ["Central Asia", "Turkey", "USA", "UK"]
    peak = max(group_shares(frame, f"{f}_usd_million")[minor].max().max() for f in ("exports", "imports"))
    bound = math.ceil(peak * 10) / 10
    printed = float(re.search(r"the UK never took more than ([\d.]+)% of either flow", report).group(1))
    assert printed >= peak and printed == pytest.approx(bound)


def test_russias_import_share_is_given_against_two_bases(report) -> None:
    shares = group_shares(panel(), "imports_usd_million")["Russia"]
    assert shares[2021] > max(shares[2019], shares[2020]), "2021 was a peak"
    base = shares[[2019, 2020]].mean()
    assert (
        f"from {shares[2021]:.0f}% in 2021 to {shares[2024]:.0f}% in 2024 ({base:.0f}% on average in 2019–2020"
        in report
    )


def test_2022_is_split_into_price_and_volume(report) -> None:
    monthly = pd.read_csv(
        RAW / "trade" / "kaz_exports_by_commodity_group_monthly_bns_2015_2026.csv", parse_dates=["month"]
    )
    wide = monthly.pivot_table(index="month", columns="item_code", values="value_usd_thousand")
    both = [m for m in wide.index if m.year == 2022 and pd.Timestamp(year=2021, month=m.month, day=1) in wide.index]
    before = wide.loc[[m - pd.DateOffset(years=1) for m in both]].sum()
    after = wide.loc[both].sum()
    total, crude = 100 * (after["TOTAL"] / before["TOTAL"] - 1), 100 * (after["CRUDE_OIL"] / before["CRUDE_OIL"] - 1)
    rest = 100 * ((after["TOTAL"] - after["CRUDE_OIL"]) / (before["TOTAL"] - before["CRUDE_OIL"]) - 1)
    weo = pd.read_csv(RAW / "macro" / "imf_weo_apr2025_kazakhstan.csv")
    volume = weo[(weo["weo_subject_code"] == "TX_RPCH") & (weo["year"] == 2022)]["value"].iloc[0]
    assert len(both) == 11
    assert (
        f"exports rose {total:.0f}% in dollars, crude oil {crude:.0f}%, and everything else {rest:.0f}%; in volume, "
        f"the IMF puts the growth of exports of goods and services in 2022 at {volume:+.1f}%" in report
    )


def test_gross_vs_net_chart_has_one_currency_per_axis() -> None:
    text = svg_text("fdi_gross_vs_net")
    assert "USD billion" in text and "EUR billion" in text and "USD or EUR" not in text


def test_oil_routes_chart_compares_one_total_and_marks_the_cut_and_the_part_year(report) -> None:
    oil = pd.read_csv(RAW / "energy" / "kz_oil_exports_cpc_page_figures.csv")
    kz = oil[oil["country"] == "Kazakhstan"]

    def value(year: int, pattern: str) -> float:
        rows = kz[(kz["year"] == year) & kz["indicator"].str.fullmatch(pattern)]
        return float(rows.sort_values("value", key=lambda v: v.astype(str).str.len()).iloc[-1]["value"])

    shares = [
        100 * value(2022, "CPC shipments from Kazakhstan") / value(2022, "oil exports"),
        100 * value(2023, "oil exports via CPC") / value(2023, "oil exports"),
        100 * value(2025, "oil supply via CPC") / value(2025, "oil exports"),
    ]
    assert f"carried {min(shares):.0f}–{max(shares):.0f}% of Kazakhstan's crude exports in each full year" in report
    assert "up from 40% in 2013" not in report, "no comparison with 2013's share of the listed routes"
    text = svg_text("energy_oil_routes")
    assert "Jan–Oct" in text and "part year" in text and "of routes listed" in text
    assert "the year axis is cut: no figures for 2014–2021" in report


def test_neighbours_chart_splits_growth_at_the_war_and_flags_the_disputed_cpi(report) -> None:
    weo = pd.read_csv(RAW / "macro" / "imf_weo_apr2025_kazakhstan.csv")
    growth = weo[weo["weo_subject_code"] == "NGDP_RPCH"].set_index("year")["value"]

    def compound(first: int, last: int) -> float:
        part = growth.loc[first:last]
        return 100 * ((1 + part / 100).prod() ** (1 / len(part)) - 1)

    wb = pd.read_csv(RAW / "macro" / "wb_wdi_cpi_inflation_FP.CPI.TOTL.ZG_datahub.csv")
    wb_2024 = wb[(wb["Country Code"] == "KAZ") & (wb["Year"] == 2024)]["Inflation"].iloc[0]
    imf_2024 = weo[(weo["weo_subject_code"] == "PCPIPCH") & (weo["year"] == 2024)]["value"].iloc[0]
    assert f"In the war years (2022–2024) Kazakhstan grew {compound(2022, 2024):.1f}% a year" in report
    assert f"against {compound(2000, 2021):.1f}% a year in 2000–2021" in report
    assert f"2024 Kazakhstan CPI: World Bank {wb_2024:.1f}%, IMF {imf_2024:.1f}%" in report, "both disputed values"
    assert f"(WB {wb_2024:.1f}, IMF {imf_2024:.1f})" in svg_text("macro_neighbours")


def test_concentration_title_says_how_much_of_the_change_is_the_oil_hubs(report) -> None:
    frame = panel()
    hubs = ["ITA", "NLD", "CHE", "AUT", "BMU"]

    def squared_shares(year: int) -> pd.Series:
        values = frame[frame["year"] == year].set_index("iso3")["exports_usd_million"]
        return (values / values.sum()) ** 2

    before, after = squared_shares(2021), squared_shares(2024)
    share = (after[hubs].sum() - before[hubs].sum()) / (after.sum() - before.sum())
    assert f"({1 / before.sum():.1f} to {1 / after.sum():.1f} equal-sized partners)" in report
    assert f"{100 * share:.0f}% of that change is the growing weight of Italy" in report


def test_the_timeline_says_where_the_paper_dates_an_event_two_ways(report) -> None:
    assert "the paper's own footnote dates the start of the withdrawal six days earlier (13 January)" in report
    assert "Hollow marker: the sources disagree on the date" in report


def test_the_ledgers_figures_match_the_raw_files(report) -> None:
    pages = pd.read_csv(RAW / "trade" / "kaz_trade_by_partner_page_transcriptions.csv")
    early = pages[(pages["partner"] == "Russia") & (pages["year"] == 2023) & (pages["source_date"] == "2024-02-23")]
    revised_2022 = (
        panel().query("iso3 == 'RUS' and year == 2022")[["exports_usd_million", "imports_usd_million"]].sum(axis=1)
    )
    first_release = 100 * (early["value_usd_million"].iloc[0] / revised_2022.iloc[0] - 1)
    assert f"the first release for 2023 gave USD 26.0 billion, {first_release:+.1f}%".replace("-", "−") in report
    oil = pd.read_csv(RAW / "energy" / "kz_oil_exports_cpc_page_figures.csv")

    def one(indicator: str, year: int, country: str = "Kazakhstan") -> float:
        rows = oil[(oil["indicator"] == indicator) & (oil["year"] == year) & (oil["country"] == country)]
        return float(rows["value"].iloc[0])

    assert f"{100 * one('oil supply via CPC', 2025) / one('oil exports', 2025):.1f}% in 2025" in report
    eu = 100 * one("oil exports to EU", 2023, "European Union") / one("total oil exports", 2023)
    total, ports = one("total oil exports", 2023), one("oil exports bypassing Russian ports", 2023)
    crossing = 100 - 100 * (ports + one("oil exports to China", 2023, "China")) / total
    ports_only = 100 - 100 * ports / total
    # "at least" is rounded down, never to the nearest: 94.7 reads 94
    assert f"and {math.floor(crossing)}% in 2023 crossed Russia, with the oil piped to China counted apart" in report
    assert f"the bound would be {math.floor(100 - 100 * 1.91 / 64.3)}% and {math.floor(ports_only)}%" in report
    ledger = pd.read_csv(ROOT / "data" / "processed" / "claims.csv").set_index("claim_id")
    assert ledger.loc["B9", "measured"] == pytest.approx(eu)
    assert ledger.loc["B20", "measured"] == pytest.approx(crossing)


# --------------------------------------------------------------------------- votes, arms, wartime trade (issue 14)


def sipri() -> pd.DataFrame:
    """SIPRI's register as a reader would load it: eleven preamble lines, CRLF, trailing semicolons."""
    text = (RAW / "security" / "sipri_arms_transfers_register_1995_2024.csv").read_bytes().decode().split("\r\n")[11:]
    return pd.read_csv(io.StringIO("\n".join(line.rstrip(";") for line in text)))


def sipri_share(register: pd.DataFrame, recipient: str, suppliers: list[str], first: int, last: int) -> float:
    rows = register[(register["Recipient"] == recipient) & register["Delivery year"].between(first, last)]
    return (
        100
        * rows.loc[rows["Supplier"].isin(suppliers), "TIV delivery values"].sum()
        / rows["TIV delivery values"].sum()
    )


@pytest.fixture(scope="module")
def ledger() -> pd.DataFrame:
    return pd.read_csv(ROOT / "data" / "processed" / "claims.csv").set_index("claim_id")


def test_the_arms_claims_match_the_sipri_register(ledger, report) -> None:
    register = sipri()
    russia = sipri_share(register, "Kazakhstan", ["Russia"], 2020, 2024)
    before = sipri_share(register, "Kazakhstan", ["Russia"], 2015, 2019)
    turkey = sipri_share(register, "Kazakhstan", ["Turkiye"], 2022, 2024) - sipri_share(
        register, "Kazakhstan", ["Turkiye"], 2019, 2021
    )
    assert ledger.loc["B26", "measured"] == pytest.approx(russia)
    assert ledger.loc["B27", "measured"] == pytest.approx(russia - before)
    assert ledger.loc["W8", "measured"] == pytest.approx(turkey)
    assert f"Russia supplied {russia:.1f}% of the major arms Kazakhstan received in 2020–2024" in report
    # the W8 note names armed drones among Turkey's deliveries: the register lists them
    turkish = register[(register["Supplier"] == "Turkiye") & (register["Recipient"] == "Kazakhstan")]
    assert (turkish["Delivery year"].between(2022, 2024) & (turkish["Description"] == "armed UAV")).any()


def test_the_vote_claims_count_unknown_as_unknown(ledger, report) -> None:
    votes = pd.read_csv(RAW / "politics" / "unga_ukraine_votes_page_transcriptions.csv")
    kaz = votes[(votes["country_iso3"] == "KAZ") & (votes["date"] >= "2022-02-24")]
    resolutions = votes.loc[votes["date"] >= "2022-02-24", "resolution"].nunique()
    neither = kaz["vote"].isin(["abstain", "absent"]).sum()
    assert ledger.loc["B28", "measured"] == pytest.approx(100 * neither / len(kaz)), "transcribed votes only"
    assert resolutions > len(kaz), "some of Kazakhstan's votes are not stated on any page"
    assert f"of the {len(kaz)} votes a page states, {neither} took neither side" in report


def test_the_alignment_claim_reads_votes_against_belarus_and_says_who_moved(ledger, report) -> None:
    votes = pd.read_csv(RAW / "politics" / "unga_ukraine_votes_page_transcriptions.csv")
    war = votes[votes["date"] >= "2022-02-24"].pivot_table(
        index="resolution", columns="country_iso3", values="vote", aggfunc="first"
    )

    def with_russia(iso3: str) -> float:
        both = war[war[iso3].notna() & war["RUS"].notna()]
        return 100 * (both[iso3] == both["RUS"]).sum() / len(both)

    assert ledger.loc["B29", "measured"] == pytest.approx(100 * with_russia("KAZ") / with_russia("BLR"))
    assert f"voted as Russia did on {with_russia('KAZ'):.0f}% of them and Belarus" in report
    raw = pd.read_stata(RAW / "politics" / "voeten_unga_ideal_points_jul2025.dta")
    point = raw[raw["iso3c"] != ""].pivot_table(index="year", columns="iso3c", values="idealpointfp")
    kaz, rus = point["KAZ"], point["RUS"]
    assert abs(rus[2024] - rus[2021]) > abs(kaz[2024] - kaz[2021]), "Russia moved more"
    distance = f"from {abs(kaz[2021] - rus[2021]):.2f} in 2021 to {abs(kaz[2024] - rus[2024]):.2f} in 2024"
    assert distance in report and "Russia that moved more" in report


def test_the_gateway_claim_ranks_kazakhstan_among_eurostat_destinations(ledger, report) -> None:
    eu = pd.read_csv(RAW / "trade" / "eu_exports_to_central_asia_caucasus_russia_monthly_eurostat.csv")
    eu = eu[eu["reporter"].str.startswith("European Union - 27")]
    annual = eu.assign(year=eu["month"].str[:4].astype(int)).groupby(["partner_iso3", "year"])["value_eur"].sum()

    def index(iso3: str) -> float:
        return 100 * annual[(iso3, 2023)] / annual[iso3].loc[2019:2021].mean()

    assert (
        f"EU-27 exports to Kazakhstan stood at {index('KAZ'):.0f} in 2023 and those to Russia at {index('RUS'):.0f}"
        in (report)
    )
    # the placebo rank, by hand: each comparison destination's change against the rest of the group
    yearly = pd.read_csv(RAW / "trade" / "eu27_exports_by_destination_annual_eurostat_2010_2023.csv")
    labels = pd.read_csv(ROOT / "data" / "eurostat_partners.csv")
    coded = yearly.merge(labels, left_on=["partner", "label_language"], right_on=["label", "language"])
    logs = coded.pivot_table(index="year", columns="iso3", values="value_eur", aggfunc="sum").map(math.log)
    group = pd.read_csv(ROOT / "data" / "processed" / "gateway_destinations.csv")
    comparison = group.loc[group["role"] == "comparison", "partner_iso3"].tolist()

    def change(iso3: str) -> float:
        gap = logs[iso3] - logs[[c for c in comparison if c != iso3]].mean(axis=1)
        return gap.loc[2022:2023].mean() - gap.loc[2019:2021].mean()

    own = change("KAZ")
    rank = 1 + sum(change(c) >= own for c in comparison)
    assert ledger.loc["B30", "measured"] == pytest.approx(rank / (len(comparison) + 1))
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(rank, "th")
    assert f"the {rank}{suffix} largest change of the {len(comparison) + 1}" in report
    assert "consistent with the critics' gateway; they cannot prove it" in report


def test_the_scorecard_claim_matches_the_raw_trade_and_investment(ledger) -> None:
    frame = panel()
    one = frame[frame["year"] == 2024]
    exports = one.groupby("group")["exports_usd_million"].sum()
    assert exports.idxmax() == "EU-27" and exports["EU-27"] > exports["Russia"], "exports are not led by Russia"
    imports = one.groupby("group")["imports_usd_million"].sum()
    assert imports.idxmax() == "Russia"
    wiiw = pd.read_csv(RAW / "fdi" / "wiiw_kazakhstan_fdi_by_partner_2003_2021.csv")
    stock = wiiw[(wiiw["Direction"] == "FDI inward stock") & (wiiw["Unit"] == "EUR m")].set_index("Partner-Code")
    values = pd.to_numeric(stock["_2021"], errors="coerce")
    assert values["EU27_2020"] > values["RU"], "investment is not led by Russia"
    assert ledger.loc["B14", "measured"] == 2, "exports and investment, the two vectors another partner leads"


def test_the_sipri_tables_hold_aggregates_only_and_the_downloads_say_so(report) -> None:
    register = sipri()
    flows = pd.read_csv(ROOT / "data" / "processed" / "arms_imports_by_supplier.csv")
    assert not {"Designation", "Description", "Order date", "SIPRI AT Database ID"} & set(flows.columns)
    assert len(flows) < len(register) / 10, "far less than a tenth of the register"
    sums = register.groupby(["Recipient", "Supplier", "Delivery year"])["TIV delivery values"].sum()
    row = flows.iloc[0]
    assert row["tiv_m"] == pytest.approx(sums[(row["recipient"], row["supplier"], row["year"])])
    assert "SIPRI's terms, for one, allow reproducing less than a tenth of its register" in report
    assert "holds only yearly sums per supplier for the countries the report shows, not the register" in report
