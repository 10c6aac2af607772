"""The ledger for readers: an HTML table and a Markdown paragraph per section of the argument.

Values are rounded once, here, at display; the CSV keeps them unrounded. The
``claimed`` column shows a quotation in quotation marks and marks a paraphrase
as one, so a reader can tell the source's words from the project's. Text taken
from the register is escaped (HTML by the Styler, Markdown by
:func:`kzmv.story.back_matter.md_escape`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd

from kzmv.analysis.claims import section_verdicts
from kzmv.data.claims_register import Claim
from kzmv.story.claims.ledger import claim_value
from kzmv.story.claims.wording import CONSISTENCY_WORDS, verdict_word

DISPLAY_COLUMNS: dict[str, str] = {
    "claim_id": "id",
    "claim": "claim (our words)",
    "source": "source",
    "claimed": "the source says",
    "measured": "measured",
    "unit": "unit",
    "period": "period",
    "verdict": "verdict",
    "refuted_by": "refuted if",
    "evidence": "evidence",
    "note": "note",
}
# Relative column widths of the ledger table (percent of the report column), so that long text wraps evenly.
LEDGER_WIDTHS: dict[str, int] = {
    "id": 4,
    "claim (our words)": 14,
    "source": 7,
    "the source says": 9,
    "measured": 6,
    "unit": 10,
    "period": 6,
    "verdict": 8,
    "refuted if": 11,
    "evidence": 9,
    "note": 16,
}


def claimed_text(claimed: str, form: str) -> str:
    """The source's words in quotation marks, or a paraphrase marked as one."""
    return f"“{claimed}”" if form == "quote" else f"{claimed} (paraphrase)"


def verdict_text(verdict: str, fragility: str, test_kind: str) -> str:
    """The verdict as a reader sees it: a consistency test says "consistent" or "not consistent", never "supported".

    The CSV keeps the four verdicts of the rules (so that counts stay one
    vocabulary); here a test of something the claim implies is worded as what it
    can show, agreement or its absence, and marked "not proof", with the fragile label.
    """
    consistency = test_kind == "consistency" and verdict in CONSISTENCY_WORDS
    words = verdict_word(verdict, test_kind)
    labels = [
        w
        for w, on in (("fragile", fragility.startswith("fragile")), ("a test of consistency, not proof", consistency))
        if on
    ]
    return words + (f" ({', '.join(labels)})" if labels else "")


def ledger_display(
    ledger: pd.DataFrame, register: list[Claim], short_sources: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """The ledger for reading: values rounded once, quotes marked, verdicts labelled, sources shortened.

    ``short_sources`` maps a document key to a short citation ("Wahlang,
    MP-IDSA, 2023"); the CSV keeps the full label.
    """
    by_id = {c.claim_id: c for c in register}
    shown = ledger.copy()
    shown["measured"] = [claim_value(by_id[i], v) for i, v in zip(shown["claim_id"], shown["measured"], strict=True)]
    shown["claimed"] = [claimed_text(c, f) for c, f in zip(shown["claimed"], shown["claimed_form"], strict=True)]
    fragility, kind = shown["fragility"].fillna(""), shown["test_kind"].fillna("")
    shown["verdict"] = [verdict_text(v, f, k) for v, f, k in zip(shown["verdict"], fragility, kind, strict=True)]
    shown["note"] = [
        " ".join(t for t in (n if isinstance(n, str) else "", f[0].upper() + f[1:] + "." if f else "") if t)
        for n, f in zip(shown["note"], fragility, strict=True)
    ]
    if short_sources:
        shown["source"] = [
            short_sources.get(by_id[i].source, s) for i, s in zip(shown["claim_id"], shown["source"], strict=True)
        ]
    # ids are long words: allow a line break after each underscore (zero-width space), not inside a name
    shown["evidence"] = shown["evidence"].fillna("").str.replace("; ", ", ").str.replace("_", "_\u200b")
    shown = shown[list(DISPLAY_COLUMNS)].rename(columns=DISPLAY_COLUMNS)
    return shown.fillna("—").replace("", "—")


def ledger_html(ledger: pd.DataFrame, register: list[Claim], short_sources: Mapping[str, str] | None = None) -> str:
    """The ledger as an HTML table (pandas Styler); every cell is escaped, since the text comes from data files."""
    shown = ledger_display(ledger, register, short_sources)
    styles = [
        {"selector": "", "props": "table-layout: fixed; width: 100%; font-size: 0.74rem;"},
        {"selector": "th, td", "props": "vertical-align: top; text-align: left; padding: 0.3em 0.35em;"},
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


VERDICT_VERBS = (
    ("supported", "support"),
    ("partly supported", "partly support"),
    ("not supported", "contradict"),
    ("not testable", "cannot test"),
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
    listed = _listing([f"{how} {int(counts[v])}" for v, how in VERDICT_VERBS if v in counts])
    noun = "claim" if len(ids) == 1 else "claims"
    lines = [f"Of the {len(ids)} {noun} behind this section, the data {listed}.", ""]
    for claim in (c for c in register if c.section == section):
        row = rows.loc[claim.claim_id]
        fragility = row["fragility"] if isinstance(row["fragility"], str) else ""
        kind = row["test_kind"] if isinstance(row["test_kind"], str) else ""
        head = f"- **{claim.claim_id}, {verdict_text(row['verdict'], fragility, kind)}.** {md_escape(claim.claim)}"
        says = md_escape(claimed_text(claim.claimed, claim.claimed_form))
        if row["verdict"] == "not testable":
            body = f" The source says {says}. Not testable: {md_escape(claim.not_testable_reason or '')}"
        else:
            value = claim_value(claim, row["measured"])
            body = (
                f" The source says {says}; the data give {value} ({md_escape(claim.unit)}, {md_escape(claim.period)})."
            )
            if fragility.startswith("fragile"):
                body += f" {md_escape(fragility[0].upper() + fragility[1:])}."
        links = figure_links(claim.figures) if figure_links and claim.figures else ""
        lines.append(head + body + (f" See {links}." if links else ""))
    return "\n".join(lines)
