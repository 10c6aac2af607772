"""The claims ledger: each published claim, the number the data give, and a verdict.

Why it is built this way:

* **The register is data.** ``data/claims.yml`` lists the claims in the project's
  own words, the value each source states and how it is tested. Adding a claim
  means adding a row there, not code, unless it needs a new measure.
* **One pure function per measure.** Each measure takes the processed tables
  (a mapping of name to DataFrame) and returns one number, so the value in the
  ledger can be recomputed by anyone (and by the tests) from the published CSVs.
  The tables a measure reads are declared with it, which is how the ledger's
  ``evidence`` column is filled in (the register adds only raw files that were
  consulted but not computed with).
* **Verdicts follow written rules.** :func:`verdict` turns a measured and a
  claimed value into one of four words with a tolerance the reader can change
  (the notebook parameter ``tolerance_pct``), so no verdict is a judgement call
  hidden in prose.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from kzmv import paths
from kzmv.errors import PipelineError
from kzmv.yamlio import first_error, load_yaml_list

LEDGER_COLUMNS: list[str] = [
    "claim_id",
    "claim",
    "source",
    "claimed",
    "measured",
    "unit",
    "period",
    "verdict",
    "evidence",
    "note",
]
VERDICTS: tuple[str, ...] = ("supported", "partly supported", "not supported", "not testable")
SECTIONS: tuple[str, ...] = ("aspiration", "economic", "political", "geopolitical")
Rule = Literal["approx", "greater_than", "less_than", "equals"]

Tables = Mapping[str, pd.DataFrame]
RAW_PREFIX = "raw:"


# --------------------------------------------------------------------------- measures


@dataclass(frozen=True)
class Measure:
    """A function computing one number from named tables, and the tables it reads.

    A table name is a processed table (``data/processed/<name>.csv``) or
    ``raw:<source id>`` for a raw file read directly.
    """

    func: Callable[..., float]
    tables: tuple[str, ...]
    # raw source ids behind the value; None means "the sources the data dictionary lists for the tables"
    raw: tuple[str, ...] | None = None

    def __call__(self, tables: Tables, **params: Any) -> float:
        missing = [t for t in self.tables if t not in tables]
        if missing:
            raise PipelineError(f"measure {self.func.__name__} needs table(s) {missing}, which were not loaded")
        return float(self.func(tables, **params))


MEASURES: dict[str, Measure] = {}


def measure(
    *table_names: str, raw: tuple[str, ...] | None = None
) -> Callable[[Callable[..., float]], Callable[..., float]]:
    """Register a measure under its function name, with the tables it reads.

    ``raw`` narrows the evidence to the raw sources actually used when a
    table combines several (macro_indicators holds five); by default the
    evidence lists every source the data dictionary gives for the tables.
    """

    def register(func: Callable[..., float]) -> Callable[..., float]:
        MEASURES[func.__name__] = Measure(func, tuple(table_names), raw)
        return func

    return register


def _years(frame: pd.DataFrame) -> str:
    years = sorted(frame["year"].dropna().astype(int).unique())
    return f"{years[0]}–{years[-1]}" if years else "none"


def _group_value(by_group: pd.DataFrame, groups: list[str], year: int, column: str = "turnover_usd_m") -> float:
    """Sum of ``column`` over the partner ``groups`` in ``year`` (trade_by_group)."""
    if year not in set(by_group["year"]):
        raise PipelineError(f"year {year} is not in trade_by_group ({_years(by_group)})")
    unknown = sorted(set(groups) - set(by_group["group"]))
    if unknown:
        raise PipelineError(f"partner group(s) {unknown} are not in trade_by_group")
    rows = by_group[(by_group["year"] == year) & by_group["group"].isin(groups)]
    return float(rows[column].sum(min_count=len(groups)))


@measure("trade_by_group")
def turnover_growth_pct(tables: Tables, groups: list[str], year: int) -> float:
    """Growth of turnover with ``groups`` in ``year`` over the year before, in percent."""
    by_group = tables["trade_by_group"]
    now, before = _group_value(by_group, groups, year), _group_value(by_group, groups, year - 1)
    return 100 * (now / before - 1)


@measure("trade_by_group")
def min_turnover_growth_pct(tables: Tables, groups: list[str], first: int, last: int) -> float:
    """The smallest year-on-year growth (percent) of turnover with ``groups`` over ``first``..``last``.

    "Grew every year" holds exactly when this is above zero.
    """
    if last < first:
        raise PipelineError(f"the last year ({last}) is before the first ({first})")
    return min(turnover_growth_pct(tables, groups, y) for y in range(first, last + 1))


@measure("trade_by_group")
def turnover_share_change_pp(tables: Tables, groups: list[str], start: int, end: int) -> float:
    """Change in the share of ``groups`` in turnover from ``start`` to ``end``, percentage points."""
    by_group = tables["trade_by_group"]
    return _group_value(by_group, groups, end, "turnover_share") - _group_value(
        by_group, groups, start, "turnover_share"
    )


@measure("trade_by_group")
def turnover_ratio(tables: Tables, numerator: list[str], denominator: list[str], year: int) -> float:
    """Turnover with the ``numerator`` groups divided by turnover with the ``denominator`` groups."""
    by_group = tables["trade_by_group"]
    return _group_value(by_group, numerator, year) / _group_value(by_group, denominator, year)


@measure("trade_by_group")
def export_lead(tables: Tables, group: str, year: int) -> float:
    """Exports to ``group`` divided by exports to the largest other named group ("Other" excluded)."""
    by_group = tables["trade_by_group"]
    one_year = by_group[by_group["year"] == year].set_index("group")["exports_usd_m"]
    others = one_year.drop([group, "Other"], errors="ignore")
    return float(one_year[group] / others.max())


@measure("trade_by_partner")
def partners_matching(tables: Tables, reference: str, year: int) -> float:
    """How many single countries other than ``reference`` trade at least as much with Kazakhstan."""
    trade = tables["trade_by_partner"]
    one_year = trade[trade["year"] == year].set_index("partner_iso3")["turnover_usd_m"]
    if reference not in one_year.index:
        raise PipelineError(f"partner {reference} has no row for {year} in trade_by_partner")
    level = one_year[reference]
    return float((one_year.drop(reference) >= level).sum())


def _one(frame: pd.DataFrame, table: str, what: str, **keys: Any) -> float:
    """The single ``value``-like cell matching ``keys``; a clear error if there is none or several."""
    rows = frame
    for column, wanted in keys.items():
        rows = rows[rows[column] == wanted]
    if len(rows) != 1:
        found = "no row" if rows.empty else f"{len(rows)} rows"
        raise PipelineError(f"{table}: expected one row for {keys}, found {found}")
    return float(rows[what].iloc[0])


@measure("fdi_by_group")
def fdi_stock_share(tables: Tables, group: str, year: int) -> float:
    """Share of ``group`` in Kazakhstan's inward FDI stock at the end of ``year``, percent (wiiw)."""
    return _one(
        tables["fdi_by_group"], "fdi_by_group", "share_of_world_pct", group=group, measure="inward stock", year=year
    )


