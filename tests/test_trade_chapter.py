"""The trade chapter's paragraphs on small frames: their numbers, and their wording turning with the data."""

from __future__ import annotations

import pandas as pd
import pytest

from kzmv.analysis import periods, trade
from kzmv.story import trade_chapter

NAN = float("nan")
BASE, RECENT = 2021, 2024
PARTNERS = {
    "RUS": ("Russia", "Russia"),
    "CHN": ("China", "China"),
    "DEU": ("Germany", "EU-27"),
    "NLD": ("Netherlands", "EU-27"),
    "UZB": ("Uzbekistan", "Central Asia"),
    "TUR": ("Turkey", "Turkey"),
    "USA": ("United States", "USA"),
    "GBR": ("United Kingdom", "UK"),
    "CHE": ("Switzerland", "Other"),
}
# exports, imports (USD billion, so that shares are easy to check) by year and partner; each year's
# exports and imports sum to 100
FLOWS = {
    BASE: {
        "RUS": (10, 40),
        "CHN": (15, 20),
        "DEU": (40, 10),
        "NLD": (10, 5),
        "UZB": (5, 5),
        "TUR": (4, 6),
        "USA": (4, 6),
        "GBR": (2, 2),
        "CHE": (10, 6),
    },
    RECENT: {
        "RUS": (11, 30),
        "CHN": (20, 28),
        "DEU": (35, 12),
        "NLD": (15, 6),
        "UZB": (6, 6),
        "TUR": (4, 8.44),
        "USA": (3, 4.56),
        "GBR": (2, 2),
        "CHE": (4, 3),
    },
}


def _panel(flows: dict[int, dict[str, tuple[float, float]]] = FLOWS) -> pd.DataFrame:
    rows = [
        (year, iso3, *PARTNERS[iso3], 1000.0 * e, 1000.0 * i)
        for year, by_partner in flows.items()
        for iso3, (e, i) in by_partner.items()
    ]
    frame = pd.DataFrame(rows, columns=["year", "partner_iso3", "partner", "group", "exports_usd_m", "imports_usd_m"])
    frame["turnover_usd_m"] = frame[["exports_usd_m", "imports_usd_m"]].sum(axis=1, min_count=2)
    return frame[trade.TRADE_COLUMNS]


def _mirror(china_turnover: float, kz_turnover: float, both_flows: dict[str, tuple[float, float]] | None = None):
    """A china_mirror table: one year of turnover, and optionally an earlier year with both flows (china, kz)."""
    rows = [(RECENT, "turnover", kz_turnover, china_turnover)]
    if both_flows:
        for flow, (china, kz) in both_flows.items():
            rows.append((BASE, flow, kz, china))
        rows.append((BASE, "turnover", sum(v[1] for v in both_flows.values()), sum(v[0] for v in both_flows.values())))
    frame = pd.DataFrame(rows, columns=["year", "flow", "kazakhstan_usd_m", "china_usd_m"])
    frame["gap_usd_m"] = frame["china_usd_m"] - frame["kazakhstan_usd_m"]
    frame["gap_pct"] = 100 * (frame["china_usd_m"] / frame["kazakhstan_usd_m"] - 1)
    frame["china_basis"] = "quoted"
    return frame[trade.MIRROR_COLUMNS]


def _finding(flows=FLOWS, mirror=None) -> str:
    panel = _panel(flows)
    by_group = trade.trade_by_group(panel)
    levels = trade.group_levels(by_group, trade.MAIN_GROUPS, BASE)
    change = trade.turnover_changes(levels, trade.MAIN_GROUPS, BASE, RECENT)
    mirror = _mirror(145.0, 100.0) if mirror is None else mirror
    return trade_chapter.finding(panel, by_group, trade.concentration(panel), mirror, change, BASE, RECENT)


