"""Partners: ISO3 codes, English names and the partner groups ("vectors").

The grouping is data, not code: ``data/groups.csv`` maps every partner code to
a display name and one group, so a reader can see and change the definition of
"EU-27" or "Central Asia" in one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from kzmv import paths
from kzmv.data.loading import validate_frame
from kzmv.data.schemas import ISO3_CHECK, KNOWN_ISO3, RawSpec

# The order in which groups appear in every legend and table.
GROUPS: tuple[str, ...] = ("Russia", "China", "EU-27", "Central Asia", "Turkey", "USA", "UK", "Other")

GROUPS_SCHEMA = pa.DataFrameSchema(
    {
        "iso3": pa.Column(str, ISO3_CHECK, unique=True, report_duplicates="all"),
        "name": pa.Column(str),
        "group": pa.Column(str, pa.Check.isin(GROUPS)),
    },
    strict=True,
)


def load_groups(path: Path | None = None) -> pd.DataFrame:
    """The partner table: ``iso3, name, group``, validated."""
    path = path or paths.groups_path()
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return validate_frame(frame, RawSpec(GROUPS_SCHEMA), path)


def harmonise(frame: pd.DataFrame, groups: pd.DataFrame, code_col: str = "iso3") -> pd.DataFrame:
    """Add ``partner_iso3``, ``partner`` (name) and ``group`` to a table keyed by ISO3.

    A valid ISO3 code missing from ``groups.csv`` falls in "Other" under its ISO
    name, so a new partner in an upstream update is kept rather than dropped.
    """
    import pycountry

    out = frame.rename(columns={code_col: "partner_iso3"}).merge(
        groups.rename(columns={"iso3": "partner_iso3", "name": "partner"}),
        on="partner_iso3",
        how="left",
        validate="many_to_one",
    )
    unnamed = out["partner"].isna()
    if unnamed.any():
        out.loc[unnamed, "partner"] = [
            getattr(pycountry.countries.get(alpha_3=c), "name", c) for c in out.loc[unnamed, "partner_iso3"]
        ]
        out.loc[unnamed, "group"] = "Other"
    return out


def group_order(present: pd.Series | list[str]) -> list[str]:
    """Groups in house order, restricted to those present."""
    present_set = set(present)
    return [g for g in GROUPS if g in present_set]


def group_sizes(groups: pd.DataFrame) -> pd.DataFrame:
    """How many partner countries each group holds, in house order."""
    counts = groups.groupby("group").size().reindex(list(GROUPS), fill_value=0)
    return counts.rename_axis("group").reset_index(name="partner countries")


def iso3_from_names(names: pd.Series, aliases: Mapping[str, str | None]) -> pd.Series:
    """ISO3 codes for English country names: ``aliases`` first, then pycountry's exact lookup.

    Publishers spell countries their own way ("Turkiye", "UAE", "Korea, DPR of"); the
    alias table of each source says how, and an alias of ``None`` marks a place with no
    ISO 3166-1 code. pycountry matches a name, official name or common name exactly
    (ignoring case), never by similarity, so a misspelling is missing, not mismatched.
    A name found neither way is missing (``<NA>``); callers decide whether that is an error.
    """
    import pycountry

    def one(name: str) -> str | None:
        if name in aliases:
            return aliases[name]
        try:
            return pycountry.countries.lookup(name).alpha_3
        except LookupError:
            return None

    lookup = {name: one(name) for name in names.dropna().unique()}
    return names.map(lookup).astype("str")


# What a row of the Eurostat partner-label table is: a destination with an ISO code, or a row that is not one.
EUROSTAT_KINDS: tuple[str, ...] = ("destination", "aggregate", "residual", "no ISO code")


def _iso3_where_destination(frame: pd.DataFrame) -> pd.Series:
    """A destination has a known ISO3 code; every other kind has none."""
    known = frame["iso3"].isin(KNOWN_ISO3)
    return (frame["kind"] == "destination") == known


EUROSTAT_PARTNERS_SCHEMA = pa.DataFrameSchema(
    {
        "label": pa.Column(str),
        "language": pa.Column(str, pa.Check.isin(["en", "fr"])),
        "iso3": pa.Column(str),
        "kind": pa.Column(str, pa.Check.isin(list(EUROSTAT_KINDS))),
    },
    checks=[pa.Check(_iso3_where_destination, error="a known ISO3 code exactly where kind is 'destination'")],
    strict=True,
    unique=["label", "language"],
    report_duplicates="all",
)


def load_eurostat_partners(path: Path | None = None) -> pd.DataFrame:
    """Eurostat's partner labels (English, and French for 2016) with their ISO3 code: ``label, language, iso3, kind``.

    Why a table and not a lookup: the labels carry history in brackets ("Sudan
    (incl. South Sudan 'SS' -> 2012)"), the 2016 file is in French, and one 2016
    label says "Guinea" where the values are Guinea-Bissau's. The table was drafted
    with pycountry's English and French names and checked by hand, row by row; a
    label that is not a destination (an aggregate such as "Extra-EU27", a residual
    such as "Stores and provisions", or a place without an ISO code such as Kosovo)
    says so in ``kind`` and has an empty code.
    """
    path = path or paths.project_file("data/eurostat_partners.csv")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return validate_frame(frame, RawSpec(EUROSTAT_PARTNERS_SCHEMA), path)