@measure("fdi_by_group", "fdi_by_partner")
def fdi_stock_lead(tables: Tables, group: str, year: int) -> float:
    """Stock held by ``group`` divided by the stock of the largest single investor country outside it."""
    lead = _one(tables["fdi_by_group"], "fdi_by_group", "value", group=group, measure="inward stock", year=year)
    partners = tables["fdi_by_partner"]
    outside = partners[
        (partners["measure"] == "inward stock") & (partners["year"] == year) & (partners["group"] != group)
    ]
    if outside["value"].dropna().empty:
        raise PipelineError(f"fdi_by_partner: no inward stock outside {group} in {year}")
    return lead / float(outside["value"].max())


@measure("export_structure")
def crude_oil_export_share(tables: Tables, year: int) -> float:
    """Crude oil (HS 2709) as a percentage of the value of all goods exports in ``year`` (complete years only)."""
    share = _one(tables["export_structure"], "export_structure", "share_of_total_pct", item_code="CRUDE_OIL", year=year)
    if math.isnan(share):
        raise PipelineError(f"export_structure: {year} is not a complete year, so it has no crude-oil share")
    return share


def cpc_shares(oil_exports: pd.DataFrame) -> pd.Series:
    """CPC's share of crude exports (percent of stated full-year totals), by year."""
    rows = oil_exports[
        (oil_exports["route"] == "CPC")
        & (oil_exports["period"] == "full year")
        & (oil_exports["denominator"] == "stated total exports")
    ]
    return rows.set_index("year")["share_of_total_pct"].sort_index()


