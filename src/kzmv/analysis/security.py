"""Arms transfers: who supplies Kazakhstan and its peers, from SIPRI's trade register.

Pure functions on DataFrames. What the numbers are, and the rules that follow:

* **A TIV is not money.** SIPRI's trend-indicator value prices each weapon by the
  known production cost of a core set of weapons, to measure the military capability
  transferred. A used weapon counts at 40% of a new one (66% if refurbished). TIVs can
  be added and compared between suppliers; they must not be set against GDP, budgets
  or sales.
* **The series is lumpy.** One aircraft deal can make a year, so shares are taken over
  multi-year windows (SIPRI's own advice), never over a single year.
* **Only what the report uses leaves this module.** SIPRI's terms allow reproducing
  less than a tenth of a published data set, so the processed table is the yearly sum
  per supplier for the recipients shown, with no deal, designation or order detail.

SIPRI names countries in its own English (Turkiye, UAE, DR Congo, ...); they are mapped
to ISO3 codes with :func:`kzmv.data.partners.iso3_from_names` and the aliases below.
Non-state actors (marked ``*``), organisations (``**``) and unknown suppliers get no
code and count in the "Other" group, so totals are never short.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kzmv.analysis.trade import recordable
from kzmv.data.partners import GROUPS, iso3_from_names
from kzmv.errors import PipelineError

# SIPRI spellings that pycountry does not know; None: no ISO 3166-1 code (not a UN member state).
SIPRI_ALIASES: dict[str, str | None] = {
    "Bosnia-Herzegovina": "BIH",
    "Brunei": "BRN",
    "Cote d'Ivoire": "CIV",
    "DR Congo": "COD",
    "Kosovo": None,
    "Northern Cyprus": None,
    "Palestine": "PSE",
    "Russia": "RUS",
    "Turkiye": "TUR",
    "UAE": "ARE",
}

FLOW_COLUMNS = ["recipient_iso3", "recipient", "supplier", "supplier_iso3", "supplier_group", "year", "tiv_m"]
WINDOW_COLUMNS = [
    "recipient_iso3",
    "recipient",
    "window",
    "first_year",
    "last_year",
    "supplier_group",
    "tiv_m",
    "share_pct",
]


def is_state(names: pd.Series) -> pd.Series:
    """False for SIPRI's non-state actors (``*``), organisations (``**``) and unknown parties."""
    return ~(names.str.endswith("*") | names.str.startswith("unknown"))


def name_codes(names: pd.Series) -> pd.Series:
    """ISO3 codes for SIPRI names; missing for non-states and the few places without a code."""
    codes = pd.Series(pd.NA, index=names.index, dtype="str")
    states = is_state(names)
    codes[states] = iso3_from_names(names[states], SIPRI_ALIASES)
    return codes


def _delivered(
    register: pd.DataFrame, recipients: Sequence[str], groups: pd.DataFrame, years: dict[str, str]
) -> pd.DataFrame:
    """TIV summed per recipient, supplier and the register's year columns ``years`` (renamed to their values).

    One summing for :func:`arms_flows` and :func:`arms_orders`, which differ only in the years they keep.
    """
    frame = register[["Supplier", "Recipient", *years, "TIV delivery values"]]
    frame = frame.assign(recipient_iso3=name_codes(frame["Recipient"]))
    frame = frame[frame["recipient_iso3"].isin(list(recipients))]
    sums = frame.groupby(["recipient_iso3", "Recipient", "Supplier", *years], as_index=False)[
        "TIV delivery values"
    ].sum()
    sums = sums.rename(
        columns={"Recipient": "recipient", "Supplier": "supplier", **years, "TIV delivery values": "tiv_m"}
    )
    sums["supplier_iso3"] = name_codes(sums["supplier"])
    sums["supplier_group"] = sums["supplier_iso3"].map(groups.set_index("iso3")["group"]).fillna("Other")
    year_columns = list(years.values())
    sums[year_columns] = sums[year_columns].astype("int64")
    sums["tiv_m"] = sums["tiv_m"].round(6)
    return sums


def _in_recipient_order(sums: pd.DataFrame, recipients: Sequence[str], then: list[str]) -> pd.DataFrame:
    """``sums`` sorted by recipient in the order asked for, then by the columns ``then``."""
    order = {c: i for i, c in enumerate(recipients)}
    return sums.sort_values(["recipient_iso3", *then], key=lambda s: s.map(order) if s.name == "recipient_iso3" else s)


