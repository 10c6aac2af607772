"""How Kazakhstan votes at the UN: ideal points, distances, and the Ukraine resolutions.

Pure functions on DataFrames. Two things make these data easy to misread, and both
are handled here rather than in prose:

* **An ideal point is a relative position, not an opinion.** Voeten's estimates place
  every member on the General Assembly's main voting dimension each year (a higher
  score is closer to the United States in these years). The distance between two
  countries shrinks when *either* moves, so every distance comes with the two
  positions it is made of (:func:`who_moved`), and every change with the posterior
  band that says whether it is larger than the estimate's uncertainty.
* **A vote that no page states is unknown.** The Ukraine votes were transcribed from
  pages; a gap is a gap, never an abstention. The grid has five states (in favour,
  against, abstained, absent, unknown) and each transcribed vote keeps its source and
  how firm it is (stated, inferred, weak source, conflict resolved).

Series use the final-passage estimate (``idealpointfp``) throughout: the all-votes
estimate stops in 2023, and mixing the two would put a break in 2024. The key is
``(ccode, year)``: ``iso3c`` repeats for the two Yemens and is blank in stub rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kzmv.analysis.trade import BASE_YEAR, recordable
from kzmv.errors import PipelineError

FOCUS = "KAZ"
# The three poles every country is measured against.
REFERENCES: tuple[str, ...] = ("RUS", "CHN", "USA")
# The benchmark of alignment with Russia: its closest ally in the Assembly.
ALIGNMENT_BENCHMARK = "BLR"
# Partners whose position the scorecard compares for the "UN votes" vector (house groups in brackets).
VOTE_PARTNERS: dict[str, str] = {"RUS": "Russia", "CHN": "China", "USA": "USA", "TUR": "Turkey"}
# Kazakhstan's first year as a UN member (admitted March 1992): the earliest first_year.
FIRST_MEMBER_YEAR = 1992
# The last year before the full-scale invasion: the base of "since the war" comparisons (the report's one).
PRE_WAR_YEAR = BASE_YEAR

ESTIMATE = "idealpointfp"
LOWER, UPPER = "q5fp", "q95fp"
# The Stata file stores single precision (about seven significant digits): six decimals keep
# every digit it has and drop the binary noise a float64 would print.
DECIMALS = 6

IDEAL_POINT_COLUMNS = ["iso3", "country", "ccode", "year", "ideal_point", "lower_5", "upper_95", "n_votes"]
DISTANCE_COLUMNS = ["iso3", "country", "reference_iso3", "reference", "year", "distance", "bands_overlap"]


def tidy_ideal_points(raw: pd.DataFrame, countries: Sequence[str], first_year: int, last_year: int) -> pd.DataFrame:
    """Final-passage ideal points with their 5-95% posterior band for ``countries``, one row per country-year.

    Rows are chosen by ``iso3c`` but keyed by ``(ccode, year)``; a code held by two
    Correlates-of-War states in the years asked for (only YAR, 1967-1989) is refused
    rather than mixed. A country-year without an estimate stays missing.
    """
    rows = raw[raw["iso3c"].isin(list(countries)) & raw["year"].between(first_year, last_year)]
    shared = rows.groupby(["iso3c", "year"])["ccode"].nunique()
    if (shared > 1).any():
        code, year = shared[shared > 1].index[0]
        raise PipelineError(f"ideal points: {code} {year} belongs to two states (ccodes differ); choose by ccode")
    missing = sorted(set(countries) - set(rows["iso3c"]))
    if missing:
        raise PipelineError(f"ideal points: no estimate for {', '.join(missing)} in {first_year}-{last_year}")
    out = pd.DataFrame(
        {
            "iso3": rows["iso3c"].astype(str),
            "country": rows["countryname"].astype(str),
            "ccode": rows["ccode"].astype("int64"),
            "year": rows["year"].astype("int64"),
            "ideal_point": rows[ESTIMATE].astype("float64").round(DECIMALS),
            "lower_5": rows[LOWER].astype("float64").round(DECIMALS),
            "upper_95": rows[UPPER].astype("float64").round(DECIMALS),
            "n_votes": rows["nvotesfp"].astype("Int64"),
        }
    )
    order = {c: i for i, c in enumerate(countries)}
    out = out.sort_values(["iso3", "year"], key=lambda s: s.map(order) if s.name == "iso3" else s, kind="stable")
    return out[IDEAL_POINT_COLUMNS].reset_index(drop=True)


def positions(ideal: pd.DataFrame, column: str = "ideal_point") -> pd.DataFrame:
    """A year x country table of ``column`` (ideal point or a band edge)."""
    return ideal.pivot(index="year", columns="iso3", values=column)


def distances(ideal: pd.DataFrame, references: Sequence[str] = REFERENCES) -> pd.DataFrame:
    """The absolute distance of every country to each reference, per year, and whether their bands overlap.

    Overlapping 5-95% bands mean the data cannot tell the two positions apart in that
    year. A reference is not measured against itself.
    """
    point, low, high = positions(ideal), positions(ideal, "lower_5"), positions(ideal, "upper_95")
    names = ideal.drop_duplicates("iso3").set_index("iso3")["country"]
    frames = []
    for ref in references:
        if ref not in point.columns:
            raise PipelineError(f"ideal points: reference country {ref} is not among the countries read")
        for iso3 in point.columns:
            if iso3 == ref:
                continue
            overlap = (low[iso3] <= high[ref]) & (low[ref] <= high[iso3])
            frame = pd.DataFrame(
                {
                    "iso3": iso3,
                    "country": names[iso3],
                    "reference_iso3": ref,
                    "reference": names[ref],
                    "year": point.index.astype("int64"),
                    "distance": (point[iso3] - point[ref]).abs().round(DECIMALS).to_numpy(),
                    "bands_overlap": overlap.where(point[iso3].notna() & point[ref].notna()).to_numpy(),
                }
            )
            frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    out["bands_overlap"] = out["bands_overlap"].astype("boolean")
    return out[DISTANCE_COLUMNS]


def distance_series(dist: pd.DataFrame, iso3: str, reference: str) -> pd.Series:
    """``iso3``'s distance to ``reference`` by year."""
    one = dist[(dist["iso3"] == iso3) & (dist["reference_iso3"] == reference)]
    return one.set_index("year")["distance"]