@measure("oil_exports")
def cpc_share_of_oil_exports(tables: Tables, year: int | None = None) -> float:
    """Kazakh crude shipped through the CPC as a percentage of total crude exports (volumes).

    ``year=None`` takes the latest full year with a stated total; years whose
    share is only of the listed routes (no stated total) are not used.
    """
    shares = cpc_shares(tables["oil_exports"])
    if shares.empty:
        raise PipelineError("oil_exports: no full year has both a CPC volume and a stated total")
    year = int(shares.index.max()) if year is None else year
    if year not in shares.index:
        raise PipelineError(f"oil_exports: no CPC share for {year}; years with one: {list(shares.index)}")
    return float(shares[year])


def russia_gross_fdi(gross_vs_net: pd.DataFrame) -> pd.Series:
    """Russia's gross FDI inflow (USD billion, National Bank basis), by year; derived years included."""
    rows = gross_vs_net[(gross_vs_net["partner"] == "Russia") & (gross_vs_net["concept"] == "gross inflow")]
    if rows["year"].duplicated().any():
        raise PipelineError("fdi_gross_vs_net: more than one Russian gross inflow in a year")
    return rows.set_index("year")["value"].sort_index()


@measure("fdi_gross_vs_net")
def russia_gross_fdi_ratio(tables: Tables, base_year: int = 2021, year: int | None = None) -> float:
    """Russia's gross FDI inflow in ``year`` (default: the latest quoted) divided by ``base_year``'s."""
    series = russia_gross_fdi(tables["fdi_gross_vs_net"])
    year = int(series.index.max()) if year is None else year
    for wanted in (base_year, year):
        if wanted not in series.index:
            raise PipelineError(
                f"fdi_gross_vs_net: no Russian gross inflow for {wanted}; years quoted: {list(series.index)}"
            )
    if year <= base_year:
        raise PipelineError(f"the comparison year ({year}) must come after the base year ({base_year})")
    return float(series[year] / series[base_year])


CPI = "CPI inflation, annual average"


@measure("macro_indicators", raw=())  # the register names the source chosen by the ``source`` parameter
def cpi_above_baseline_pp(tables: Tables, source: str, first: int, last: int, base_first: int, base_last: int) -> float:
    """Mean CPI inflation over ``first``..``last`` less its mean over the baseline years, percentage points."""
    macro = tables["macro_indicators"]
    rows = macro[(macro["iso3"] == "KAZ") & (macro["indicator"] == CPI) & (macro["source"] == source)]
    series = rows.set_index("year")["value"]

    def mean(a: int, b: int) -> float:
        years = range(a, b + 1)
        missing = [y for y in years if y not in series.index or pd.isna(series[y])]
        if missing:
            raise PipelineError(f"macro_indicators: no {source} CPI inflation for {missing}")
        return float(series[list(years)].mean())

    return mean(first, last) - mean(base_first, base_last)


# --------------------------------------------------------------------------- register


class Claim(BaseModel):
    """One row of ``data/claims.yml``."""

    model_config = ConfigDict(extra="forbid")

    claim_id: str = Field(pattern=r"^[A-Z][0-9]+$")
    section: Literal["aspiration", "economic", "political", "geopolitical"]
    claim: str = Field(min_length=10)
    source: str
    claimed: str
    claimed_value: float | None
    unit: str
    period: str
    measure: str | None
    params: dict[str, Any] = {}
    rule: Rule | None
    evidence: list[str] = []
    not_testable_reason: str | None
    note: str = ""
    figures: list[str] = []
    decimals: int | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Claim:
        if self.measure is None:
            if not self.not_testable_reason:
                raise ValueError("a claim without a measure needs a not_testable_reason")
        else:
            if self.measure not in MEASURES:
                raise ValueError(f"unknown measure {self.measure!r}; known: {', '.join(sorted(MEASURES))}")
            if self.rule is None or self.claimed_value is None:
                raise ValueError("a tested claim needs a rule and a claimed_value")
            if self.not_testable_reason:
                raise ValueError("a tested claim cannot have a not_testable_reason")
        return self


