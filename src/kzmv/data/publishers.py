"""Fetching a source's newest release from a publisher's open API, in the file format the report reads.

Two publishers of the report's raw data have open APIs, and a source of
``data/sources.yml`` names which, under ``update:``:

* **World Bank** (``api: worldbank``, ``indicator:`` a WDI code): the API v2
  answers ``GET {base}/country/all/indicator/{code}?format=json&per_page=N&page=P``
  with a JSON array ``[page metadata, [observation, ...]]``; each observation
  names the country, its ISO3 code, the year and the value. An error is an
  array holding ``{"message": [...]}``. The rows become the datahub.io layout
  the project's WDI files have (``Country, Country Code, Year, <value>``).
* **Our World in Data** (``api: owid``, ``slug:`` a grapher chart): the chart
  API answers ``{base}/{slug}.csv?v=1&csvType=full&useColumnShortNames=true``
  with ``Entity, Code, Year`` and one column per indicator under its short
  name, and ``{base}/{slug}.metadata.json`` maps each column's long name (the
  header of the project's OWID files) to its ``shortName``, with its
  ``lastUpdated`` date. The short names are renamed to the long ones.

What a client returns has been checked three ways before anything is
written: the answer is in the documented format, it holds the columns the
report reads, and the file it makes passes the source's own schema
(:data:`kzmv.data.schemas.RAW_SPECS`). Every failure is one
:class:`~kzmv.errors.PipelineError` line naming the publisher, what failed and
what to do: no network, a publisher's error (HTTP status, or an API error
message), a timeout, a malformed answer.

These clients have been tested against a local HTTP server serving recorded
answers in these formats only (``tests/test_update.py``), never against the
live services.
"""

from __future__ import annotations

import csv
import datetime as dt
import http.client
import io
import json
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kzmv.data.manifest import Source
from kzmv.errors import PipelineError

BASE_URLS = {"worldbank": "https://api.worldbank.org/v2", "owid": "https://ourworldindata.org/grapher"}
NAMES = {"worldbank": "the World Bank API", "owid": "Our World in Data's chart API"}
PER_PAGE = 20000
MAX_PAGES = 20
MAX_BYTES = 64 * 1024 * 1024  # a publisher's answer larger than this is not a country-year series


@dataclass(frozen=True)
class Fetched:
    """A new release of one source, as fetched and checked: the file's bytes and where they came from."""

    source_id: str
    content: bytes
    label: str  # a release label from the publisher's own update date
    date: str | None  # the publisher's last update, if it says
    urls: list[str] = field(default_factory=list)


Get = Callable[[str], bytes]


