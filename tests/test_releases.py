"""Data releases: several releases of one raw source in the manifest, one active, another for one build (VINTAGE).

The worked example is the one the raw data hold: Russia's 2023 goods turnover
with Kazakhstan was first released as USD 26.0 bn (February 2024, quoted in
``trade/kaz_trade_by_partner_page_transcriptions.csv``, "-3.7% y/y") and
revised to 27.05 bn (the panel the report reads). The mirror holds only the
revised panel, so the first release is made here, in a temporary mirror: the
panel with Russia's 2023 row scaled to the first-released turnover. With it,
claim B3 ("trade with Russia has grown every year since 2022") crosses its
threshold: its measure, the smallest year-on-year growth, goes from +0.31% to
-3.6%.
"""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest
from copies import ROOT, Copy, built_copy

from kzmv.data.manifest import load_manifest, parse_vintages, vintage_note, with_vintages
from kzmv.data.releases import activate_release, add_release
from kzmv.engine.cache import read_digest
from kzmv.engine.diff import FolderOutputs, compare, fmt, render_text
from kzmv.engine.layout import output_digests
from kzmv.errors import PipelineError
from kzmv.paths import RUN_FILE, RunContext

PANEL = "trade/kaz_trade_by_partner_2000_2025_wits_bns_panel.csv"
FIRST = "trade/kaz_trade_by_partner_2000_2025_wits_bns_panel@2024-02-first.csv"
FIRST_RELEASED_RUSSIA_2023 = 26000.0  # USD million, the February 2024 figure of the page transcriptions


def first_release(panel: bytes) -> bytes:
    """The panel as first released: Russia's 2023 exports and imports scaled to the first-released turnover.

    The first release gave the turnover only, so both flows are scaled by the same factor; every other
    byte (line ends included) is the revised panel's.
    """
    transcribed = (ROOT / "data" / "raw" / "trade" / "kaz_trade_by_partner_page_transcriptions.csv").read_text()
    rows = list(csv.DictReader(transcribed.splitlines()))
    quoted = [r for r in rows if (r["year"], r["partner"], r["period"]) == ("2023", "Russia", "full year")]
    assert [float(r["value_usd_million"]) for r in quoted] == [FIRST_RELEASED_RUSSIA_2023]
    lines = panel.split(b"\n")
    for i, line in enumerate(lines):
        if line.startswith(b"RUS,2023,"):
            end = b"\r" if line.endswith(b"\r") else b""
            _, _, exports, imports = line.rstrip(b"\r").decode().split(",")
            factor = FIRST_RELEASED_RUSSIA_2023 / (float(exports) + float(imports))
            lines[i] = f"RUS,2023,{float(exports) * factor:.2f},{float(imports) * factor:.2f}".encode() + end
    return b"\n".join(lines)


def _manifest(tmp_path: Path, releases: str = "", active: str = "") -> Path:
    """A one-source manifest whose file is a copy of the panel, with ``releases`` and ``active`` as given."""
    source = load_manifest(ROOT / "data" / "sources.yml")["trade_partner_panel"]
    text = (
        "sources:\n"
        f"  - id: trade_partner_panel\n    path: {json.dumps(source.path)}\n    sha256: {json.dumps(source.sha256)}\n"
        f"    bytes: {source.bytes}\n    title: t\n    publisher: p\n    origin_url: u\n    licence: l\n"
        f"    coverage: c\n    unit: u\n    caveats: []\n    citation: c\n{active}{releases}"
    )
    path = tmp_path / "sources.yml"
    path.write_text(text)
    return path


def _release_yaml(label: str, data: bytes, path: str = FIRST) -> str:
    digest = hashlib.sha256(data).hexdigest()
    return (
        f'    releases:\n      - release: "{label}"\n        path: "{path}"\n        sha256: "{digest}"\n'
        f'        bytes: {len(data)}\n        date: "2024-02-23"\n'
    )


@pytest.fixture(scope="module")
def first() -> bytes:
    return first_release((ROOT / "data" / "raw" / PANEL).read_bytes())