def arms_flows(register: pd.DataFrame, recipients: Sequence[str], groups: pd.DataFrame) -> pd.DataFrame:
    """TIV delivered per recipient, supplier and year, for the ``recipients`` (ISO3) only.

    Deliveries of one deal in one year are summed over deals; a supplier with no code
    (a non-state actor, "unknown supplier(s)") keeps its SIPRI name and falls in "Other".
    """
    sums = _delivered(register, recipients, groups, {"Delivery year": "year"})
    missing = sorted(set(recipients) - set(sums["recipient_iso3"]))
    if missing:
        raise PipelineError(f"arms transfers: no delivery to {', '.join(missing)} in the SIPRI register")
    sums = _in_recipient_order(sums, recipients, ["year", "supplier"])
    return sums[FLOW_COLUMNS].reset_index(drop=True)


def windows(first_year: int, last_year: int, width: int) -> list[tuple[int, int]]:
    """Consecutive ``width``-year windows ending in ``last_year``, none starting before ``first_year``.

    Anchored on the latest year so that the most recent window is always complete; an
    earlier remainder shorter than ``width`` is left out rather than compared with full
    windows. If the span is shorter than one window, the whole span is the one window.
    """
    if width < 1 or last_year < first_year:
        raise PipelineError(f"arms windows: need a width of at least 1 year within {first_year}-{last_year}")
    spans = []
    end = last_year
    while end - width + 1 >= first_year:
        spans.append((end - width + 1, end))
        end -= width
    return spans[::-1] or [(first_year, last_year)]


def register_windows(register: pd.DataFrame, first_year: int, last_year: int, width: int) -> list[tuple[int, int]]:
    """:func:`windows` within both the chapter's years and the register's delivery years."""
    years = register["Delivery year"]
    return windows(max(first_year, int(years.min())), min(last_year, int(years.max())), width)


def window_label(span: tuple[int, int]) -> str:
    return f"{span[0]}–{span[1]}"


def by_window(flows: pd.DataFrame, spans: Sequence[tuple[int, int]]) -> pd.DataFrame:
    """TIV and share per recipient, window and supplier group (house order); every group listed.

    A group that delivered nothing in a window has 0 TIV: SIPRI records deliveries, so no
    row means nothing was delivered. A recipient with no delivery at all in a window has
    no total, and its shares are missing, not zero.
    """
    rows = []
    recipients = flows.drop_duplicates("recipient_iso3")[["recipient_iso3", "recipient"]]
    for span in spans:
        inside = flows[flows["year"].between(*span)]
        sums = inside.groupby(["recipient_iso3", "supplier_group"])["tiv_m"].sum()
        for rec in recipients.itertuples(index=False):
            total = sums.get(rec.recipient_iso3, pd.Series(dtype=float)).sum()
            for group in GROUPS:
                tiv = float(sums.get((rec.recipient_iso3, group), 0.0))
                rows.append(
                    {
                        "recipient_iso3": rec.recipient_iso3,
                        "recipient": rec.recipient,
                        "window": window_label(span),
                        "first_year": span[0],
                        "last_year": span[1],
                        "supplier_group": group,
                        "tiv_m": round(tiv, 6),
                        "share_pct": round(100 * tiv / total, 6) if total > 0 else float("nan"),
                    }
                )
    return pd.DataFrame(rows, columns=WINDOW_COLUMNS)


def window_shares(windows_table: pd.DataFrame, window: str, group: str) -> pd.Series:
    """Each recipient's share (percent) from ``group`` in one window, by recipient code."""
    one = windows_table[(windows_table["window"] == window) & (windows_table["supplier_group"] == group)]
    return one.set_index("recipient_iso3")["share_pct"]


def deliveries(flows: pd.DataFrame, recipient: str, first_year: int, last_year: int) -> pd.DataFrame:
    """The rows of ``flows`` delivered to ``recipient`` from ``first_year`` to ``last_year`` (inclusive)."""
    return flows[(flows["recipient_iso3"] == recipient) & flows["year"].between(first_year, last_year)]


def supplier_totals(flows: pd.DataFrame, recipient: str, first_year: int, last_year: int) -> pd.DataFrame:
    """``recipient``'s suppliers over a span: TIV and share, largest first (ties by name)."""
    inside = deliveries(flows, recipient, first_year, last_year)
    sums = inside.groupby(["supplier", "supplier_group"], as_index=False)["tiv_m"].sum()
    total = sums["tiv_m"].sum()
    sums["share_pct"] = 100 * sums["tiv_m"] / total if total > 0 else float("nan")
    return sums.sort_values(["tiv_m", "supplier"], ascending=[False, True], kind="stable").reset_index(drop=True)


