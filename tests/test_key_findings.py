"""Key findings: computed from the published tables, consistent with the ledger."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pandas as pd

from kzmv.analysis.claims import strength_counts
from kzmv.analysis.headlines import TABLES, headlines
from kzmv.data.evidence import load_tables
from kzmv.engine.render import _Renderer, notebook_sections
from kzmv.story.key_findings import claims_finding, findings_markdown, vectors_finding

ROOT = Path(__file__).resolve().parents[1]


def _published() -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    folder = ROOT / "data" / "processed"
    return load_tables(list(TABLES), folder), pd.read_csv(folder / "claims.csv")


def test_findings_agree_with_the_ledger_and_the_tables() -> None:
    tables, ledger = _published()
    text = findings_markdown(tables, ledger)
    assert text.count("\n- ") == 5, "six bullets"
    crude = float(ledger.loc[ledger["claim_id"] == "B1", "measured"].iloc[0])
    assert f"Crude oil earned {crude:.0f}% of the value of goods exports in 2024" in text
    by_group = tables["trade_by_group"]
    eu = by_group[(by_group["year"] == 2024) & (by_group["group"] == "EU-27")]["exports_share"].iloc[0]
    assert f"the EU-27 bought {eu:.0f}% of Kazakhstan's exports" in text
    by_strength = strength_counts(ledger)
    for strength, n in by_strength.items():
        assert f"{strength} {n['claims']} ({n['robust']} robustly)" in text
    tested = int((ledger["verdict"] != "not testable").sum())
    assert f"**The data robustly support {by_strength['supported']['robust']} of the {tested} claims" in text


def test_headlines_set_the_pre_war_comparison_against_the_base_years_and_without_crude() -> None:
    tables, _ = _published()
    h = headlines(tables)
    by_group = tables["trade_by_group"]
    russia = by_group[by_group["group"] == "Russia"].set_index("year")
    totals = by_group.groupby("year")["turnover_usd_m"].sum()
    assert h.growth_ru == 100 * (russia.loc[h.year, "turnover_usd_m"] / russia.loc[2021, "turnover_usd_m"] - 1)
    assert h.growth_all == 100 * (totals[h.year] / totals[2021] - 1)
    crude = tables["export_structure"].query("item_code == 'CRUDE_OIL'").set_index("year")["value_usd_m"]
    without = 100 * ((totals[h.year] - crude[h.year]) / (totals[2021] - crude[2021]) - 1)
    assert h.growth_no_crude == without != h.growth_all, "the change without crude oil is its own number"
    imports = by_group[by_group["year"].isin([2019, 2020])].groupby("year")["imports_usd_m"].sum()
    base = (100 * russia.loc[[2019, 2020], "imports_usd_m"] / imports).mean()
    assert h.imports_ru_base == base


def test_findings_follow_the_data() -> None:
    """Change the table and the sentence changes: nothing in it is typed."""
    tables, ledger = _published()
    doubled = tables["trade_by_group"].copy()
    mask = (doubled["group"] == "Russia") & (doubled["year"] == 2024)
    doubled.loc[mask, "turnover_usd_m"] *= 2
    text = findings_markdown({**tables, "trade_by_group": doubled}, ledger)
    before = findings_markdown(tables, ledger)
    assert text != before and "turnover with Russia rose" in text


def test_the_report_lifts_flagged_markdown_to_the_top() -> None:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("show_key_findings(...)")
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data", data={"text/markdown": "- **A finding** <b>x</b>"}, metadata={"kzmv-key-findings": True}
        )
    ]
    nb.cells = [cell]
    r = _Renderer()
    html = "".join(notebook_sections(nb, r, "x"))
    assert "A finding" not in html and "A finding" in r.key_findings[0] and "<b>x</b>" not in r.key_findings[0]
    page = (ROOT / "report" / "index.html").read_text(encoding="utf-8")
    assert page.index('id="key-findings"') < page.index('id="contents"')


def test_findings_give_the_second_base_and_trade_without_oil() -> None:
    """Russia's 2021 import share was a peak: the bullet gives the 2019-2020 mean beside it."""
    tables, ledger = _published()
    text = findings_markdown(tables, ledger)
    by_group = tables["trade_by_group"]
    rows = by_group[(by_group["group"] == "Russia") & by_group["year"].isin([2019, 2020])]
    totals = by_group[by_group["year"].isin([2019, 2020])].groupby("year")["imports_usd_m"].sum()
    base = (100 * rows.set_index("year")["imports_usd_m"] / totals).mean()
    assert f"({base:.0f}% on average in 2019–2020: 2021 was a peak)" in text
    assert "without crude oil exports" in text and "did not bypass Russian ports" in text


