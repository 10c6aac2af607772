"""The scorecard's own robustness in words: does "Russia leads k of n vectors" survive its choices?

Why a module of its own: the politics and security chapter shows the variants
beside the scorecard, and the argument reports them beside claim B14 (Russia
ahead of every other partner), so both chapters word the same table
(:func:`kzmv.analysis.vectors.variant_summary`) the same way, from here.
"""

from __future__ import annotations

import pandas as pd

# The variant the published scorecard is: each vector's latest year, groups as blocs, the nearest ideal point.
PUBLISHED = ("latest", "bloc", "ideal point")
CHOICE_WORDS: dict[str, dict[str, str]] = {
    "years": {"latest": "each vector's latest year", "common year": "one common year"},
    "reading": {"bloc": "partner groups as blocs", "country": "single countries"},
    "votes": {"ideal point": "the nearest ideal point", "Ukraine votes": "agreement on the Ukraine votes"},
}
CHOICES = ("years", "reading", "votes")


def variants_display(summary: pd.DataFrame) -> pd.DataFrame:
    """The variants for a reader: the three choices in words, Russia's count, who leads the rest, the years."""
    shown = pd.DataFrame(
        {
            "years": [CHOICE_WORDS["years"][v] for v in summary["years"]],
            "partners": [CHOICE_WORDS["reading"][v] for v in summary["reading"]],
            "UN vector": [CHOICE_WORDS["votes"][v] for v in summary["votes"]],
            "Russia leads": [f"{r.led_by_russia} of {r.vectors_with_data}" for r in summary.itertuples()],
            "another partner leads": summary["not_led_by_russia"].replace("", "none"),
            "years compared": summary["periods"],
        }
    )
    return shown


def _key(row: pd.Series | tuple) -> tuple[str, str, str]:
    return (row.years, row.reading, row.votes)  # type: ignore[union-attr]


def _vectors(listing: str) -> set[str]:
    """The vectors named in a "vector (leader); ..." listing."""
    return {part.rsplit(" (", 1)[0] for part in listing.split("; ") if part}


def leader_of(listing: str, vector: str) -> str:
    """The leader a "vector (leader); ..." listing names for ``vector``."""
    for part in listing.split("; "):
        name, _, leader = part.rpartition(" (")
        if name == vector:
            return leader.removesuffix(")")
    raise ValueError(f"no vector {vector!r} in {listing!r}")


def variants_paragraph(summary: pd.DataFrame) -> str:
    """Whether the published count survives each choice changed alone, and across every variant.

    The published scorecard is one of the variants; each sentence changes one
    choice from it, so the reader sees which choice moves the count.
    """
    by_key = {_key(r): r for r in summary.itertuples()}
    if PUBLISHED not in by_key:
        raise ValueError("the variants do not include the published scorecard (latest years, blocs, ideal points)")
    base = by_key[PUBLISHED]
    count = f"{base.led_by_russia} of {base.vectors_with_data}"
    moves = []
    for i, choice in enumerate(CHOICES):
        for other, words in CHOICE_WORDS[choice].items():
            if other == PUBLISHED[i]:
                continue
            key = tuple(other if j == i else v for j, v in enumerate(PUBLISHED))
            row = by_key.get(key)  # type: ignore[arg-type]
            if row is None:
                continue
            same = row.led_by_russia == base.led_by_russia and row.vectors_with_data == base.vectors_with_data
            lost = _vectors(row.not_led_by_russia) - _vectors(base.not_led_by_russia)
            gained = _vectors(base.not_led_by_russia) - _vectors(row.not_led_by_russia)
            change = "; ".join(
                [f"{leader_of(row.not_led_by_russia, v)} leads {v}" for v in sorted(lost)]
                + [f"Russia leads {v}" for v in sorted(gained)]
            )
            moves.append(
                f"with {words} instead, Russia leads {row.led_by_russia} of {row.vectors_with_data}"
                + (" (the count survives)" if same else f" ({change})")
            )
    survive = [
        r
        for r in summary.itertuples()
        if (r.led_by_russia, r.vectors_with_data) == (base.led_by_russia, base.vectors_with_data)
    ]
    everywhere = all(r.led_by_russia == r.vectors_with_data for r in summary.itertuples())
    low, high = int(summary["led_by_russia"].min()), int(summary["led_by_russia"].max())
    return (
        f"The published scorecard (each vector's latest year, partner groups as blocs, the nearest ideal point) has "
        f"Russia leading {count} vectors. Changing one choice at a time: {'; '.join(moves)}. Across all "
        f'{len(summary)} variants Russia leads between {low} and {high} vectors, and "Russia leads {count}" '
        f"survives in {len(survive)} of them"
        + (
            ", so Russia leads every vector in every variant."
            if everywhere
            else ", so in no variant does it lead them all."
        )
    )


def led_everywhere(summary: pd.DataFrame) -> bool:
    """Whether Russia leads every vector with data in every variant."""
    return bool((summary["led_by_russia"] == summary["vectors_with_data"]).all())


def variant_counts(summary: pd.DataFrame) -> dict[str, int]:
    """Russia's count in each variant, keyed "years / reading / votes", for the notebook's record."""
    return {" / ".join(_key(r)): int(r.led_by_russia) for r in summary.itertuples()}