# --- the manifest --------------------------------------------------------------------------------------------


def test_an_entry_without_releases_means_what_it_always_meant(root: Path) -> None:
    for source in load_manifest(root / "data" / "sources.yml").values():
        assert source.release == "original" and source.all_releases()[0].sha256 == source.sha256
    assert all(s.active is None for s in load_manifest(root / "data" / "sources.yml").values())


def test_the_active_release_is_the_one_in_use_and_the_others_stay_listed(tmp_path: Path, first: bytes) -> None:
    listed = load_manifest(_manifest(tmp_path, _release_yaml("2024-02-first", first)))["trade_partner_panel"]
    assert (listed.release, listed.path) == ("original", PANEL)
    active = load_manifest(_manifest(tmp_path, _release_yaml("2024-02-first", first), '    active: "2024-02-first"\n'))
    source = active["trade_partner_panel"]
    assert (source.release, source.path, source.sha256) == ("2024-02-first", FIRST, hashlib.sha256(first).hexdigest())
    assert [r.release for r in source.all_releases()] == ["2024-02-first", "original"]
    assert source.release_in_use().date == "2024-02-23", "the release in use keeps its own date"
    back = source.using("original")
    assert (back.path, back.sha256) == (listed.path, listed.sha256)


@pytest.mark.parametrize(
    ("releases", "active", "message"),
    [
        ("", '    active: "later"\n', "active release 'later' is not among its releases (original)"),
        (_release_yaml("original", b"x"), "", "two releases have the release 'original'"),
        (_release_yaml("later", b"x", PANEL), "", f"two releases have the path '{PANEL}'"),
        (_release_yaml("Later!", b"x"), "", "releases.0.release"),
    ],
)
def test_a_wrong_release_entry_is_one_line_naming_the_source(
    tmp_path: Path, releases: str, active: str, message: str
) -> None:
    with pytest.raises(PipelineError, match="trade_partner_panel") as caught:
        load_manifest(_manifest(tmp_path, releases, active))
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_vintages_name_a_known_source_and_release(tmp_path: Path, first: bytes) -> None:
    manifest = load_manifest(_manifest(tmp_path, _release_yaml("2024-02-first", first)))
    assert parse_vintages(["trade_partner_panel@2024-02-first"]) == {"trade_partner_panel": "2024-02-first"}
    chosen = with_vintages(manifest, {"trade_partner_panel": "2024-02-first"})
    assert chosen["trade_partner_panel"].path == FIRST and manifest["trade_partner_panel"].path == PANEL
    note = vintage_note(manifest, {"trade_partner_panel": "2024-02-first"})
    assert note == (
        "Built with another data release than the manifest's active one: trade_partner_panel@2024-02-first, "
        "released 2024-02-23 (instead of the active release original)."
    )
    assert vintage_note(manifest, {"trade_partner_panel": "original"}) == "", "the active release is no vintage"
    for bad, said in (
        (["trade_partner_panel"], "expected SOURCE@RELEASE"),
        (["a@b", "a@c"], "names two releases of a"),
        (["$(rm -rf x)@y"], "expected SOURCE@RELEASE"),
    ):
        with pytest.raises(PipelineError, match=said.replace("$", r"\$").replace("(", r"\(")):
            parse_vintages(bad)
    with pytest.raises(PipelineError, match=r"no source 'nope' in data/sources\.yml; sources with more than one"):
        with_vintages(manifest, {"nope": "x"})
    with pytest.raises(PipelineError, match=r"has no release 'x' in data/sources\.yml; its releases: original, 2024"):
        with_vintages(manifest, {"trade_partner_panel": "x"})


