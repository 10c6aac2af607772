"""The report's back matter as Markdown: data and methods, bibliography, downloads.

Why generated rather than written: the list of sources, their licences and
caveats already live in ``data/sources.yml`` (with checksums), the partner
groups in ``data/groups.csv`` and the published files in the output folders.
Writing them out again by hand would let the report drift from the data it was
built from. Everything here returns Markdown that the notebook displays with
:func:`kzmv.story.display.say`; the report renders it with HTML switched off, and
strings taken from data files are escaped here so that a stray ``*`` or ``[``
in a caveat cannot change the formatting.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd

from kzmv.analysis.claims import ROBUST_SHARE, STRENGTHS
from kzmv.data import outputs
from kzmv.data.bibliography import Bibliography, Document
from kzmv.data.claims_register import TOLERANCE_FACTORS
from kzmv.data.manifest import Source
from kzmv.data.tables import load_dictionary
from kzmv.story.numbers import as_stated
from kzmv.story.prose import number_word

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


def md_escape(text: str) -> str:
    """Backslash-escape the characters that Markdown would read as formatting."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def md_url(url: str) -> str:
    """A web address as code, not a link: the report is self-contained and links only within itself."""
    return f"`{url.replace('`', '%60')}`"


# --------------------------------------------------------------------------- bibliography


def human_date(text: str) -> str:
    """``2023-01-03`` -> ``3 January 2023``; anything else is returned as it is."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return text
    return f"{day.day} {day:%B %Y}"


def source_label(doc: Document) -> str:
    """Document, outlet and date in one line, for the ledger's ``source`` column."""
    if not doc.title and not doc.authors and not doc.outlet:
        return f"{doc.container or 'Document'} (title, author and publisher not given in the copy), {doc.date}"
    who = ", ".join(doc.authors) or "author not stated"
    title = f"“{doc.title}”" if doc.title else "untitled copy"
    where = doc.outlet or "publisher not stated"
    kind = f"{doc.container}, " if doc.container else ""
    return f"{who}, {title}, {kind}{where}, {human_date(doc.date)}"


def source_labels(bib: Bibliography) -> dict[str, str]:
    """Each document's one-line label (:func:`source_label`) by its key, for the ledger's ``source`` column."""
    return {d.key: source_label(d) for d in bib.documents}


def document_entry(doc: Document) -> str:
    """A bibliography entry in Markdown (escaped), with the gaps in the copy stated."""
    parts = [md_escape(source_label(doc))]
    if doc.url:
        parts.append(md_url(doc.url))
    text = ". ".join(parts) + "."
    extras = [md_escape(x) for x in (doc.reprint, doc.note) if x]
    if extras:
        text += " " + " ".join(e if e.endswith(".") else e + "." for e in extras)
    return text


def bibliography_markdown(bib: Bibliography, manifest: dict[str, Source]) -> str:
    """The documents, then each data publisher with the citation of each of its files."""
    lines = ["**Documents discussed**", ""]
    lines += [f"- {document_entry(doc)}" for doc in sorted(bib.documents, key=lambda d: d.short)]
    lines += ["", "**Data**", ""]
    for pub in bib.publishers:
        head = md_escape(pub.name) + (f" ({md_url(pub.url)})" if pub.url else "")
        lines.append(f"- {head}")
        for sid in pub.sources:
            lines.append(f"    - {md_escape(manifest[sid].citation)} Licence: {md_escape(manifest[sid].licence)}.")
    return "\n".join(lines)


# --------------------------------------------------------------------------- data and methods


def source_markdown(source: Source) -> str:
    """One raw file: title, id, publisher, licence, coverage, unit and every caveat."""
    lines = [
        f"- **{md_escape(source.title)}** (`{source.id}`)",
        f"    - Publisher: {md_escape(source.publisher)}",
        f"    - Licence: {md_escape(source.licence)}",
        f"    - Coverage: {md_escape(source.coverage)}; unit: {md_escape(source.unit)}",
        f"    - Origin: {md_url(source.origin_url)}" if source.origin_url.startswith("http") else None,
        "    - Caveats:",
    ]
    lines += [f"        - {md_escape(c)}" for c in source.caveats]
    return "\n".join(line for line in lines if line is not None)


