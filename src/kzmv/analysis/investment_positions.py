"""Direct-investment positions in and of Kazakhstan after 2021, from the IMF (DIP, formerly CDIS).

Pure functions on DataFrames. The National Bank's partner data that wiiw republishes end
in 2021; the IMF's Direct Investment Positions carry on to 2024 for five investor
countries (China, Germany, Japan, Singapore, the USA). Each number in the IMF file has
one of two origins, and they are kept apart, never added:

* ``O``: the reporter's own statistics (China's figure for its investment in Kazakhstan);
* ``SCC``: derived from the counterpart's statistics, a mirror; for Kazakhstan as the
  counterpart this is Kazakhstan's own (National Bank) figure for that investor.

So for China there are two figures for one stock, a second mirror like the trade one.
The rules for the file's quirks:

* 21 rows of China's outward file have no ``SCALE`` and are in units, not millions:
  they are divided by a million (:func:`to_usd_million`).
* The inward file has no ``SCALE`` column; its values are USD million (as the
  companion file's, and as their magnitudes show).
* Rows without a year (series stubs) carry no value and are dropped.

Positions are end-year stocks by immediate counterpart under the directional principle:
capital that reaches Kazakhstan through the Netherlands or Hong Kong is booked there.
"""

from __future__ import annotations

import pandas as pd

from kzmv.errors import PipelineError

KAZAKHSTAN = "KAZ"
OWN = "O"
MIRROR = "SCC"
BASIS_LABELS: dict[str, str] = {
    OWN: "the investor's own figure",
    MIRROR: "Kazakhstan's figure (IMF mirror)",
}
DIRECTIONS: dict[str, str] = {"outward": "into Kazakhstan", "inward": "from Kazakhstan"}
# The last year of the wiiw/NBK partner data: the IMF positions show what came after.
PARTNER_DATA_LAST_YEAR = 2021

POSITION_COLUMNS = ["investor_iso3", "investor", "host_iso3", "year", "direction", "basis", "position_usd_m"]


def to_usd_million(frame: pd.DataFrame) -> pd.Series:
    """``OBS_VALUE`` in USD million: rows with a blank ``SCALE`` (in units) are divided by a million.

    A file without a ``SCALE`` column (the inward file) is in millions throughout.
    """
    values = frame["OBS_VALUE"].astype("float64")
    if "SCALE" not in frame.columns:
        return values
    units = frame["SCALE"].isna()
    return values.where(~units, values / 1e6)


def unscaled_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows whose ``SCALE`` is blank (read as units): reporter, counterpart, year."""
    if "SCALE" not in frame.columns:
        return frame.iloc[0:0][["COUNTRY.ID", "COUNTERPART_COUNTRY.ID", "TIME_PERIOD"]]
    rows = frame[frame["SCALE"].isna() & frame["OBS_VALUE"].notna()]
    return rows[["COUNTRY.ID", "COUNTERPART_COUNTRY.ID", "TIME_PERIOD"]].reset_index(drop=True)


def kazakhstan_positions(outward: pd.DataFrame, inward: pd.DataFrame) -> pd.DataFrame:
    """Every position between the five reporters and Kazakhstan, both directions, each origin on its own row.

    ``direction`` "into Kazakhstan" is the reporter's direct investment in Kazakhstan (from
    the outward file); "from Kazakhstan" is Kazakhstan's in the reporter (inward file).
    A blank value (confidential or not available) is kept as missing.
    """
    frames = []
    for direction, frame in (("outward", outward), ("inward", inward)):
        one = frame[(frame["COUNTERPART_COUNTRY.ID"] == KAZAKHSTAN) & frame["TIME_PERIOD"].notna()]
        if one.empty:
            raise PipelineError(f"IMF DIP ({direction}): no position with Kazakhstan as counterpart")
        frames.append(
            pd.DataFrame(
                {
                    "investor_iso3": one["COUNTRY.ID"] if direction == "outward" else KAZAKHSTAN,
                    "investor": one["COUNTRY"] if direction == "outward" else "Kazakhstan",
                    "host_iso3": KAZAKHSTAN if direction == "outward" else one["COUNTRY.ID"],
                    "year": one["TIME_PERIOD"].astype("int64"),
                    "direction": DIRECTIONS[direction],
                    "basis": one["DV_TYPE.ID"].map(BASIS_LABELS),
                    "position_usd_m": to_usd_million(one).round(6),
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    out["partner"] = out["investor_iso3"].where(out["direction"] == DIRECTIONS["outward"], out["host_iso3"])
    out = out.sort_values(["direction", "partner", "basis", "year"], kind="stable").drop(columns="partner")
    return out[POSITION_COLUMNS].reset_index(drop=True)


def years(positions: pd.DataFrame, last_year: int) -> tuple[int, int]:
    """The first year of the positions and the last one up to ``last_year``."""
    return int(positions["year"].min()), min(int(positions["year"].max()), last_year)


def position_series(positions: pd.DataFrame, investor: str, basis: str, direction: str = "outward") -> pd.Series:
    """One investor's position in Kazakhstan by year, from one origin (``"O"`` or ``"SCC"``); blanks dropped."""
    one = positions[
        (positions["investor_iso3"] == investor if direction == "outward" else positions["host_iso3"] == investor)
        & (positions["basis"] == BASIS_LABELS[basis])
        & (positions["direction"] == DIRECTIONS[direction])
    ]
    return one.set_index("year")["position_usd_m"].dropna()


