"""The ledger for readers: an HTML table and a Markdown paragraph per section of the argument.

Values are rounded once, here, at display; the CSV keeps them unrounded. The
``claimed`` column shows a quotation in quotation marks and marks a paraphrase
as one, so a reader can tell the source's words from the project's. Every cell
is escaped (HTML by :func:`html.escape`, Markdown by
:func:`kzmv.story.back_matter.md_escape`), since the text comes from data files.

The HTML is one ``<tr>`` per claim (``id="claim-<id>"``) with one ``<td>`` per
column, each carrying a ``data-label`` naming its column, so that the report's
stylesheet lays a row out as a card on a narrow screen without changing the
markup; its widths and type sizes are the stylesheet's too. The last column
links the figures the claim is read from.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping

import pandas as pd

from kzmv.analysis.claims import DEPENDS, NOT_TESTABLE, STRENGTHS, section_verdicts
from kzmv.data.claims_register import Claim
from kzmv.story.claims.ledger import band_text, claim_value
from kzmv.story.claims.wording import VERDICT_VERBS, share_words

DISPLAY_COLUMNS: dict[str, str] = {
    "claim_id": "id",
    "claim": "claim (our words)",
    "source": "source",
    "claimed": "the source says",
    "measured": "measured, as stated",
    "unit": "unit",
    "period": "period",
    "verdict": "verdict",
    "robustness": "across its specifications",
    "refuted_by": "refuted if",
    "evidence": "evidence",
    "note": "note",
}
FIGURES_COLUMN = "figures"  # the HTML's last column: a link to each figure the claim is read from
# Relative column widths of the ledger table (percent of the report column), so that long text wraps evenly.
LEDGER_WIDTHS: dict[str, int] = {
    "id": 4,
    "claim (our words)": 12,
    "source": 6,
    "the source says": 8,
    "measured, as stated": 7,
    "unit": 8,
    "period": 7,
    "verdict": 7,
    "across its specifications": 9,
    "refuted if": 9,
    "evidence": 7,
    "note": 10,
    FIGURES_COLUMN: 6,
}


def claimed_text(claimed: str, form: str) -> str:
    """The source's words in quotation marks, or a paraphrase marked as one."""
    return f"“{claimed}”" if form == "quote" else f"{claimed} (paraphrase)"


def verdict_text(verdict: str, test_kind: str) -> str:
    """The verdict as a reader sees it, with a consistency test marked as one (its verdict goes no higher)."""
    if test_kind == "consistency" and verdict != NOT_TESTABLE:
        return f"{verdict} (a test of consistency, not proof)"
    return verdict


def robustness_text(row: pd.Series) -> str:
    """ "all 9 specifications agree", or "5 of 9 specifications (56%) give consistent; flips on flow: exports"."""
    if row["verdict"] == NOT_TESTABLE:
        return ""
    n = int(row["specifications"])
    said = share_words(float(row["robust_share"]), n)
    if row["verdict"] == DEPENDS:
        return f"{said} give {row['modal_verdict']}; flips on {row['flips_on']}"
    return f"{said} agree" if said.startswith("all") else f"{said} give it"


def _cell(value: object) -> str:
    return value if isinstance(value, str) and value else "—"