def register_path() -> Path:
    return paths.project_root() / "data" / "claims.yml"


def load_register(path: Path | None = None, documents: set[str] | None = None) -> list[Claim]:
    """Read and validate ``data/claims.yml``; ids are unique and sources are known documents."""
    path = path or register_path()
    register: list[Claim] = []
    seen: set[str] = set()
    for i, entry in enumerate(load_yaml_list(path, "claims", "the claims register"), start=1):
        label = entry.get("claim_id", "?") if isinstance(entry, dict) else "?"
        try:
            claim = Claim.model_validate(entry)
        except ValidationError as exc:
            field, message = first_error(exc)
            raise PipelineError(f"{path}: claim #{i} ({label}), field '{field or '(claim)'}': {message}") from None
        if claim.claim_id in seen:
            raise PipelineError(f"{path}: claim id '{claim.claim_id}' appears twice")
        if documents is not None and claim.source not in documents:
            raise PipelineError(
                f"{path}: claim {claim.claim_id} cites source '{claim.source}', which is not a document in "
                f"data/bibliography.yml ({', '.join(sorted(documents))})"
            )
        seen.add(claim.claim_id)
        register.append(claim)
    return register


def required_tables(register: list[Claim]) -> list[str]:
    """Every table the tested claims read, sorted (processed names and ``raw:<id>``)."""
    return sorted({t for c in register if c.measure for t in MEASURES[c.measure].tables})


def load_tables(names: list[str], folder: Path | None = None) -> dict[str, pd.DataFrame]:
    """Read the named processed tables (and ``raw:<id>`` raw files) for the measures."""
    from kzmv.data.loading import read_raw
    from kzmv.data.tables import read_table

    loaded: dict[str, pd.DataFrame] = {}
    for name in names:
        if name.startswith(RAW_PREFIX):
            loaded[name] = read_raw(name.removeprefix(RAW_PREFIX))
        else:
            loaded[name] = read_table(name, folder)
    return loaded


# --------------------------------------------------------------------------- verdicts


def verdict(measured: float | None, claimed_value: float | None, rule: str | None, tolerance_pct: float) -> str:
    """Compare a measured value with the claimed one under ``rule``.

    * ``approx``: supported if within ``tolerance_pct`` percent of the claimed
      value, partly supported if within twice that, otherwise not supported.
    * ``greater_than`` / ``less_than``: supported if strictly beyond the claimed
      value; partly supported if short of it by no more than ``tolerance_pct``
      percent of it; otherwise not supported.
    * ``equals``: supported if equal (counts), otherwise not supported.

    No measured value means "not testable".
    """
    if measured is None or claimed_value is None or rule is None or math.isnan(measured):
        return "not testable"
    if tolerance_pct < 0:
        raise PipelineError(f"the tolerance must be zero or more, got {tolerance_pct}")
    slack = abs(claimed_value) * tolerance_pct / 100
    if rule == "approx":
        gap = abs(measured - claimed_value)
        if gap <= slack:
            return "supported"
        return "partly supported" if gap <= 2 * slack else "not supported"
    if rule in ("greater_than", "less_than"):
        beyond = measured - claimed_value if rule == "greater_than" else claimed_value - measured
        if beyond > 0:
            return "supported"
        return "partly supported" if -beyond <= slack and slack > 0 else "not supported"
    if rule == "equals":
        return "supported" if math.isclose(measured, claimed_value) else "not supported"
    raise PipelineError(f"unknown comparison rule {rule!r}; use approx, greater_than, less_than or equals")


# --------------------------------------------------------------------------- the ledger


def evidence_ids(claim: Claim, dictionary: Mapping[str, Any] | None = None) -> list[str]:
    """Processed tables and raw source ids behind a claim, in order, without repeats.

    The tables come from the measure; each processed table brings the raw
    sources the data dictionary records for it; the register may add raw ids
    that were consulted but not computed with.
    """
    ids: list[str] = []
    if claim.measure:
        spec = MEASURES[claim.measure]
        for table in spec.tables:
            if table.startswith(RAW_PREFIX):
                ids.append(table.removeprefix(RAW_PREFIX))
            else:
                ids.append(table)
                if spec.raw is None:
                    ids.extend((dictionary or {}).get(table, {}).get("sources", []))
        ids.extend(spec.raw or ())
    ids.extend(claim.evidence)
    return list(dict.fromkeys(ids))