def who_moved(ideal: pd.DataFrame, iso3: str, reference: str, start: int, end: int) -> dict[str, float]:
    """How a distance changed between two years, split into the two countries' own moves.

    ``change`` is the change in distance; ``moved_self`` and ``moved_reference`` are each
    country's change in position. When the reference moved more than the country did,
    a shrinking distance says more about the reference than about the country.
    """
    point = positions(ideal)
    a0, a1 = point.at[start, iso3], point.at[end, iso3]
    b0, b1 = point.at[start, reference], point.at[end, reference]
    return {
        "distance_start": abs(a0 - b0),
        "distance_end": abs(a1 - b1),
        "change": abs(a1 - b1) - abs(a0 - b0),
        "moved_self": a1 - a0,
        "moved_reference": b1 - b0,
        "self_start": a0,
        "self_end": a1,
        "reference_start": b0,
        "reference_end": b1,
    }


def move_towards(ideal: pd.DataFrame, iso3: str, reference: str, start: int, end: int) -> float:
    """How far ``iso3`` itself moved towards where ``reference`` stood in ``start`` (negative: away from it).

    The distance between two countries shrinks when either moves; this is the part of
    the change that is ``iso3``'s own doing, measured along the one dimension in the
    direction of the reference's starting position. A claim about what a country did
    (aligning, distancing) is tested on this, not on the distance.
    """
    point = positions(ideal)
    missing = [c for c in (iso3, reference) if c not in point.columns] + [
        y for y in (start, end) if y not in point.index
    ]
    if missing:
        raise PipelineError(f"ideal points: {', '.join(map(str, missing))} not in the table read")
    m = who_moved(ideal, iso3, reference, start, end)
    if any(pd.isna(v) for v in (m["self_start"], m["self_end"], m["reference_start"])):
        raise PipelineError(f"ideal points: no estimate for {iso3} or {reference} in {start} or {end}")
    side = 1.0 if m["reference_start"] >= m["self_start"] else -1.0
    return float(side * m["moved_self"])