def group_share(flows: pd.DataFrame, recipient: str, group: str, first_year: int, last_year: int) -> float:
    """The share (percent) of ``recipient``'s arms imports over a span that came from ``group``; NaN if none arrived."""
    # summed straight from the rows, not through supplier_totals: the ledger and the argument
    # ask for dozens of these shares, and the per-supplier table is not needed for one share
    inside = deliveries(flows, recipient, first_year, last_year)
    inside = inside[inside["supplier"].notna() & inside["supplier_group"].notna()]  # as supplier_totals groups them
    total = inside["tiv_m"].sum()
    if total <= 0:
        return float("nan")
    return float(100 * inside.loc[inside["supplier_group"] == group, "tiv_m"].sum() / total)


def annual_totals(flows: pd.DataFrame, recipient: str) -> pd.Series:
    """``recipient``'s TIV per delivery year (years without deliveries absent)."""
    return flows[flows["recipient_iso3"] == recipient].groupby("year")["tiv_m"].sum()


def largest_delivery_year(flows: pd.DataFrame, recipient: str, first_year: int, last_year: int) -> tuple[int, float]:
    """The year in the span with the largest total, and that total: how lumpy the series is."""
    annual = annual_totals(flows, recipient).loc[first_year:last_year]
    return int(annual.idxmax()), float(annual.max())


@dataclass(frozen=True)
class RussianShares:
    """The windows compared, Russia's share of each country's arms in the last one, and of ``iso3``'s over all."""

    arms_windows: list[str]
    arms_russia_share_last_window: dict[str, Any]  # {recipient: percent}
    kaz_arms_russia_share_all_years: float | None


def russian_shares(
    flows: pd.DataFrame, windows_table: pd.DataFrame, spans: Sequence[tuple[int, int]], iso3: str
) -> RussianShares:
    """:class:`RussianShares` of :func:`arms_flows` and :func:`by_window` over ``spans``."""
    last = window_shares(windows_table, window_label(spans[-1]), "Russia")
    return RussianShares(
        [window_label(s) for s in spans],
        recordable({str(k): v for k, v in last.items()}),
        recordable(group_share(flows, iso3, "Russia", spans[0][0], spans[-1][1])),
    )


# --- suppliers before and after the 2022 military doctrine ---------------------------------------------------

ORDER_COLUMNS = [
    "recipient_iso3",
    "recipient",
    "supplier",
    "supplier_iso3",
    "supplier_group",
    "order_year",
    "year",
    "tiv_m",
]
DIVERSITY_COLUMNS = [
    "recipient_iso3",
    "recipient",
    "basis",
    "period",
    "first_year",
    "last_year",
    "suppliers",
    "supplier_names",
    "russia_share_pct",
    "largest_supplier",
    "largest_share_pct",
    "hhi",
    "tiv_m",
]
BY_DELIVERY, BY_ORDER = "delivery year", "order year"


def arms_orders(register: pd.DataFrame, recipients: Sequence[str], groups: pd.DataFrame) -> pd.DataFrame:
    """TIV delivered per recipient, supplier, order year and delivery year, for the ``recipients`` only.

    The same sums as :func:`arms_flows`, split by the year each deal was ordered, so that
    deliveries can be traced to decisions taken before or after a date. Only deals with
    a delivery are in the register: an order placed recently but not yet delivered is
    absent, so counts by order year are truncated for the latest years. No deal detail
    leaves this function.
    """
    sums = _delivered(register, recipients, groups, {"Order date": "order_year", "Delivery year": "year"})
    sums = _in_recipient_order(sums, recipients, ["order_year", "year", "supplier"])
    return sums[ORDER_COLUMNS].reset_index(drop=True)


def supplier_diversity(flows: pd.DataFrame, recipient: str, first: int, last: int, year_column: str = "year") -> dict:
    """How many states supplied ``recipient`` in ``first``..``last`` (by ``year_column``), Russia's share, the HHI.

    A supplier counts if it is a state (non-state and unknown suppliers are not) and
    delivered something in the span. The HHI is the sum of squared shares of all
    suppliers (0-10,000): lower is more diverse. With nothing delivered, every value is
    missing, not zero.
    """
    inside = flows[(flows["recipient_iso3"] == recipient) & flows[year_column].between(first, last)]
    by_supplier = inside.groupby("supplier")["tiv_m"].sum()
    by_supplier = by_supplier[by_supplier > 0]
    total = float(by_supplier.sum())
    states = sorted(s for s in by_supplier.index if is_state(pd.Series([s])).iloc[0])
    if total <= 0:
        return {"suppliers": 0, "supplier_names": "", "russia_share_pct": float("nan"), "largest_supplier": None,
                "largest_share_pct": float("nan"), "hhi": float("nan"), "tiv_m": 0.0}  # fmt: skip
    shares = 100 * by_supplier / total
    largest = shares.sort_values(ascending=False, kind="stable")
    return {
        "suppliers": len(states),
        "supplier_names": ", ".join(states),
        "russia_share_pct": float(shares.get("Russia", 0.0)),
        "largest_supplier": str(largest.index[0]),
        "largest_share_pct": float(largest.iloc[0]),
        "hhi": float((shares**2).sum()),
        "tiv_m": total,
    }