def measured_value(claim: Claim, tables: Tables) -> float | None:
    """The claim's measured value, or None for a claim the data cannot test."""
    if claim.measure is None:
        return None
    return MEASURES[claim.measure](tables, **claim.params)


def build_ledger(
    register: list[Claim],
    tables: Tables,
    *,
    tolerance_pct: float = 10.0,
    sources: Mapping[str, str] | None = None,
    dictionary: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """The claims ledger: one row per claim with the columns of :data:`LEDGER_COLUMNS`.

    ``sources`` maps a document key to its label ("author, title, outlet,
    date"); ``dictionary`` is the data dictionary, used to name the raw sources
    of each processed table in the evidence column.
    """
    rows = []
    for claim in register:
        value = measured_value(claim, tables)
        note = claim.note if claim.measure else " ".join(t for t in (claim.not_testable_reason, claim.note) if t)
        rows.append(
            {
                "claim_id": claim.claim_id,
                "claim": claim.claim,
                "source": (sources or {}).get(claim.source, claim.source),
                "claimed": claim.claimed,
                "measured": value,
                "unit": claim.unit,
                "period": claim.period,
                "verdict": verdict(value, claim.claimed_value, claim.rule, tolerance_pct),
                "evidence": "; ".join(evidence_ids(claim, dictionary)),
                "note": note,
            }
        )
    ledger = pd.DataFrame(rows, columns=LEDGER_COLUMNS)
    ledger["measured"] = ledger["measured"].astype(float)
    return ledger


def check_ledger(ledger: pd.DataFrame, register: list[Claim], known_ids: set[str]) -> None:
    """Check a ledger (built, or read back from CSV) against the register; raise on the first problem.

    Columns and order, one row per claim in register order, the verdict
    vocabulary, a measured value exactly where a claim is testable, and
    evidence ids that exist (``known_ids``: manifest ids and processed tables).
    """
    if list(ledger.columns) != LEDGER_COLUMNS:
        raise PipelineError(f"claims ledger: columns {list(ledger.columns)}, expected {LEDGER_COLUMNS}")
    if list(ledger["claim_id"]) != [c.claim_id for c in register]:
        raise PipelineError("claims ledger: the claim ids differ from data/claims.yml (or their order does)")
    for row in ledger.itertuples():
        if row.verdict not in VERDICTS:
            raise PipelineError(f"claims ledger, {row.claim_id}: verdict {row.verdict!r} is not one of {VERDICTS}")
        if (row.verdict == "not testable") != pd.isna(row.measured):
            raise PipelineError(f"claims ledger, {row.claim_id}: a measured value goes with a testable verdict")
        ids = str(row.evidence).split("; ") if isinstance(row.evidence, str) and row.evidence else []
        unknown = sorted(set(ids) - known_ids)
        if unknown:
            raise PipelineError(f"claims ledger, {row.claim_id}: unknown evidence id(s) {unknown}")
        if row.verdict != "not testable" and not ids:
            raise PipelineError(f"claims ledger, {row.claim_id}: a measured claim must name its evidence")


def verdict_counts(ledger: pd.DataFrame) -> dict[str, int]:
    """How many claims got each verdict, in the order of :data:`VERDICTS`."""
    counts = ledger["verdict"].value_counts()
    return {v: int(counts.get(v, 0)) for v in VERDICTS}


def format_measured(value: float, unit: str, decimals: int | None = None) -> str:
    """A measured value for reading: counts whole, ratios to two decimals, the rest to one."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if decimals is None:
        decimals = 0 if unit.startswith("number") else 2 if unit.startswith("ratio") else 1
    return f"{value:,.{decimals}f}"


# --------------------------------------------------------------------------- presentation


def ledger_display(
    ledger: pd.DataFrame, register: list[Claim], short_sources: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """The ledger for reading: measured values formatted, missing ones as a dash, sources shortened.

    ``short_sources`` maps a document key to a short citation ("Wahlang,
    MP-IDSA, 2023"); the CSV keeps the full label.
    """
    by_id = {c.claim_id: c for c in register}
    shown = ledger.copy()
    shown["measured"] = [
        format_measured(v, u, by_id[i].decimals)
        for i, v, u in zip(shown["claim_id"], shown["measured"], shown["unit"], strict=True)
    ]
    if short_sources:
        shown["source"] = [
            short_sources.get(by_id[i].source, s) for i, s in zip(shown["claim_id"], shown["source"], strict=True)
        ]
    # ids are long words: allow a line break after each underscore (zero-width space), not inside a name
    shown["evidence"] = shown["evidence"].fillna("").str.replace("; ", ", ").str.replace("_", "_\u200b")
    return shown.fillna("—").replace("", "—")


# Relative column widths of the ledger table (percent of the report column), so that long text wraps evenly.
LEDGER_WIDTHS: dict[str, int] = {
    "claim_id": 7,
    "claim": 17,
    "source": 9,
    "claimed": 9,
    "measured": 8,
    "unit": 12,
    "period": 7,
    "verdict": 8,
    "evidence": 9,
    "note": 14,
}


def ledger_html(ledger: pd.DataFrame, register: list[Claim], short_sources: Mapping[str, str] | None = None) -> str:
    """The ledger as an HTML table (pandas Styler); every cell is escaped, since the text comes from data files."""
    shown = ledger_display(ledger, register, short_sources)
    styles = [
        {"selector": "", "props": "table-layout: fixed; width: 100%; font-size: 0.78rem;"},
        {"selector": "th, td", "props": "vertical-align: top; text-align: left; padding: 0.3em 0.4em;"},
        {"selector": "th", "props": "overflow-wrap: anywhere;"},
    ]
    widths = {
        column: [{"selector": "th", "props": f"width: {LEDGER_WIDTHS[column]}%;"}]
        for column in shown.columns
        if column in LEDGER_WIDTHS
    }
    styler = (
        shown.style.hide(axis="index")
        .format(escape="html")
        .set_uuid("claims-ledger")
        .set_table_attributes('class="kzmv-table claims-ledger"')
        .set_table_styles(styles)
        .set_table_styles(widths, overwrite=False)
    )
    styler.cell_ids = False
    return styler.to_html()


def section_markdown(
    ledger: pd.DataFrame, register: list[Claim], section: str, figure_links: Callable[[list[str]], str] | None = None
) -> str:
    """What the data say about one section's claims, one bullet per claim, in Markdown.

    Text taken from the register is escaped; ``figure_links`` turns figure
    names into links (see :func:`kzmv.story.back_matter.figure_links`).
    """
    from kzmv.story.back_matter import md_escape

    if section not in SECTIONS:
        raise PipelineError(f"unknown section {section!r}; sections: {', '.join(SECTIONS)}")
    rows = ledger.set_index("claim_id")
    ids = [c.claim_id for c in register if c.section == section]
    counts = rows.loc[ids, "verdict"].value_counts()
    parts = [
        f"{how} {int(counts[v])}"
        for v, how in (
            ("supported", "support"),
            ("partly supported", "partly support"),
            ("not supported", "contradict"),
            ("not testable", "cannot test"),
        )
        if v in counts
    ]
    listed = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
    noun = "claim" if len(ids) == 1 else "claims"
    lines = [f"Of the {len(ids)} {noun} behind this section, the data {listed}.", ""]
    for claim in (c for c in register if c.section == section):
        row = rows.loc[claim.claim_id]
        head = f"- **{claim.claim_id}, {row['verdict']}.** {md_escape(claim.claim)}"
        if row["verdict"] == "not testable":
            body = f" The source says *{md_escape(claim.claimed)}*. Not testable: {md_escape(claim.not_testable_reason or '')}"
        else:
            value = format_measured(row["measured"], claim.unit, claim.decimals)
            body = (
                f" The source says *{md_escape(claim.claimed)}*; the data give {value} "
                f"({md_escape(claim.unit)}, {md_escape(claim.period)})."
            )
        links = figure_links(claim.figures) if figure_links and claim.figures else ""
        lines.append(head + body + (f" See {links}." if links else ""))
    return "\n".join(lines)