def test_the_finding_states_the_computed_shares_and_changes() -> None:
    text = _finding()
    # imports of RECENT sum to 100, so shares are the values themselves
    assert "but the two sides of the ledger lean on different vectors" in text  # EU-27 sells, Russia supplies
    assert f"In {RECENT}, the last complete year, the largest partner, China, had 24.0% of turnover" in text
    assert "the EU-27 took 50.0% of exports, while Russia and China together supplied 58.0% of imports" in text
    assert f"Since {BASE}, the last year before the shocks of {periods.SHOCK_YEAR}" in text
    assert "Russia's share of imports fell from 40.0% to 30.0% and China's rose from 20.0% to 28.0%" in text
    assert "trade with Russia in dollars shrank by 18% (China +37%, the EU-27 +5%)" in text  # 41 / 50 - 1
    assert f"China's own customs record 45% more trade with Kazakhstan in {RECENT}" in text
    assert "larger than shown here, or that goods China declares for Kazakhstan go on elsewhere" in text
    assert "understated" not in text, "one reading for both mirrors: China's gap is read as the EU's is"
    recent = _panel()[lambda f: f["year"] == RECENT]
    n = {f: 1 / ((recent[f"{f}_usd_m"] / recent[f"{f}_usd_m"].sum()) ** 2).sum() for f in trade.FLOWS}
    assert n["exports"] < n["imports"], "here exports are the more concentrated side"
    assert (
        f"Turnover was spread as if over {n['turnover']:.1f} equal-sized partners, exports over "
        f"{n['exports']:.1f}, imports over {n['imports']:.1f}."
    ) in text


def test_the_finding_turns_with_the_data() -> None:
    flows = {y: dict(v) for y, v in FLOWS.items()}
    flows[RECENT]["RUS"] = (30, 60)  # Russia grows and leads both sides: 90 of 224 of turnover
    flows[RECENT]["DEU"] = (10, 12)
    text = _finding(flows, mirror=_mirror(90.0, 100.0))
    assert text.startswith("**Russia dominates Kazakhstan's trade.**")
    assert "trade with Russia in dollars grew by" in text
    assert "imports over only" in text, "Russia's 60 of 130 makes imports the most concentrated side"
    assert "10% less trade" in text and "overstated" in text
    flows[RECENT]["RUS"], flows[RECENT]["DEU"] = (25, 32), (9, 12)  # leads both sides with 30% of turnover
    assert _finding(flows).startswith("**No single partner dominates Kazakhstan's trade.** In")


def test_top_partners_with_and_without_a_missing_partner() -> None:
    panel = _panel()
    top = trade.top_partners(panel, RECENT, 3, "turnover")
    text = trade_chapter.top_partners(top, RECENT, "turnover", [])
    assert text == (
        f"In {RECENT}, China was Kazakhstan's largest partner by turnover (USD 48.0 billion, 24.0% of the sum over "
        "all partners), followed by Germany (23.5%). The top 3 together account for 68.0%."
    )
    alone = trade_chapter.top_partners(top.head(1), RECENT, "turnover", [])
    assert "followed by" not in alone and "together" not in alone and alone.endswith("all partners).")
    missing = trade_chapter.top_partners(top, RECENT, "turnover", ["Belarus", "Russia"])
    assert "among those with data" in missing and f"no {RECENT} values for Belarus and Russia" in missing
    assert "%" not in missing, "no share is stated when the total is unknown"


def _wide(values: dict[int, dict[str, float]]) -> pd.DataFrame:
    return pd.DataFrame(values).T.rename_axis("year")


SHARES_EXPORTS = {
    2000: {
        "Russia": 10.0,
        "China": 5.0,
        "EU-27": 40.0,
        "Central Asia": 2.0,
        "Turkey": 1.0,
        "USA": 3.0,
        "UK": 1.0,
        "Other": 38.0,
    },
    2001: {
        "Russia": NAN,
        "China": NAN,
        "EU-27": NAN,
        "Central Asia": NAN,
        "Turkey": NAN,
        "USA": NAN,
        "UK": NAN,
        "Other": NAN,
    },
    2002: {
        "Russia": 9.0,
        "China": 8.0,
        "EU-27": 50.0,
        "Central Asia": 8.44,
        "Turkey": 1.0,
        "USA": 2.0,
        "UK": 1.0,
        "Other": 20.56,
    },
}
SHARES_IMPORTS = {
    2000: {
        "Russia": 45.0,
        "China": 10.0,
        "EU-27": 20.0,
        "Central Asia": 4.0,
        "Turkey": 2.0,
        "USA": 5.0,
        "UK": 1.0,
        "Other": 13.0,
    },
    2001: {
        "Russia": NAN,
        "China": NAN,
        "EU-27": NAN,
        "Central Asia": NAN,
        "Turkey": NAN,
        "USA": NAN,
        "UK": NAN,
        "Other": NAN,
    },
    2002: {
        "Russia": 30.0,
        "China": 25.0,
        "EU-27": 20.0,
        "Central Asia": 5.0,
        "Turkey": 3.0,
        "USA": 4.0,
        "UK": 1.0,
        "Other": 12.0,
    },
}