def change_is_real(ideal: pd.DataFrame, iso3: str, start: int, end: int) -> bool:
    """True when the 5-95% bands of the two years do not overlap: the move exceeds the uncertainty."""
    one = ideal[ideal["iso3"] == iso3].set_index("year")
    a, b = one.loc[start], one.loc[end]
    return bool(a["upper_95"] < b["lower_5"] or b["upper_95"] < a["lower_5"])


def closest_reference(dist: pd.DataFrame, iso3: str, year: int, references: Sequence[str]) -> pd.Series:
    """``iso3``'s distances to ``references`` in ``year``, closest first (missing last)."""
    one = dist[(dist["iso3"] == iso3) & (dist["year"] == year) & dist["reference_iso3"].isin(list(references))]
    return one.set_index("reference_iso3")["distance"].sort_values(na_position="last", kind="stable")


def latest_year(ideal: pd.DataFrame, iso3: str = FOCUS) -> int:
    """The latest year with an estimate for ``iso3``."""
    return int(ideal.loc[(ideal["iso3"] == iso3) & ideal["ideal_point"].notna(), "year"].max())


# --- the Ukraine resolutions ---------------------------------------------------------------------------

VOTE_STATES: tuple[str, ...] = ("yes", "no", "abstain", "absent", "unknown")
VOTE_LABELS: dict[str, str] = {
    "yes": "in favour",
    "no": "against",
    "abstain": "abstained",
    "absent": "absent",
    "unknown": "unknown",
}
# How firm a transcribed vote is, from the transcriber's note (see the file's provenance).
BASIS_STATED = "stated on the page"
BASIS_INFERRED = "inferred from complete lists"
BASIS_WEAK = "weak source"
BASIS_CONFLICT = "pages conflict; resolved"
BASIS_NONE = "no page seen"

VOTE_COLUMNS = [
    "resolution",
    "date",
    "short_title",
    "country_iso3",
    "country",
    "vote",
    "basis",
    "source_no",
    "source_url",
    "source_date",
    "note",
]


def vote_basis(note: pd.Series) -> pd.Series:
    """How firm each transcribed vote is, from its note: inferred, weak, conflicting or stated.

    The rules follow the transcriber's flags: a note that starts with INFERRED; one that
    calls its source a forum post, a weak source or says "reportedly"; one that records a
    CONFLICT between pages. Anything else is a vote stated on its page.
    """
    text = note.fillna("")
    basis = pd.Series(BASIS_STATED, index=note.index, dtype="str")
    basis[text.str.contains(r"\bCONFLICT\b", regex=True)] = BASIS_CONFLICT
    basis[text.str.contains(r"weak source|reportedly|forum post", case=False, regex=True)] = BASIS_WEAK
    basis[text.str.startswith("INFERRED")] = BASIS_INFERRED
    return basis