def sources_markdown(manifest: dict[str, Source], bib: Bibliography | None = None) -> str:
    """Every source in the manifest, grouped by publisher when a bibliography is given."""
    if bib is None:
        return "\n".join(source_markdown(s) for s in manifest.values())
    blocks = []
    for pub in bib.publishers:
        blocks.append(f"**{md_escape(pub.name)}**\n")
        blocks.append("\n".join(source_markdown(manifest[sid]) for sid in pub.sources) + "\n")
    return "\n".join(blocks)


def groups_markdown(groups: pd.DataFrame, order: tuple[str, ...]) -> str:
    """Which partners make up each named group (from ``data/groups.csv``); "Other" is counted only."""
    lines = []
    for group in order:
        members = groups.loc[groups["group"] == group, "name"].sort_values()
        if group == "Other":
            lines.append(f"- **Other**: the remaining {len(members)} partners of the project's table of groups.")
        else:
            lines.append(f"- **{md_escape(group)}**: {md_escape(', '.join(members))}.")
    return "\n".join(lines)


# --------------------------------------------------------------------------- how a verdict is reached


def verdict_method_markdown(tolerance_pct: float) -> str:
    """How the argument turns a sentence of a source into a verdict, in plain words, for the appendix.

    Why here and generated: the argument's own text is about the argument; the
    method belongs with the data and methods, said once, without a file or module
    name, and its numbers (the share of specifications that makes a verdict
    robust, the tolerance and its half and double) come from the code that applies
    them, so the words cannot drift from the rules.
    """
    low, high = (as_stated(tolerance_pct * TOLERANCE_FACTORS[k]) for k in ("half", "twice"))
    robust = as_stated(100 * ROBUST_SHARE)
    return "\n\n".join(
        [
            "**From a sentence to a test.** Each checkable claim of the three pieces is restated in our own words, "
            "with the source's wording beside it, quoted in quotation marks or marked as a paraphrase, and with "
            "the years it speaks of. A claim the data can reach is turned into one number computed from the "
            "report's tables, and a rule for comparing that number with the claim: close to a stated level, above "
            "or below a threshold (a rise, a lead, a share), or equal to a count. Each claim also says what result "
            "would have refuted it.",
            "**Periods.** A claim is tested on data of the years it speaks of. When the data end before those "
            "years begin, the claim is not testable, whatever its test: an older figure cannot answer a question "
            "about a later year, and the claim is tested in the first run whose data reach its period. A claim "
            "about the present of an older piece is read on the latest figures its author could have had.",
            "**Every reasonable way of testing it.** One test under one set of analysis choices is one verdict "
            "among those a careful reader could reach. So each claim comes with the choices such a reader would "
            "accept (the base year or window, a group as a bloc or country by country, the flow, a country's own "
            "record or its partner's, the benchmark, the tolerance), and it is tested under every combination of "
            "them, each a *specification*; the claim as its source states it is one of them (Simonsohn, Simmons "
            "and Nelson, 2020; Steegen and colleagues, 2016).",
            "**The measure's own uncertainty.** Where the source states it (the posterior quantiles of an "
            "estimate), where two records or vintages of one figure exist (a first release and a revision, two "
            "publishers of one series, two readings of a comparison, the two bounds of an unknown vote), or where "
            "the claim itself is rounded, the number carries a *band*. For some thresholds a margin beyond the "
            "threshold is also declared, in which the data cannot decide either (a placebo rank just beyond the "
            "usual level of significance, two ledgers of one flow that differ by their usual valuation gap).",
            f"**{number_word(len(STRENGTHS)).capitalize()} verdicts.** Each specification gets one: *supported* when the whole band lies on the claim's "
            "side of the threshold or within the claimed level's zone; *consistent*, the highest a test of "
            "something the claim implies can reach, since such a test can agree with a claim but never prove it; "
            "*indeterminate* when the band straddles the threshold or reaches into its margin; *not supported* "
            "when the data fall short by no more than the tolerance; *contradicted* when they point the other "
            "way, beyond the band and the tolerance. The tolerance is a share of the claimed value, "
            f"{as_stated(tolerance_pct)}% in this run, and every claim whose rule has slack is also judged at "
            f"{low}% and at {high}%.",
            f"**How many specifications agree.** A claim's verdict is the one at least {robust}% of its "
            "specifications give, and it is then called robust; otherwise it *depends on the choices*, and the "
            "ledger names the choice under which it flips.",
            "**Tests that could fail.** A test that passes whatever the data say is no test. For every tested "
            "claim, the project's tests feed each of its specifications data that should refute it, and check that "
            "they do, and data that should support it; a test whose verdict followed from another claim's number, "
            "or passed in every year by construction, was replaced by one that can fail in the direction the claim "
            "would.",
        ]
    )