def test_group_shares_counts_years_with_data_and_bounds_the_small_vectors_truthfully() -> None:
    text = trade_chapter.group_shares(_wide(SHARES_EXPORTS), _wide(SHARES_IMPORTS))
    assert text.startswith(
        "Between 2000 and 2002, the EU-27 was the largest named destination of exports in every one of the 2 years"
    )
    assert "the EU-27's share of exports ranged from 40.0% (2000) to 50.0% (2002)" in text
    assert "Russia's share of imports fell from 45.0% to 30.0%, China's rose from 10.0% to 25.0%" in text
    # the true maximum is 8.44: "never more than 8.4%" would be false, so the bound is rounded up
    assert "never took more than 8.5% of either flow; the most was Central Asia's share of exports in 2002." in text
    assert text.endswith("Kazakhstan sells west and buys from its two big neighbours.")


def test_group_shares_drops_the_closing_line_when_the_data_do_not_bear_it_out() -> None:
    imports = {y: dict(v) for y, v in SHARES_IMPORTS.items()}
    imports[2002].update({"Russia": 20.0, "China": 20.0, "EU-27": 35.0})  # 40% from the two neighbours
    text = trade_chapter.group_shares(_wide(SHARES_EXPORTS), _wide(imports))
    assert "sells west" not in text
    assert "Imports came first from Russia or China in 1 of the 2 years" in text
    empty = {2001: SHARES_EXPORTS[2001]}
    assert trade_chapter.group_shares(_wide(empty), _wide(empty)).startswith("No year in this window has shares")


def _monthly(peak_month: str) -> pd.DataFrame:
    months = pd.date_range(f"{periods.EVENT_WINDOW_FIRST_YEAR}-01-01", f"{RECENT}-12-01", freq="MS")
    raw = pd.DataFrame({"month": months.strftime("%Y-%m"), "exports_usd_thousand": 1000.0, "imports_usd_thousand": 1.0})
    raw.loc[raw["month"] == peak_month, "exports_usd_thousand"] = 8_200_000.0
    return trade.monthly_totals(raw)


def test_around_the_shocks_all_vectors_grew() -> None:
    flows = {y: dict(v) for y, v in FLOWS.items()}
    flows[RECENT]["RUS"] = (12, 39)  # Russia 50 -> 51: grew, while its share of turnover fell (25% -> 24.3%)
    panel = _panel(flows)
    by_group = trade.trade_by_group(panel)
    change = trade.turnover_changes(by_group, trade.MAIN_GROUPS, BASE, RECENT)
    text = trade_chapter.around_the_shocks(by_group, _monthly(f"{periods.SHOCK_YEAR}-06"), change, BASE, RECENT)
    assert f"Turnover with Russia was USD 50.0 billion in {BASE} and USD 51.0 billion in {RECENT}" in text
    assert f"the shocks of {periods.SHOCK_YEAR} did not cut trade with Russia" in text
    assert "Trade with China grew fastest (+37%)" in text
    assert (
        f"highest value of {periods.EVENT_WINDOW_FIRST_YEAR}–{RECENT} in June {periods.SHOCK_YEAR} (USD 8.2 billion)"
        in text
    )
    assert f"each of the three main vectors was larger in {RECENT} than in {BASE}" in text
    assert text.endswith("only in shares.")


def test_around_the_shocks_when_trade_with_russia_fell() -> None:
    by_group = trade.trade_by_group(_panel())
    change = trade.turnover_changes(by_group, trade.MAIN_GROUPS, BASE, RECENT)
    text = trade_chapter.around_the_shocks(by_group, _monthly(f"{BASE}-03"), change, BASE, RECENT)
    assert "coincided with a fall in trade with Russia" in text
    assert f"in March {BASE}" in text
    assert "larger in" not in text and text.endswith("which event moved which flow.")


def test_dependence_names_supplier_and_market() -> None:
    panel = _panel()
    by_group = trade.trade_by_group(panel)
    asymmetry = trade.dependence_asymmetry(panel, by_group, RECENT, ["RUS", "CHN", "DEU"])
    text = trade_chapter.dependence(asymmetry, RECENT)
    assert text.startswith(f"In {RECENT}, Russia supplied 30.0% of Kazakhstan's imports but took 11.0% of its exports")
    assert "The EU-27 is the mirror image (50.0% of exports against 18.0% of imports)." in text
    assert "not interchangeable" in text
    unknown = asymmetry.assign(gap_pp=NAN)
    assert "has no points" in trade_chapter.dependence(unknown, RECENT)
    only_suppliers = asymmetry[asymmetry["gap_pp"] > 0]
    assert "mirror image" not in trade_chapter.dependence(only_suppliers, RECENT)