def tidy_ukraine_votes(raw: pd.DataFrame, countries: Sequence[str], names: dict[str, str]) -> pd.DataFrame:
    """The full country-by-resolution grid for ``countries``: every transcribed vote, and "unknown" for the rest.

    Resolutions are in date order (the file's order within a day); each distinct source
    page gets a number in order of first use, so a reader can find it in the list under
    the grid. Names come from ``names`` (so that the chapter spells a country one way),
    else from the file.
    """
    votes = raw.copy()
    votes["basis"] = vote_basis(votes["note"])
    resolutions = (
        votes[["resolution", "date", "short_title"]]
        .drop_duplicates("resolution")
        .assign(order=lambda f: range(len(f)))
        .sort_values(["date", "order"], kind="stable")
        .drop(columns="order")
    )
    grid = resolutions.merge(pd.DataFrame({"country_iso3": list(countries)}), how="cross")
    grid = grid.merge(
        votes.drop(columns=["date", "short_title"]), on=["resolution", "country_iso3"], how="left", validate="1:1"
    )
    known = grid["vote"].notna()
    grid.loc[~known, "vote"] = "unknown"
    grid.loc[~known, "basis"] = BASIS_NONE
    file_names = raw.drop_duplicates("country_iso3").set_index("country_iso3")["country"]
    grid["country"] = grid["country_iso3"].map(lambda c: names.get(c, file_names.get(c, c)))
    urls = grid.loc[known, "source_url"].drop_duplicates()
    numbers = pd.Series(range(1, len(urls) + 1), index=urls.to_numpy())
    grid["source_no"] = grid["source_url"].map(numbers).astype("Int64")
    return grid[VOTE_COLUMNS].reset_index(drop=True)


def vote_counts(grid: pd.DataFrame) -> pd.DataFrame:
    """Per country, how many resolutions fall in each of the five vote states (country order kept)."""
    counts = pd.crosstab(grid["country_iso3"], grid["vote"]).reindex(columns=list(VOTE_STATES), fill_value=0)
    order = list(dict.fromkeys(grid["country_iso3"]))
    return counts.reindex(order).rename_axis(columns=None)


def agreement(grid: pd.DataFrame, iso3: str, reference: str) -> dict[str, int]:
    """On how many resolutions ``iso3`` cast the same vote as ``reference``, of those where both votes are known.

    "Known" means yes, no, abstain or absent on a page; unknown cells are left out of
    both counts, never counted as agreement or disagreement.
    """
    wide = grid.pivot(index="resolution", columns="country_iso3", values="vote")
    both = wide[(wide[iso3] != "unknown") & (wide[reference] != "unknown")]
    return {"same": int((both[iso3] == both[reference]).sum()), "compared": len(both)}


def votes_of(grid: pd.DataFrame, iso3: str) -> pd.Series:
    """``iso3``'s vote on each resolution, in grid order."""
    one = grid[grid["country_iso3"] == iso3]
    return one.set_index("resolution")["vote"]


def sources(grid: pd.DataFrame) -> pd.DataFrame:
    """The numbered source pages of the grid: ``source_no, source_url, source_date``, in number order."""
    known = grid.dropna(subset=["source_no"]).drop_duplicates("source_no")
    return known[["source_no", "source_url", "source_date"]].sort_values("source_no").reset_index(drop=True)


MOVE_COLUMNS = [
    "iso3",
    "country",
    "distance_start",
    "distance_end",
    "change",
    "moved_self",
    "moved_reference",
    "reference_moved_more",
]


def moves(ideal: pd.DataFrame, countries: Sequence[str], reference: str, start: int, end: int) -> pd.DataFrame:
    """:func:`who_moved` for several countries against one reference, as a table in ``countries`` order.

    ``reference_moved_more`` is true where the reference's own change of position was
    larger than the country's: the change in distance then says more about the reference.
    """
    names = ideal.drop_duplicates("iso3").set_index("iso3")["country"]
    rows = []
    for iso3 in countries:
        if iso3 == reference:
            continue
        m = who_moved(ideal, iso3, reference, start, end)
        rows.append(
            {
                "iso3": iso3,
                "country": names[iso3],
                "distance_start": m["distance_start"],
                "distance_end": m["distance_end"],
                "change": m["change"],
                "moved_self": m["moved_self"],
                "moved_reference": m["moved_reference"],
                "reference_moved_more": abs(m["moved_reference"]) > abs(m["moved_self"]),
            }
        )
    return pd.DataFrame(rows, columns=MOVE_COLUMNS)