def test_a_vintage_reaches_the_kernel_through_the_run_file(
    tmp_path: Path, first: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A notebook's data layer reads the release its build names, from the run file; without one, the active."""
    from kzmv.data import manifest as manifest_module

    project = tmp_path / "project"
    (project / "data").mkdir(parents=True)
    (project / "pipeline.yml").write_text("report: {}\nnotebooks: []\n")
    _manifest(project / "data", _release_yaml("2024-02-first", first))
    run = tmp_path / "run"
    run.mkdir()
    context = RunContext("nb", project, tmp_path / "stage", run / "reads.txt", {"trade_partner_panel": "2024-02-first"})
    context.write(run)
    assert json.loads((run / RUN_FILE).read_text())["vintages"] == {"trade_partner_panel": "2024-02-first"}
    monkeypatch.chdir(run)
    assert manifest_module.manifest_entries()["trade_partner_panel"].path == FIRST
    assert manifest_module.load_manifest()["trade_partner_panel"].path == FIRST
    monkeypatch.chdir(project)  # explored: no run file
    assert manifest_module.manifest_entries()["trade_partner_panel"].path == PANEL


def test_a_notebook_that_read_a_raw_file_is_keyed_on_the_release_it_read(tmp_path: Path, first: bytes) -> None:
    project = tmp_path / "project"
    (project / "data").mkdir(parents=True)
    _manifest(project / "data", _release_yaml("2024-02-first", first))
    active = read_digest("raw:trade_partner_panel", project, project)
    vintage = read_digest("raw:trade_partner_panel", project, project, {"trade_partner_panel": "2024-02-first"})
    assert active == load_manifest(project / "data" / "sources.yml")["trade_partner_panel"].sha256
    assert vintage == hashlib.sha256(first).hexdigest()
    whole = [read_digest("data/sources.yml", project, project, v) for v in (None, {"trade_partner_panel": "original"})]
    assert whole[0] != whole[1], "a notebook that lists the manifest depends on which releases are in use"


# --- adding a release by hand --------------------------------------------------------------------------------


@pytest.fixture
def mirror(tmp_path: Path, first: bytes) -> Path:
    folder = tmp_path / "mirror"
    (folder / "trade").mkdir(parents=True)
    (folder / PANEL).write_bytes((ROOT / "data" / "raw" / PANEL).read_bytes())
    (folder / FIRST).write_bytes(first)
    return folder


def test_adding_a_release_records_it_after_the_entry_and_changes_nothing_else(
    root: Path, tmp_path: Path, mirror: Path, first: bytes
) -> None:
    manifest = tmp_path / "sources.yml"
    manifest.write_bytes((root / "data" / "sources.yml").read_bytes())
    before = manifest.read_text()
    release = add_release(
        "trade_partner_panel", FIRST, "2024-02-first", "2024-02-23", "first release", manifest, mirror
    )
    assert (release.sha256, release.bytes) == (hashlib.sha256(first).hexdigest(), len(first))
    after = manifest.read_text()
    added = [line for line in after.splitlines() if line not in before.splitlines()]
    assert added[0] == "    releases:" and added[1] == '      - release: "2024-02-first"'
    assert after.replace("\n".join(added) + "\n", "") == before, "only the release's lines were added"
    parsed = load_manifest(manifest)
    assert parsed["trade_partner_panel"].release == "original", "recorded, not activated"
    stub = (mirror / f"{FIRST}.provenance.md").read_text()
    assert "release 2024-02-first of trade_partner_panel" in stub and release.sha256 in stub and "TO COMPLETE" in stub
    # a second release goes to the same list, and activating one makes it the release in use
    (mirror / "trade" / "later.csv").write_bytes(first.replace(b"RUS,2024,", b"RUS,2024,1"))
    add_release("trade_partner_panel", "trade/later.csv", "later", manifest_path=manifest, mirror=mirror)
    assert [r.release for r in load_manifest(manifest)["trade_partner_panel"].all_releases()] == [
        "original",
        "2024-02-first",
        "later",
    ]
    activate_release("trade_partner_panel", "2024-02-first", manifest)
    assert load_manifest(manifest)["trade_partner_panel"].path == FIRST
    assert '\n    active: "2024-02-first"\n    releases:\n' in manifest.read_text()
    activate_release("trade_partner_panel", "original", manifest)
    assert "\n    active:" not in manifest.read_text(), "the top-level release is active without saying so"


@pytest.mark.parametrize(
    ("file", "label", "message"),
    [
        ("/etc/hostname", "x", "must be in the mirror"),
        ("trade/missing.csv", "x", "no such file in the mirror"),
        (FIRST, "original", "already has a release 'original'"),
        (PANEL, "again", "is already recorded as release original"),
        (FIRST, "Bad Label", "a release label is lower-case letters"),
        ("trade/broken.csv", "broken", "missing column(s) ['imports_usd_million']"),
    ],
)
def test_a_release_that_cannot_be_added_leaves_the_manifest_as_it_was(
    root: Path, tmp_path: Path, mirror: Path, file: str, label: str, message: str
) -> None:
    (mirror / "trade" / "broken.csv").write_text("iso3,year,exports_usd_million\nRUS,2023,1\n")
    manifest = tmp_path / "sources.yml"
    manifest.write_bytes((root / "data" / "sources.yml").read_bytes())
    with pytest.raises(PipelineError) as caught:
        add_release("trade_partner_panel", file, label, manifest_path=manifest, mirror=mirror)
    assert message in str(caught.value)
    assert manifest.read_bytes() == (root / "data" / "sources.yml").read_bytes()
    assert not (mirror / f"{file}.provenance.md").exists()


# --- the worked example, as a user runs it -------------------------------------------------------------------


def _claim(root: Path, claim_id: str) -> dict[str, str]:
    with (root / "data" / "processed" / "claims.csv").open(encoding="utf-8") as handle:
        return next(row for row in csv.DictReader(handle) if row["claim_id"] == claim_id)


@pytest.mark.slow
def test_the_first_release_of_russias_2023_trade_reverses_claim_b3_and_the_diff_says_so(
    tmp_path: Path, first: bytes
) -> None:
    """The four steps of the README: a file in the mirror, `make release`, `make report VINTAGE=`, the diff."""
    copy: Copy = built_copy(tmp_path)
    (copy.mirror / FIRST).write_bytes(first)  # 1. the file in the mirror
    added = copy.make("release", SOURCE="trade_partner_panel", FILE=FIRST, RELEASE="2024-02-first")  # 2.
    assert added.returncode == 0, added.stderr
    assert (copy.mirror / f"{FIRST}.provenance.md").is_file()
    built = copy.make("report", VINTAGE="trade_partner_panel@2024-02-first")  # 3.
    assert built.returncode == 0, built.stderr
    before, after = _claim(ROOT, "B3"), _claim(copy.root, "B3")
    assert (before["verdict"], after["verdict"]) == ("supported", "not supported")
    assert float(before["measured"]) > 0 > float(after["measured"]), "the measure crossed its threshold (0)"
    # 4. the build's last paragraph, and the diff in detail
    summary = built.stderr.strip().splitlines()[-1]
    assert summary.startswith("Against the outputs it replaced: 1 verdict changed (B3 supported → not supported)")
    assert "trade_group_shares" in summary
    assert "Built with another data release than the manifest's active one: trade_partner_panel@2024-02-first" in (
        built.stderr
    )
    report = (copy.root / "report" / "index.html").read_text(encoding="utf-8")
    assert "Built with another data release than the manifest&#39;s active one: trade_partner_panel@2024-02-first" in (
        report
    ), "the published report's data note says which release it was built from"
    text = render_text(compare(FolderOutputs(ROOT, label="committed"), FolderOutputs(copy.root, label="first")))
    why = f"B3 supported → not supported: measure {fmt(before['measured'])} → {fmt(after['measured'])}"
    assert why in text, text
    russia = "largest −1,054 USD million (turnover_usd_m, year 2023, group Russia: 27,054 → 26,000)"
    assert f"trade_group_shares (trade_by_group): 8 of 208 rows moved (8 changed); {russia}" in text, text
    # without VINTAGE the build goes back to the active release: the committed outputs, byte for byte
    back = copy.make("report")
    assert back.returncode == 0, back.stderr
    assert "1 verdict changed (B3 not supported → supported)" in back.stderr
    assert output_digests(copy.root) == output_digests(ROOT)