def test_concentration_change_says_which_way_each_measure_moved() -> None:
    conc = pd.DataFrame(
        [
            (BASE, "imports", "partner", NAN, 4.4, NAN),
            (RECENT, "imports", "partner", NAN, 5.9, NAN),
            (BASE, "exports", "partner", NAN, 12.7, NAN),
            (RECENT, "exports", "partner", NAN, 8.9, NAN),
            (BASE, "turnover", "group", NAN, 4.5, NAN),
            (RECENT, "turnover", "group", NAN, 4.5, NAN),
        ],
        columns=trade.CONCENTRATION_COLUMNS,
    )
    text = trade_chapter.concentration_change(conc, BASE, RECENT)
    assert "for imports rose from 4.4 to 5.9 and for exports fell from 12.7 to 8.9" in text
    assert "turnover stayed at 4.5" in text


def test_mirror_locates_the_gap() -> None:
    one_sided = _mirror(43_800.0, 30_200.0, {"imports": (14_000.0, 8_200.0), "exports": (10_200.0, 9_800.0)})
    text = trade_chapter.mirror(one_sided)
    assert text.startswith(
        f"In {RECENT}, China recorded USD 43.8 billion of trade with Kazakhstan, Kazakhstan USD 30.2 billion."
    )
    assert f"The gap sits on one side: in {BASE}, the only year with both flows quoted" in text
    assert "94% of the turnover gap is in China's exports" in text  # 5.8 of 6.2
    assert "Valuation alone" in text
    spread = _mirror(43_800.0, 30_200.0, {"imports": (10_000.0, 8_200.0), "exports": (12_000.0, 9_800.0)})
    text = trade_chapter.mirror(spread)
    assert "sits on one side" not in text and "45% of the turnover gap is in China's exports" in text
    assert "cannot be told" in trade_chapter.mirror(_mirror(43_800.0, 30_200.0))


def test_mirror_sources_name_gaps_and_disagreements() -> None:
    mirror = pd.concat([_mirror(1.0, 1.0), _mirror(NAN, 1.0).assign(year=2023)], ignore_index=True)
    rows = pd.DataFrame(
        {
            "year": [RECENT],
            "flow": ["turnover"],
            "china_usd_m": [43_800.0],
            "source_date": ["2025-01-24"],
            "candidates": [2],
        }
    )
    text = trade_chapter.mirror_sources(mirror, rows)
    assert text == (
        "No full-year China-side figure was transcribed for 2023. Two pages gave different figures for "
        f"{RECENT} turnover; the later one is used (USD 43,800 million, dated 2025-01-24)."
    )
    assert "no two pages disagree" in trade_chapter.mirror_sources(_mirror(1.0, 1.0), rows.assign(candidates=1))