def doctrine_windows(doctrine_year: int, last_year: int) -> dict[str, dict[str, tuple[int, int]]]:
    """The periods compared around a doctrine adopted in ``doctrine_year``, by delivery and by order year.

    Deliveries: the full years after the doctrine up to the register's last year, against
    as many years just before the doctrine's year (which is in neither, since deliveries
    that year were decided earlier). Orders: from the doctrine's year (SIPRI dates orders
    by year only) to the last year, against as many years before.
    """
    after = (doctrine_year + 1, last_year)
    width = last_year - doctrine_year
    if width < 1:
        raise PipelineError(f"arms: the register ends in {last_year}, before any full year after {doctrine_year}")
    order_width = last_year - doctrine_year + 1
    return {
        BY_DELIVERY: {"before": (doctrine_year - width, doctrine_year - 1), "after": after},
        BY_ORDER: {"before": (doctrine_year - order_width, doctrine_year - 1), "after": (doctrine_year, last_year)},
    }


def diversity_table(
    flows: pd.DataFrame, orders: pd.DataFrame, recipients: Sequence[str], doctrine_year: int, last_year: int
) -> pd.DataFrame:
    """Supplier diversity before and after the doctrine for every recipient, and every earlier window for the first.

    For the first recipient (Kazakhstan) the deliveries of every earlier window of the
    same width are added (``period`` "earlier window"), so that the count after the
    doctrine can be set against the register's whole history rather than one window.
    """
    windows = doctrine_windows(doctrine_year, last_year)
    names = flows.drop_duplicates("recipient_iso3").set_index("recipient_iso3")["recipient"]
    rows = []

    def add(recipient: str, basis: str, period: str, span: tuple[int, int]) -> None:
        frame = flows if basis == BY_DELIVERY else orders
        column = "year" if basis == BY_DELIVERY else "order_year"
        rows.append(
            {
                "recipient_iso3": recipient,
                "recipient": names.get(recipient, recipient),
                "basis": basis,
                "period": period,
                "first_year": span[0],
                "last_year": span[1],
                **supplier_diversity(frame, recipient, span[0], span[1], column),
            }
        )

    for recipient in recipients:
        for basis, spans in windows.items():
            for period in ("before", "after"):
                add(recipient, basis, f"{period} the doctrine", spans[period])
    focus = recipients[0]
    before = windows[BY_DELIVERY]["before"]
    width = before[1] - before[0] + 1
    start = int(flows.loc[flows["recipient_iso3"] == focus, "year"].min())
    end = before[0] - 1
    while end - width + 1 >= start:
        add(focus, BY_DELIVERY, "earlier window", (end - width + 1, end))
        end -= width
    out = pd.DataFrame(rows, columns=DIVERSITY_COLUMNS)
    for column in ("russia_share_pct", "largest_share_pct", "hhi", "tiv_m"):
        out[column] = out[column].astype(float).round(6)
    return out


def supplier_counts(diversity: pd.DataFrame, recipient: str) -> dict[str, int]:
    """``recipient``'s number of supplier states before and after the doctrine, by basis (for the record)."""
    mine = diversity[(diversity["recipient_iso3"] == recipient) & (diversity["period"] != "earlier window")]
    return {f"{r.basis}, {r.period}": int(r.suppliers) for r in mine.itertuples()}


def exporter_total(register: pd.DataFrame, supplier: str, first: int, last: int) -> float:
    """A supplier's deliveries to every recipient in the register over ``first``..``last`` (million TIV).

    The benchmark for a falling Russian share: if Russia delivered less to everyone,
    a smaller share of one buyer's imports is partly Russia's doing, not the buyer's.
    """
    rows = register[(register["Supplier"] == supplier) & register["Delivery year"].between(first, last)]
    return float(rows["TIV delivery values"].sum())