def country_names(raw: pd.DataFrame) -> dict[str, str]:
    """Every ISO3 code of the ideal-point file with the name of its latest row: one spelling for the chapter."""
    named = raw.dropna(subset=["iso3c", "countryname"]).sort_values("year", kind="stable")
    return named.drop_duplicates("iso3c", keep="last").set_index("iso3c")["countryname"].astype(str).to_dict()


# --- what the chapter's numbers come to, for the executed notebook's record ---------------------------------


def _record(value: pd.Series | dict, digits: int = 3) -> Any:
    """A Series or mapping made JSON-ready for the record (keys as text, floats rounded, NaN as None)."""
    return recordable({str(k): v for k, v in value.items()}, digits)


@dataclass(frozen=True)
class DistanceToRussia:
    """How the distance between ``iso3`` and Russia moved, who moved, and ``iso3``'s distances to the poles."""

    kaz_rus_distance: dict[str, Any]  # {"start": ..., "end": ...}
    kaz_rus_moves: dict[str, Any]  # {"kaz": own move, "rus": Russia's move}
    kaz_distances_last_year: dict[str, Any]  # {pole: distance}, closest first


def distance_to_russia(
    ideal: pd.DataFrame, dist: pd.DataFrame, iso3: str, start: int, end: int, poles: Sequence[str] = REFERENCES
) -> DistanceToRussia:
    """:class:`DistanceToRussia` between ``start`` and ``end`` (:func:`who_moved`, :func:`closest_reference`)."""
    moved = who_moved(ideal, iso3, "RUS", start, end)
    return DistanceToRussia(
        _record({"start": moved["distance_start"], "end": moved["distance_end"]}, 4),
        _record({"kaz": moved["moved_self"], "rus": moved["moved_reference"]}, 4),
        _record(closest_reference(dist, iso3, end, poles)),
    )


@dataclass(frozen=True)
class UkraineVotes:
    """``iso3``'s votes on the Ukraine resolutions by kind, and its agreement with each pole."""

    kaz_votes: dict[str, Any]  # {vote state: count}
    kaz_same_vote_as: dict[str, dict[str, int]]  # {pole: {"same": ..., "compared": ...}}


def ukraine_votes(grid: pd.DataFrame, iso3: str, poles: Sequence[str] = REFERENCES) -> UkraineVotes:
    """:class:`UkraineVotes` of a :func:`tidy_ukraine_votes` grid."""
    return UkraineVotes(_record(vote_counts(grid).loc[iso3]), {r: agreement(grid, iso3, r) for r in poles})


# --- alignment with Russia that can show alignment ---------------------------------------------------------------

# The five Central Asian states, whose own votes test whether they "pushed against" Moscow.
CENTRAL_ASIA: tuple[str, ...] = ("KAZ", "UZB", "KGZ", "TJK", "TKM")
# The resolution that declared invalid the "referendums" Russia held in four occupied regions of Ukraine
# (Donetsk, Kherson, Luhansk, Zaporizhzhia) and their annexation: General Assembly, 12 October 2022.
ANNEXATION_RESOLUTION = "ES-11/4"
# The full-scale invasion: the Ukraine votes counted for alignment start here (emergency session and after).
INVASION_DATE = "2022-02-24"

ALIGNMENT_COLUMNS = [
    "iso3",
    "country",
    "votes_known",
    "votes_with_russia",
    "share_with_russia_pct",
    "votes_yes",
    "annexation_vote",
    "distance_pre_war",
    "distance_latest",
    "bands_overlap_latest",
    "war_years_overlapping",
    "move_towards_russia_latest",
    "move_towards_russia_pre_war_position",
]


def votes_on(grid: pd.DataFrame, resolution: str) -> pd.Series:
    """Every country's vote on one resolution of the grid, by ISO3 (unknown where no page states it)."""
    rows = grid[grid["resolution"] == resolution]
    if rows.empty:
        raise PipelineError(f"unga_ukraine_votes: no resolution {resolution!r}")
    return rows.set_index("country_iso3")["vote"]