# --------------------------------------------------------------------------- downloads


def licence_notes(dictionary: dict | None = None) -> dict[str, str]:
    """``{"<table>.csv": note}`` for the processed tables whose dictionary entry carries a ``licence_note``.

    A raw file whose licence forbids republishing it whole (SIPRI's register) may reach
    the downloads only as the aggregates the report uses; the note says so next to the link.
    """
    tables = dictionary if dictionary is not None else load_dictionary()
    return {f"{name}.csv": entry["licence_note"] for name, entry in tables.items() if entry.get("licence_note")}


def downloads_markdown(
    processed: Path | None = None, figures: Path | None = None, notes: dict[str, str] | None = None
) -> str:
    """Links to every processed CSV and every figure present now, sorted, relative to ``report/``.

    Which files are present is the data layer's answer (:mod:`kzmv.data.outputs`,
    by default for the published folders). A table with a licence note
    (``notes``, by default from ``data/dictionary.yml``) carries it after its
    link, and the list says why some tables are extracts.
    """
    notes = licence_notes() if notes is None else notes
    tables = outputs.table_files(processed)
    stems = outputs.figure_files(figures)
    lines = ["**Tables** (CSV, each documented column by column in data\\_dictionary.csv, itself below)", ""]
    if any(name in notes for name in tables):
        lines += [
            "Some raw files may not be republished whole: SIPRI's terms, for one, allow reproducing less than a "
            "tenth of its register. The tables built from them hold only what the report uses, as noted below; the "
            "raw files themselves are never part of the downloads.",
            "",
        ]
    lines += [
        f"- [{md_escape(name)}](../data/processed/{name})" + (f": {md_escape(notes[name])}" if name in notes else "")
        for name in tables
    ] or ["- none"]
    lines += ["", "**Figures** (SVG and PNG)", ""]
    for stem, suffixes in stems.items():
        links = [f"[{suffix.upper()}](../figures/{stem}.{suffix})" for suffix in suffixes]
        lines.append(f"- {md_escape(stem)}: {', '.join(links)}")
    if not stems:
        lines.append("- none")
    return "\n".join(lines)


def figure_links(names: list[str], present: set[str] | None = None) -> str:
    """Markdown links to figures by their HTML id (``#fig-<name>``), only for figures that exist.

    Each reads ``[Figure](#fig-<name>)``, which the report renders as "Figure N", N the
    figure's number in reading order (kzmv.engine.render), so no number is typed here.
    """
    present = present if present is not None else outputs.figure_names()
    links = [f"[Figure](#fig-{n})" for n in names if n in present]
    return ", ".join(links)


def see_figures(names: list[str], present: set[str] | None = None) -> str:
    """The sentence " See <links>." for the figures of ``names`` that exist, or "" if none exist."""
    links = figure_links(names, present)
    return f" See {links}." if links else ""
