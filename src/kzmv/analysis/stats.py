"""Small statistics the report needs, written out so that no test rests on a library the project does not pin.

Why here and not scipy: the pinned environment has numpy and pandas only, and the
report needs three things: a straight-line fit with its confidence interval (the
pre-war trend of a gap), Student's t distribution for that interval, and a
correlation over a window. Each function is short, documented and tested against
published values (``t(0.975, 10) = 2.228``), so a reader can check it.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kzmv.errors import PipelineError


def _beta_continued_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of the regularised incomplete beta function (modified Lentz's method)."""
    tiny, eps = 1e-300, 1e-15
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 500):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < eps:
            return h
    raise PipelineError(f"incomplete beta: no convergence for a={a}, b={b}, x={x}")


def incomplete_beta(a: float, b: float, x: float) -> float:
    """The regularised incomplete beta function I_x(a, b), for 0 <= x <= 1."""
    if not 0.0 <= x <= 1.0:
        raise PipelineError(f"incomplete beta: x must lie in [0, 1], got {x}")
    if x in (0.0, 1.0):
        return x
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _beta_continued_fraction(a, b, x) / a
    return 1.0 - front * _beta_continued_fraction(b, a, 1.0 - x) / b


def t_cdf(t: float, df: float) -> float:
    """Student's t distribution function with ``df`` degrees of freedom."""
    if df <= 0:
        raise PipelineError(f"Student's t needs positive degrees of freedom, got {df}")
    tail = 0.5 * incomplete_beta(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t >= 0 else tail


@functools.cache
def t_quantile(p: float, df: float) -> float:
    """The ``p`` quantile of Student's t with ``df`` degrees of freedom (bisection on :func:`t_cdf`).

    Remembered: the gateway test asks for the same few quantiles once per comparison destination,
    and each costs 200 evaluations of the distribution function (about 5 ms).
    """
    if not 0.0 < p < 1.0:
        raise PipelineError(f"a quantile needs 0 < p < 1, got {p}")
    low, high = -1e6, 1e6
    for _ in range(200):
        mid = (low + high) / 2.0
        if t_cdf(mid, df) < p:
            low = mid
        else:
            high = mid
    return (low + high) / 2.0


@dataclass(frozen=True)
class SlopeTest:
    """A least-squares straight line's slope, its standard error, a two-sided interval and p-value (t test)."""

    slope: float
    se: float
    ci_low: float
    ci_high: float
    p: float
    df: int


def slope_test(x: Sequence[float], y: Sequence[float], level: float = 0.95) -> SlopeTest:
    """Fit ``y = a + b x`` by least squares and test ``b = 0``: slope, standard error, interval at ``level``, p-value.

    The classical interval assumes independent errors; a yearly gap between two
    trade series is autocorrelated, so the interval is too narrow rather than too
    wide, and the report reads it together with a placebo rank that does not rest
    on that assumption.
    """
    xs, ys = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    keep = ~(np.isnan(xs) | np.isnan(ys))
    xs, ys = xs[keep], ys[keep]
    n = len(xs)
    if n < 3:
        raise PipelineError(f"a slope test needs at least three points, got {n}")
    dx = xs - xs.mean()
    sxx = float((dx**2).sum())
    if sxx == 0:
        raise PipelineError("a slope test needs at least two distinct x values")
    slope = float((dx * (ys - ys.mean())).sum() / sxx)
    residuals = ys - ys.mean() - slope * dx
    df = n - 2
    se = math.sqrt(float((residuals**2).sum()) / df / sxx)
    half = t_quantile(0.5 + level / 2.0, df) * se
    p = 2.0 * (1.0 - t_cdf(abs(slope) / se, df)) if se > 0 else 0.0
    return SlopeTest(slope, se, slope - half, slope + half, p, df)


def correlation(a: Sequence[float], b: Sequence[float]) -> float:
    """Pearson's correlation of two equally long series over the positions where both have a value (NaN if < 3)."""
    xa, xb = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    keep = ~(np.isnan(xa) | np.isnan(xb))
    if keep.sum() < 3:
        return float("nan")
    xa, xb = xa[keep], xb[keep]
    if xa.std() == 0 or xb.std() == 0:
        return float("nan")
    return float(np.corrcoef(xa, xb)[0, 1])


@dataclass(frozen=True)
class Turn:
    """A value between two endpoints that lies beyond both of them: a peak above both, or a trough below both."""

    kind: str  # "peak" or "trough"
    year: int
    value: float


def turns_between(series: Mapping[int, float] | pd.Series, start: int, end: int) -> list[Turn]:
    """The highest year strictly between ``start`` and ``end`` if it tops both endpoints, and the lowest if it
    lies under both: what a comparison of the two endpoints alone would hide.

    Why: "39.7 in 2021 and 39.8 in 2024" reads as a flat line when the series rose to
    43.7 in 2022 and fell back. Missing years are skipped; an endpoint that is missing
    gives no turn (there is nothing to compare with).
    """
    values = pd.Series(series, dtype=float).dropna()
    values.index = values.index.astype(int)
    if start not in values.index or end not in values.index:
        return []
    inside = values[(values.index > start) & (values.index < end)]
    if inside.empty:
        return []
    turns = []
    high, low = inside.idxmax(), inside.idxmin()
    if inside[high] > max(values[start], values[end]):
        turns.append(Turn("peak", int(high), float(inside[high])))
    if inside[low] < min(values[start], values[end]):
        turns.append(Turn("trough", int(low), float(inside[low])))
    return sorted(turns, key=lambda t: t.year)