def move_towards_position(ideal: pd.DataFrame, iso3: str, reference: str, start: int, end: int) -> float:
    """How much closer ``iso3``'s own move brought it to where ``reference`` stood in ``end`` (negative: farther).

    The distance to the reference's *latest* position before and after the country's own
    move: |own start - ref end| - |own end - ref end|. Unlike :func:`move_towards`, which
    looks towards the reference's starting position, this can show alignment with a
    reference that moved: following Russia wherever it went counts as moving towards it.
    """
    point = positions(ideal)
    a0, a1, b1 = point.at[start, iso3], point.at[end, iso3], point.at[end, reference]
    if any(pd.isna(v) for v in (a0, a1, b1)):
        raise PipelineError(f"ideal points: no estimate for {iso3} or {reference} in {start} or {end}")
    return float(abs(a0 - b1) - abs(a1 - b1))


def alignment_table(
    ideal: pd.DataFrame,
    dist: pd.DataFrame,
    grid: pd.DataFrame,
    countries: Sequence[str],
    start: int,
    end: int,
    reference: str = "RUS",
    first_date: str = INVASION_DATE,
) -> pd.DataFrame:
    """For each country: how it voted next to Russia on the war's resolutions, and where it sits on the main dimension.

    Votes: of the resolutions from ``first_date`` on where both votes are known, how many
    it cast as Russia did, and how many "yes" (Russia voted no on every one), plus its vote
    on the annexation resolution. Ideal points: the distance to Russia in ``start`` and
    ``end``, whether the two 5-95% bands overlap in ``end`` (the data cannot tell the two
    apart), in how many war years they overlap, and the country's own move towards Russia's
    latest position (:func:`move_towards_position`) and towards its pre-war one
    (:func:`move_towards`). Each measure can show alignment; they need not agree, and the
    table keeps them side by side.
    """
    names = ideal.drop_duplicates("iso3").set_index("iso3")["country"]
    war = grid[grid["date"] >= first_date]
    wide = war.pivot(index="resolution", columns="country_iso3", values="vote")
    annexation = votes_on(grid, ANNEXATION_RESOLUTION)
    rows = []
    for iso3 in countries:
        if iso3 == reference:
            continue
        both = wide[(wide[iso3] != "unknown") & (wide[reference] != "unknown")]
        same = int((both[iso3] == both[reference]).sum())
        known = len(both)
        d = dist[(dist["iso3"] == iso3) & (dist["reference_iso3"] == reference)].set_index("year")
        war_rows = d.loc[(d.index >= start + 1) & (d.index <= end)]
        rows.append(
            {
                "iso3": iso3,
                "country": names.get(iso3, iso3),
                "votes_known": known,
                "votes_with_russia": same,
                "share_with_russia_pct": 100 * same / known if known else float("nan"),
                "votes_yes": int((both[iso3] == "yes").sum()),
                "annexation_vote": annexation.get(iso3, "unknown"),
                "distance_pre_war": float(d["distance"].get(start, float("nan"))),
                "distance_latest": float(d["distance"].get(end, float("nan"))),
                "bands_overlap_latest": d["bands_overlap"].get(end, pd.NA),
                "war_years_overlapping": int(war_rows["bands_overlap"].fillna(False).astype(bool).sum()),
                "move_towards_russia_latest": move_towards_position(ideal, iso3, reference, start, end),
                "move_towards_russia_pre_war_position": move_towards(ideal, iso3, reference, start, end),
            }
        )
    out = pd.DataFrame(rows, columns=ALIGNMENT_COLUMNS)
    floats = [
        "share_with_russia_pct",
        "distance_pre_war",
        "distance_latest",
        "move_towards_russia_latest",
        "move_towards_russia_pre_war_position",
    ]
    out[floats] = out[floats].astype(float).round(6)
    out["bands_overlap_latest"] = out["bands_overlap_latest"].astype("boolean")
    return out