def http_get(url: str, timeout: float, publisher: str) -> bytes:
    """The body of ``GET url``; any failure is one line naming the publisher and what to do."""
    host = urllib.parse.urlsplit(url).netloc or url
    name = NAMES.get(publisher, publisher)
    request = urllib.request.Request(url, headers={"User-Agent": "kzmv-update (research report)"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise PipelineError(
            f"{name} answered HTTP {exc.code} {exc.reason} for {url}: the publisher's service failed; try again later"
        ) from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise _timed_out(name, host, timeout) from None
        raise PipelineError(
            f"no network access: {host} cannot be reached ({_reason(exc.reason)}); `make update` needs the network "
            f"to fetch from {name}"
        ) from None
    except TimeoutError:
        raise _timed_out(name, host, timeout) from None
    except (http.client.HTTPException, ConnectionError) as exc:
        raise PipelineError(
            f"{name}: the connection to {host} broke off ({type(exc).__name__}); try again later"
        ) from None
    if len(body) > MAX_BYTES:
        raise PipelineError(f"{name} sent more than {MAX_BYTES >> 20} MB for {url}; that is no country-year series")
    return body


def _timed_out(name: str, host: str, timeout: float) -> PipelineError:
    return PipelineError(f"{name} ({host}) did not answer within {timeout:g} s; try again later, or give --timeout")


def _reason(reason: object) -> str:
    text = getattr(reason, "strerror", None) or str(reason)
    return " ".join(str(text).split())


def _malformed(publisher: str, what: str, detail: str) -> PipelineError:
    return PipelineError(
        f"{NAMES[publisher]}'s answer for {what} is not in its documented format ({detail}); the publisher may have "
        "changed it, or the answer was cut short: try again later, and if it persists, fetch the release by hand"
    )


# --- World Bank ----------------------------------------------------------------------------------------------


def worldbank_url(base: str, indicator: str, page: int) -> str:
    return f"{base.rstrip('/')}/country/all/indicator/{indicator}?format=json&per_page={PER_PAGE}&page={page}"


def _worldbank_page(body: bytes, indicator: str) -> tuple[dict[str, Any], list[Any]]:
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise _malformed("worldbank", indicator, f"not JSON: {exc}") from None
    if isinstance(data, list) and data and isinstance(data[0], dict) and "message" in data[0]:
        messages = data[0]["message"] if isinstance(data[0]["message"], list) else [data[0]["message"]]
        said = "; ".join(
            " ".join(str(m.get(k, "")) for k in ("key", "value")).strip() if isinstance(m, dict) else str(m)
            for m in messages
        )
        raise PipelineError(f"the World Bank API refused the request for {indicator}: {said or 'no reason given'}")
    if not (isinstance(data, list) and len(data) == 2 and isinstance(data[0], dict)):
        raise _malformed("worldbank", indicator, "expected [page metadata, observations]")
    observations = data[1] if data[1] is not None else []
    if not isinstance(observations, list):
        raise _malformed("worldbank", indicator, "the observations are not a list")
    return data[0], observations


def fetch_worldbank(source: Source, indicator: str, get: Get, base: str) -> Fetched:
    """Every country's series of ``indicator``, page by page, as the source's datahub-layout CSV."""
    url = worldbank_url(base, indicator, 1)
    meta, observations = _worldbank_page(get(url), indicator)
    urls = [url]
    try:
        pages = int(meta.get("pages") or 1)
    except (TypeError, ValueError):
        raise _malformed("worldbank", indicator, f"page count {meta.get('pages')!r}") from None
    if pages > MAX_PAGES:
        raise _malformed("worldbank", indicator, f"{pages} pages of {PER_PAGE} rows is more than a country-year series")
    for page in range(2, pages + 1):
        urls.append(worldbank_url(base, indicator, page))
        observations += _worldbank_page(get(urls[-1]), indicator)[1]
    rows: list[tuple[str, str, int, str]] = []
    for i, item in enumerate(observations):
        try:
            value = item["value"]
            if value is None:
                continue
            name, code, year = str(item["country"]["value"]), str(item["countryiso3code"] or ""), int(item["date"])
            number = float(value)
        except (KeyError, TypeError, ValueError) as exc:
            raise _malformed("worldbank", indicator, f"observation {i + 1}: {type(exc).__name__} {exc}") from None
        if code:  # a few WDI aggregates have no code; the datahub files have none of them either
            rows.append((name, code, year, repr(number)))
    if not rows:
        raise _malformed("worldbank", indicator, "no observation with a value")
    header = _header(source)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(sorted(rows, key=lambda r: (r[0], r[2])))
    updated = str(meta.get("lastupdated") or "") or None
    return Fetched(source.id, out.getvalue().encode(), _label("wdi", updated), updated, urls)


# --- Our World in Data ---------------------------------------------------------------------------------------

OWID_QUERY = "v=1&csvType=full&useColumnShortNames=true"


def owid_urls(base: str, slug: str) -> tuple[str, str]:
    root = f"{base.rstrip('/')}/{slug}"
    return f"{root}.csv?{OWID_QUERY}", f"{root}.metadata.json?{OWID_QUERY}"


def fetch_owid(source: Source, slug: str, get: Get, base: str) -> Fetched:
    """The chart's full CSV with short column names, renamed to the long names the source's file has."""
    csv_url, meta_url = owid_urls(base, slug)
    try:
        meta = json.loads(get(meta_url))
    except ValueError as exc:
        raise _malformed("owid", f"{slug}.metadata.json", f"not JSON: {exc}") from None
    columns = meta.get("columns") if isinstance(meta, dict) else None
    if not isinstance(columns, dict) or not all(isinstance(c, dict) for c in columns.values()):
        raise _malformed("owid", f"{slug}.metadata.json", "no 'columns' object")
    long_names = {str(c.get("shortName")): str(long) for long, c in columns.items() if c.get("shortName")}
    body = get(csv_url)
    try:
        header, *rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    except (UnicodeDecodeError, csv.Error, ValueError) as exc:
        raise _malformed("owid", f"{slug}.csv", f"not a UTF-8 CSV: {type(exc).__name__}") from None
    fixed = {"entity": "Entity", "code": "Code", "year": "Year"}
    if [h.lower() for h in header[:3]] != list(fixed):
        raise _malformed("owid", f"{slug}.csv", f"its columns start {header[:3]}, not Entity, Code, Year")
    unknown = [h for h in header[3:] if h not in long_names]
    if unknown:
        raise _malformed("owid", f"{slug}.csv", f"column {unknown[0]!r} is not in the chart's metadata")
    renamed = list(fixed.values()) + [long_names[h] for h in header[3:]]
    wanted = _header(source)
    if sorted(renamed) != sorted(wanted):
        raise PipelineError(
            f"Our World in Data's chart {slug} no longer has the columns the report reads: it has {renamed[3:]}, "
            f"the report reads {wanted[3:]}; check the chart, then fetch the release by hand"
        )
    if not rows or any(len(row) != len(header) for row in rows):
        raise _malformed("owid", f"{slug}.csv", "no rows, or a row with another number of cells than the header")
    order = [renamed.index(name) for name in wanted]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(wanted)
    writer.writerows([row[i] for i in order] for row in rows)
    dates = sorted(str(c.get("lastUpdated")) for c in columns.values() if c.get("lastUpdated"))
    updated = dates[-1] if dates else None
    return Fetched(source.id, out.getvalue().encode(), _label("owid", updated), updated, [csv_url, meta_url])


# --- common --------------------------------------------------------------------------------------------------


def _header(source: Source) -> list[str]:
    from kzmv.data.schemas import RAW_SPECS

    return list(RAW_SPECS[source.id].schema.columns)


def _label(prefix: str, updated: str | None) -> str:
    """A release label from the publisher's update date (``wdi-2025-07-01``), else today's."""
    day = (updated or "")[:10]
    try:
        dt.date.fromisoformat(day)
    except ValueError:
        day = dt.date.today().isoformat()
    return f"{prefix}-{day}"


def fetch_release(source: Source, base_url: str | None, timeout: float) -> Fetched:
    """Fetch ``source``'s newest release from the publisher its ``update:`` names, checked against its schema."""
    from kzmv.data.loading import read_raw_file
    from kzmv.data.schemas import RAW_SPECS

    spec = source.update
    if spec is None:
        raise PipelineError(f"source {source.id} names no publisher API (no `update:` in data/sources.yml)")
    base = base_url or BASE_URLS[spec.api]

    def get(url: str) -> bytes:
        return http_get(url, timeout, spec.api)

    if spec.api == "worldbank":
        fetched = fetch_worldbank(source, str(spec.indicator), get, base)
    else:
        fetched = fetch_owid(source, str(spec.slug), get, base)
    with tempfile.TemporaryDirectory(prefix="kzmv-release-") as tmp:
        trial = Path(tmp) / Path(source.path).name
        trial.write_bytes(fetched.content)
        try:
            read_raw_file(trial, RAW_SPECS[source.id])
        except PipelineError as exc:
            first = str(exc).splitlines()[0].replace(str(trial), f"the new release of {source.id}")
            raise PipelineError(
                f"{NAMES[spec.api]}'s new release of {source.id} does not pass the source's checks: {first}"
            ) from None
    return fetched
