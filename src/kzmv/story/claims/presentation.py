"""The ledger for readers: an HTML table and a Markdown paragraph per section of the argument.

Values are rounded once, here, at display; the CSV keeps them unrounded. The
``claimed`` column shows a quotation in quotation marks and marks a paraphrase
as one, so a reader can tell the source's words from the project's. Text taken
from the register is escaped (HTML by :func:`html.escape`, Markdown by
:func:`kzmv.story.back_matter.md_escape`).

The table is one ``<tr>`` per claim (``id="claim-<id>"``) with a ``data-label``
on every ``<td>`` naming its column: on a narrow screen the report's stylesheet
lays each row out as a card, each cell under its label, and the wide table
stays for wide screens and the PDF's annex.
"""

from __future__ import annotations

import html
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
FIGURES_COLUMN = "figures"  # the ledger's HTML adds a link to each figure a claim is read from
# Relative column widths of the ledger table (percent of the report column), so that long text wraps evenly.
LEDGER_WIDTHS: dict[str, int] = {
    "id": 4,
    "claim (our words)": 13,
    "source": 7,
    "the source says": 9,
    "measured": 6,
    "unit": 9,
    "period": 8,
    "verdict": 8,
    "refuted if": 10,
    "evidence": 8,
    "note": 12,
    FIGURES_COLUMN: 6,
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


def ledger_html(
    ledger: pd.DataFrame,
    register: list[Claim],
    short_sources: Mapping[str, str] | None = None,
    present: set[str] | None = None,
) -> str:
    """The ledger as an HTML table: one row per claim, every cell escaped and labelled with its column.

    The text comes from data files, so every cell is escaped. The last column
    links each figure the claim is read from that is drawn (``present``, by
    default the published figures): ``<a href="#fig-<name>">Figure</a>``, which
    the report numbers as it numbers Markdown links.
    """
    from kzmv.data import outputs

    shown = ledger_display(ledger, register, short_sources)
    drawn = present if present is not None else outputs.figure_names()
    figures = {c.claim_id: [f for f in c.figures if f in drawn] for c in register}
    columns = [*shown.columns, FIGURES_COLUMN]
    esc = html.escape
    cols = "".join(f'<col style="width: {LEDGER_WIDTHS.get(c, 6)}%">' for c in columns)
    head = "".join(f'<th scope="col">{esc(c)}</th>' for c in columns)
    rows = []
    for values in shown.itertuples(index=False):
        claim_id = str(values[0])
        links = ", ".join(f'<a href="#fig-{esc(name)}">Figure</a>' for name in figures.get(claim_id, [])) or "—"
        cells = [f'<td data-label="{esc(c)}">{esc(str(v))}</td>' for c, v in zip(shown.columns, values, strict=True)]
        cells.append(f'<td data-label="{FIGURES_COLUMN}">{links}</td>')
        rows.append(f'<tr id="claim-{esc(claim_id)}">{"".join(cells)}</tr>')
    return (
        f'<table class="kzmv-table claims-ledger"><colgroup>{cols}</colgroup>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


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