def _coverage(rows: list[tuple[int, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["year", "flow", "shortfall_pct"])


def test_source_break_measures_the_break_or_says_it_cannot() -> None:
    before = trade.FIRST_BNS_YEAR - 1
    small = trade_chapter.source_break(_coverage([(before, "exports", 0.09), (before, "imports", 0.14)]))
    assert f"In {before} the WITS partner sum was 0.09% below" in small and "changes little in the totals" in small
    large = trade_chapter.source_break(_coverage([(before, "exports", 3.0), (before, "imports", 0.14)]))
    assert "shifts the totals by that much" in large
    assert "cannot be measured" in trade_chapter.source_break(_coverage([(before + 1, "exports", 0.1)]))


def test_missing_values_and_the_preliminary_year() -> None:
    prelim = max(periods.PRELIMINARY_YEARS)
    coverage = _coverage(
        [(2019, "exports", 0.09), (2019, "imports", 0.281), (prelim, "exports", 1.0), (prelim, "imports", 0.48)]
    )
    text = trade_chapter.missing_values({2010: ["Belarus", "Russia"]}, coverage, has_taiwan=False)
    assert text.startswith("The source has no values for Belarus and Russia in 2010.")
    assert "no row for Taiwan" in text
    assert "fall up to 0.29% short" in text, "the preliminary year's 1.00% is not a complete year's; 0.281 rounds up"
    assert "a value for every partner-year" in trade_chapter.missing_values({}, coverage, has_taiwan=True)
    dropped = pd.DataFrame(
        {
            "partner": ["Afghanistan", "United Arab Emirates", "Bahamas", "Aruba"],
            "turnover_usd_m": [545.0, 277.0, 51.0, 1.0],
        }
    )
    text = trade_chapter.preliminary_year(dropped, coverage, prelim)
    assert text.startswith(f"4 partners with a row in {prelim - 1} have none in {prelim}; the largest of them")
    assert (
        "Afghanistan (USD 545 million), the United Arab Emirates (USD 277 million) and the Bahamas (USD 51 million)"
        in text
    )
    assert (
        "fall 1.00% (exports) and 0.48% (imports) short" in text and "against at most 0.29% in complete years" in text
    )
    assert trade_chapter.preliminary_year(dropped.head(0), coverage, prelim).startswith("Every partner with a row")
    assert "cannot be measured" in trade_chapter.preliminary_year(dropped, coverage[coverage["year"] != prelim], prelim)


@pytest.mark.parametrize(("eu_peak", "later"), [(2013, True), (2001, False)])
def test_hubs_separate_the_other_and_the_eu_hubs(eu_peak: int, later: bool) -> None:
    hubs = pd.DataFrame(
        {
            "partner_iso3": ["CHE", "NLD"],
            "partner": ["Switzerland", "Netherlands"],
            "years_above_threshold": ["2000–2009", "2011–2025"],
            "peak_year": [2008, eu_peak],
            "peak_exports_usd_m": [11_281.0, 9_888.0],
            "peak_share": [15.94, 11.7],
        }
    )
    text = trade_chapter.hubs(hubs, _panel())
    assert text.startswith("Switzerland took 15.9% of exports in 2008 (USD 11.3 billion): the share of other partners")
    assert ("EU-27's share later (the Netherlands)" in text) is later
    assert "(the Netherlands) is the same bookkeeping" in text


# --- the words of the chapter's figures ---------------------------------------------------------------------


def test_the_ranking_title_states_the_leader_and_its_share_or_why_there_is_none() -> None:
    panel = _panel()
    top = trade.top_partners(panel, RECENT, 3, "turnover")
    text = trade_chapter.top_partners_text(top, RECENT, "turnover")
    assert text.title.startswith(f"China was Kazakhstan's largest trading partner by turnover in {RECENT}")
    assert text.title.endswith(", with 24% of the total")  # 48 of 200
    assert "China 20.0 billion exports and 28.0 billion imports" in text.alt
    unknown = top.assign(turnover_share_pct=NAN)
    missing = trade_chapter.top_partners_text(unknown, RECENT, "turnover", ["Russia"])
    assert missing.title.endswith("among partners with data (Russia missing)")
    assert missing.note.endswith(f"No {RECENT} values for Russia: not ranked, and the total is unknown.")


def test_a_change_sentence_repeats_its_verb_only_when_the_signs_differ() -> None:
    same = trade_chapter.changes_sentence([("EU-27", 69.2), ("China", 68.4), ("Russia", 14.0)])
    assert same == "with the EU-27 grew by 69%, with China by 68% and with Russia by 14%"
    mixed = trade_chapter.changes_sentence([("China", 12.0), ("Russia", -4.4)])
    assert mixed == "with China grew by 12% and with Russia fell by 4%"


def test_the_dependence_chart_without_shares_says_why_in_place_of_a_plot() -> None:
    points = pd.DataFrame(
        {"label": ["Russia"], "group": ["Russia"], "kind": ["partner"], "exports_share": [NAN],
         "imports_share": [NAN], "gap_pp": [NAN]}
    )  # fmt: skip
    text = trade_chapter.asymmetry_text(points, 2010, ["Russia", "Belarus"])
    assert text.placeholder == "No shares for 2010: the source has no values for Russia and Belarus."
    assert text.title.startswith("Shares of Kazakhstan's trade in 2010 are unknown")


def test_the_mirror_title_gives_the_gap_of_the_latest_quoted_year_and_where_it_lies() -> None:
    flows = {"imports": (90_000.0, 20_000.0), "exports": (30_000.0, 25_000.0)}
    mirror = _mirror(150_000.0, 100_000.0, both_flows=flows).sort_values(["year", "flow"], ignore_index=True)
    text = trade_chapter.mirror_text(mirror)
    assert text.title.startswith(f"China records 50% more trade with Kazakhstan than Kazakhstan does ({RECENT})")
    assert f"In {BASE}, 93% of the turnover gap is China's exports" in text.note  # 70 of 75