def ledger_display(
    ledger: pd.DataFrame, register: list[Claim], short_sources: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """The ledger for reading: values and bands rounded once, quotes marked, verdicts labelled, sources shortened.

    ``short_sources`` maps a document key to a short citation ("Wahlang,
    MP-IDSA, 2023"); the CSV keeps the full label.
    """
    by_id = {c.claim_id: c for c in register}
    shown = ledger.copy()
    shown["claim"] = [f"{by_id[i].title}. {c}" for i, c in zip(shown["claim_id"], shown["claim"], strict=True)]
    shown["measured"] = [
        band_text(by_id[r.claim_id], r.measured, r.band_low, r.band_high) if pd.notna(r.measured) else ""
        for r in shown.itertuples()
    ]
    shown["claimed"] = [claimed_text(c, f) for c, f in zip(shown["claimed"], shown["claimed_form"], strict=True)]
    shown["robustness"] = [robustness_text(row) for _, row in ledger.iterrows()]
    kinds = shown["test_kind"].fillna("")
    shown["verdict"] = [verdict_text(v, k) for v, k in zip(shown["verdict"], kinds, strict=True)]
    shown["note"] = [
        " ".join(t for t in (n if isinstance(n, str) else "", f"Band: {b}" if isinstance(b, str) and b else "") if t)
        for n, b in zip(shown["note"], shown["band_basis"], strict=True)
    ]
    if short_sources:
        shown["source"] = [
            short_sources.get(by_id[i].source, s) for i, s in zip(shown["claim_id"], shown["source"], strict=True)
        ]
    # ids are long words: allow a line break after each underscore (zero-width space), not inside a name
    shown["evidence"] = shown["evidence"].fillna("").str.replace("; ", ", ").str.replace("_", "_\u200b")
    shown = shown[list(DISPLAY_COLUMNS)].rename(columns=DISPLAY_COLUMNS)
    return shown.map(_cell)


def ledger_html(
    ledger: pd.DataFrame,
    register: list[Claim],
    short_sources: Mapping[str, str] | None = None,
    present: set[str] | None = None,
) -> str:
    """The ledger as an HTML table: one row per claim, one cell per column labelled by ``data-label``, all escaped.

    The last column links each figure the claim is read from that is drawn
    (``present``, by default the published figures): ``<a href="#fig-<name>">Figure</a>``,
    which the report numbers as it numbers Markdown links.
    """
    from kzmv.data import outputs

    shown = ledger_display(ledger, register, short_sources)
    drawn = present if present is not None else outputs.figure_names()
    figures = {c.claim_id: [f for f in c.figures if f in drawn] for c in register}
    esc = html.escape
    columns = [*shown.columns, FIGURES_COLUMN]
    cols = "".join(f'<col style="width: {LEDGER_WIDTHS[c]}%">' for c in columns)
    head = "".join(f'<th scope="col">{esc(c)}</th>' for c in columns)
    rows = []
    for i, row in enumerate(shown.itertuples(index=False)):
        claim_id = str(ledger["claim_id"].iloc[i])
        links = ", ".join(f'<a href="#fig-{esc(name)}">Figure</a>' for name in figures.get(claim_id, [])) or "—"
        cells = "".join(
            f'<td data-label="{esc(c)}">{esc(str(v))}</td>' for c, v in zip(shown.columns, row, strict=True)
        )
        rows.append(f'<tr id="claim-{esc(claim_id)}">{cells}<td data-label="{FIGURES_COLUMN}">{links}</td></tr>')
    return (
        f'<table class="kzmv-table claims-ledger"><colgroup>{cols}</colgroup>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _listing(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def section_markdown(
    ledger: pd.DataFrame, register: list[Claim], section: str, figure_links: Callable[[list[str]], str] | None = None
) -> str:
    """What the data say about one section's claims, one bullet per claim, in Markdown.

    ``figure_links`` turns figure names into links (see
    :func:`kzmv.story.back_matter.figure_links`).
    """
    from kzmv.story.back_matter import md_escape

    rows = ledger.set_index("claim_id")
    verdicts = section_verdicts(ledger, register, section)
    ids = list(verdicts.index)
    counts = verdicts.value_counts()
    order = [*STRENGTHS, DEPENDS, NOT_TESTABLE]
    listed = _listing([f"{VERDICT_VERBS[v]} {int(counts[v])}" for v in order if v in counts])
    noun = "claim" if len(ids) == 1 else "claims"
    lines = [f"Of the {len(ids)} {noun} behind this section, the data {listed}.", ""]
    for claim in (c for c in register if c.section == section):
        row = rows.loc[claim.claim_id]
        kind = row["test_kind"] if isinstance(row["test_kind"], str) else ""
        head = f"- **{claim.claim_id}, {verdict_text(row['verdict'], kind)}.** {md_escape(claim.claim)}"
        says = md_escape(claimed_text(claim.claimed, claim.claimed_form))
        if row["verdict"] == NOT_TESTABLE:
            reason = claim.not_testable_reason or (row["note"] if isinstance(row["note"], str) else "")
            body = f" The source says {says}. Not testable: {md_escape(reason)}"
        else:
            value, band = claim_value(claim, row["measured"]), band_text(claim, None, row["band_low"], row["band_high"])
            body = (
                f" The source says {says}; as stated, the data give {value} ({md_escape(claim.unit)}, "
                f"{md_escape(claim.period)}{'; band ' + band if band else ''}), {row['verdict_as_stated']}. Across "
                f"its specifications: {md_escape(robustness_text(row))}."
            )
        links = figure_links(claim.figures) if figure_links and claim.figures else ""
        lines.append(head + body + (f" See {links}." if links else ""))
    return "\n".join(lines)