def china_mirror(positions: pd.DataFrame, first_year: int, last_year: int) -> pd.DataFrame:
    """China's own figure for its position in Kazakhstan beside Kazakhstan's figure, per year, and the gap.

    ``gap_pct`` is China's figure relative to Kazakhstan's, in percent; missing where
    either side is.
    """
    own = position_series(positions, "CHN", OWN)
    mirror = position_series(positions, "CHN", MIRROR)
    years = range(first_year, last_year + 1)
    table = pd.DataFrame({"china_figure_usd_m": own, "kazakhstan_figure_usd_m": mirror}).reindex(years)
    table["gap_pct"] = 100 * (table["china_figure_usd_m"] / table["kazakhstan_figure_usd_m"] - 1)
    return table.rename_axis("year")


def change(series: pd.Series, start: int, end: int) -> float:
    """Percent change between two years (NaN if either is missing)."""
    if start not in series.index or end not in series.index:
        return float("nan")
    return float(100 * (series[end] / series[start] - 1))


def wiiw_factors(positions: pd.DataFrame, fdi_by_partner: pd.DataFrame) -> pd.DataFrame:
    """Per year, the IMF mirror position (USD m) over wiiw's inward stock (EUR m) for the same investors.

    If the two carry the same National Bank data, the ratio is one number per year (the
    year-end dollar-euro conversion) for every investor: ``factor`` is the median over
    investors and ``spread`` the range between the largest and smallest ratio.
    """
    mirror = positions[(positions["basis"] == BASIS_LABELS[MIRROR]) & (positions["direction"] == DIRECTIONS["outward"])]
    stock = fdi_by_partner[fdi_by_partner["measure"] == "inward stock"]
    both = mirror.merge(
        stock[["year", "partner_iso3", "value"]],
        left_on=["year", "investor_iso3"],
        right_on=["year", "partner_iso3"],
        how="inner",
    )
    both["ratio"] = both["position_usd_m"] / both["value"]
    by_year = both.groupby("year")["ratio"]
    return pd.DataFrame(
        {"factor": by_year.median(), "spread": by_year.max() - by_year.min(), "investors": by_year.count()}
    )


# The five investor countries the IMF file reports, all of them other than Russia.
REPORTERS: tuple[str, ...] = ("CHN", "DEU", "JPN", "SGP", "USA")


def combined_position(
    positions: pd.DataFrame, investors: tuple[str, ...] = REPORTERS, basis: str = MIRROR
) -> pd.Series:
    """The summed position of ``investors`` in Kazakhstan by year, from one origin; a year missing any of them is missing.

    For the claim that investors other than Russia began to withdraw: a position is a
    stock, so a fall is disinvestment, repayment of intra-company loans or a revaluation,
    not only smaller inflows; and five countries are not all investors.
    """
    series = {i: position_series(positions, i, basis) for i in investors}
    frame = pd.DataFrame(series)
    return frame.sum(axis=1, min_count=len(investors)).where(frame.notna().all(axis=1)).sort_index()