def test_trade_without_crude_is_said_once_when_it_rounds_alike_and_given_when_it_differs() -> None:
    tables, ledger = _published()
    structure = tables["export_structure"]
    by_group = tables["trade_by_group"]
    totals = by_group.groupby("year")["turnover_usd_m"].sum(min_count=1)
    crude = structure.query("item_code == 'CRUDE_OIL'").set_index("year")["value_usd_m"]

    def growth(c: pd.Series) -> float:  # trade without crude, 2021 to 2024, %
        return 100 * ((totals[2024] - c[2024]) / (totals[2021] - c[2021]) - 1)

    all_trade = 100 * (totals[2024] / totals[2021] - 1)
    text = findings_markdown(tables, ledger)
    if f"{growth(crude):+.0f}" == f"{all_trade:+.0f}":
        assert f"all trade ({all_trade:+.0f}%, with or without crude oil exports)" in text
    else:
        assert f"all trade ({all_trade:+.0f}%, or {growth(crude):+.0f}% without crude oil exports)" in text
    # more crude in 2024: trade without it grew less, and the sentence gives both numbers
    more = structure.copy()
    more.loc[(more["item_code"] == "CRUDE_OIL") & (more["year"] == 2024), "value_usd_m"] *= 1.5
    bigger = more.query("item_code == 'CRUDE_OIL'").set_index("year")["value_usd_m"]
    assert f"{growth(bigger):+.0f}" != f"{all_trade:+.0f}"
    changed = findings_markdown({**tables, "export_structure": more}, ledger)
    assert f"all trade ({all_trade:+.0f}%, or {growth(bigger):+.0f}% without crude oil exports)" in changed


def test_the_claims_headline_counts_direct_support_alone_and_never_adds_consistency() -> None:
    tables, ledger = _published()
    text = claims_finding(ledger)
    supported, consistent = (int((ledger["verdict"] == v).sum()) for v in ("supported", "consistent"))
    assert f"robustly support {supported} of" in text and f"robustly support {supported + consistent} of" not in text
    assert "the consistent are not support" in text
    # more claims robustly supported: the bold lead follows; no verdict depending on the choices: no such clause
    settled = ledger.assign(verdict=ledger["verdict"].replace({"depends on the choices": "supported"}))
    settled = settled.assign(
        modal_verdict=settled["modal_verdict"].where(settled["verdict"] != "supported", "supported")
    )
    lead = claims_finding(settled)
    assert f"robustly support {int((settled['verdict'] == 'supported').sum())} of" in lead
    assert "turn on the analysis choices" not in lead and "0 verdicts depend on the choices" in lead
    assert "turn on the analysis choices" in findings_markdown(tables, ledger)


def test_the_vectors_finding_names_the_leaders_the_scorecard_gives() -> None:
    tables, ledger = _published()
    card = tables["vector_scorecard"]
    text = vectors_finding(card, ledger)
    kaz = card[(card["country_iso3"] == "KAZ") & card["leader"].notna()]
    russia = kaz.loc[kaz["leader"] == "Russia", "vector"].tolist()
    assert f"Of the {len(kaz)} vectors the scorecard compares for Kazakhstan, Russia leads {len(russia)}:" in text
    with_variants = vectors_finding(card, ledger, variants=tables["vector_scorecard_variants"])
    assert f"Russia's count of {len(russia)} holds in 2 of the 8 variants" in with_variants
    neutral = float(ledger.loc[ledger["claim_id"] == "B28", "measured"].iloc[0])
    assert f"{neutral:.0f}% of Kazakhstan's known votes took neither side" in text
    # hand every vector to Russia: the lead and the count follow
    all_russia = card.assign(leader=card["leader"].where(card["leader"].isna(), "Russia"))
    changed = vectors_finding(all_russia, ledger)
    assert changed.startswith("- **Russia leads in every vector the data reach.**")
    assert f"Russia leads {len(kaz)}:" in changed and "EU-27 leads" not in changed
    # a vector without data is not counted either way
    fewer = card.copy()
    fewer.loc[(fewer["country_iso3"] == "KAZ") & (fewer["vector"] == "arms"), "leader"] = None
    assert f"Of the {len(kaz) - 1} vectors" in vectors_finding(fewer, ledger)
