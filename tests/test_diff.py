"""The findings diff: what moved between two sets of outputs, for a reader, as data, and at the end of a build."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from copies import ROOT, built_copy

from kzmv.engine.diff import (
    VERDICT_COLUMN,
    FolderOutputs,
    GitOutputs,
    compare,
    compare_claims,
    compare_sentences,
    diff_against,
    numbers_in,
    render_json,
    render_text,
    sentences,
    summary,
)
from kzmv.engine.figure_panel import FIGURE_KEY
from kzmv.errors import PipelineError
from kzmv.story.display import FINDINGS_KEY

# --- sentences and their numbers -----------------------------------------------------------------------------


def test_numbers_are_read_as_prose_writes_them() -> None:
    text = "Growth was −0.41 in 2019–2020, +0.17 in 2021-2022, 43,820 million, 2.2% and 1/HHI of 12.7."
    assert numbers_in(text) == ["-0.41", "2019", "2020", "+0.17", "2021", "2022", "43820", "2.2", "1", "12.7"]


def test_key_findings_are_split_into_sentences_without_markup() -> None:
    markdown = (
        "- **Trade leans two ways.** In 2024, the EU-27 bought 47% of exports. China (21%) led.\n"
        "- **Oil still pays.** See [the chart](#fig-energy_oil_routes): 53% in 2024."
    )
    assert sentences(markdown) == [
        "Trade leans two ways.",
        "In 2024, the EU-27 bought 47% of exports.",
        "China (21%) led.",
        "Oil still pays.",
        "See the chart: 53% in 2024.",
    ]


def test_sentences_are_compared_by_their_wording_then_their_numbers() -> None:
    old = ["Trade leans two ways.", "Russia took 12% of exports in 2024.", "It rose 14%.", "Gone 3 times."]
    new = ["Trade leans two ways.", "Russia took 11% of exports in 2024.", "It fell 2%.", "New 5."]
    changes = compare_sentences(old, new)
    assert [(c.kind, c.numbers) for c in changes] == [
        ("numbers", [("12", "11")]),
        ("reworded", [("14", "2")]),
        ("reworded", [("3", "5")]),
    ]
    assert [c.kind for c in compare_sentences(old, old[:2])] == ["removed", "removed"]


# --- the ledger ----------------------------------------------------------------------------------------------


def _ledger(rows: list[dict[str, str]]) -> tuple[list[str], list[dict[str, str]]]:
    return list(rows[0]), rows


def test_a_changed_verdict_is_reported_with_its_measure_and_a_new_verdict_scale_too() -> None:
    old = _ledger(
        [
            {"claim_id": "B3", "claim": "c", "measured": "0.31", "unit": "%", "verdict": "supported"},
            {"claim_id": "B4", "claim": "d", "measured": "1.0", "unit": "x", "verdict": "supported"},
            {"claim_id": "B5", "claim": "e", "measured": "", "unit": "", "verdict": "not testable"},
        ]
    )
    new = _ledger(
        [
            {
                "claim_id": "B3",
                "claim": "c",
                "measured": "-3.6",
                "unit": "%",
                "verdict": "not supported",
                "robust_share": "0.2",
            },
            {
                "claim_id": "B4",
                "claim": "d",
                "measured": "1.5",
                "unit": "x",
                "verdict": "supported",
                "robust_share": "0.9",
            },
            {"claim_id": "B6", "claim": "f", "measured": "", "unit": "", "verdict": "not testable", "robust_share": ""},
        ]
    )
    diff = compare_claims(old, new)
    assert [
        (v.claim_id, [(c.column, c.before, c.after) for c in v.changes], v.measure_before, v.measure_after)
        for v in diff.verdicts
    ] == [("B3", [("verdict", "supported", "not supported")], "0.31", "-3.6")]
    assert [(m.claim_id, m.before, m.after) for m in diff.measures] == [("B4", "1.0", "1.5")]
    assert (diff.added, diff.removed, diff.columns_added) == (["B6"], ["B5"], ["robust_share"])
    # once both sides have the new scale, a change of it alone is a verdict change
    later = _ledger([{**new[1][0], "robust_share": "0.4"}])
    moved = compare_claims(_ledger([new[1][0]]), later).verdicts
    assert [(c.column, c.before, c.after) for c in moved[0].changes] == [("robust_share", "0.2", "0.4")]


# --- figure tables, on two small output sets -----------------------------------------------------------------


def _notebook(findings: str, figures: list[dict[str, object]], params: dict[str, object]) -> str:
    outputs = [{"output_type": "display_data", "data": {"text/markdown": findings}, "metadata": {FINDINGS_KEY: True}}]
    outputs += [{"output_type": "display_data", "data": {}, "metadata": {FIGURE_KEY: f}} for f in figures]
    cell = {"cell_type": "code", "source": "", "metadata": {}, "outputs": outputs, "execution_count": 1}
    return json.dumps({"cells": [cell], "metadata": {"papermill": {"parameters": params}}, "nbformat": 4})


def _outputs(base: Path, table: str, findings: str, figures: list[str], focus: int) -> FolderOutputs:
    (base / "report" / "notebooks").mkdir(parents=True)
    (base / "data" / "processed").mkdir(parents=True)
    (base / "figures").mkdir()
    metas = [{"figure": f, "title": f"t {f}", "table": "groups", "rows": {"year": [2022, 2023]}} for f in figures]
    (base / "report" / "notebooks" / "nb.ipynb").write_text(_notebook(findings, metas, {"focus_year": focus}))
    (base / "data" / "processed" / "groups.csv").write_text(table)
    for name in figures:
        (base / "figures" / f"{name}.svg").write_text("<svg/>")
    dictionary = (
        "tables:\n  groups:\n    columns:\n      year: {type: integer, unit: year}\n      group: {type: string}\n"
        "      turnover: {type: float, unit: USD million}\n      share: {type: float, unit: percent}\n"
    )
    (base / "data" / "dictionary.yml").write_text(dictionary)
    return FolderOutputs(base, label=base.name)


TABLE = (
    "year,group,turnover,share\n2021,Russia,24,20\n2022,Russia,26972,21\n2023,Russia,27054,19\n2023,China,30060,21\n"
)


def test_a_figures_table_reports_rows_moved_and_the_largest_change_in_each_unit(tmp_path: Path) -> None:
    revised = TABLE.replace("2023,Russia,27054,19", "2023,Russia,26000,18.5").replace(
        "2021,Russia,24,20", "2021,Russia,1,1"
    )
    old = _outputs(tmp_path / "old", TABLE, "- Russia rose 14%.", ["shares", "gone"], 2024)
    new = _outputs(tmp_path / "new", revised + "2022,China,1,1\n", "- Russia rose 10%.", ["shares", "added"], 2023)
    diff = compare(old, new)
    (table,) = diff.tables
    assert (table.figure, table.table, table.changed, table.added, table.removed) == ("shares", "groups", 1, 1, 0)
    assert [(x.unit, x.change, x.row) for x in table.largest] == [
        ("USD million", -1054.0, "year 2023, group Russia"),
        ("percent", -0.5, "year 2023, group Russia"),
    ], "2021 is not drawn (the figure's rows are 2022 and 2023), so its change does not count"
    assert (diff.figures_added, diff.figures_removed) == (["added"], ["gone"])
    assert [(p.name, p.before, p.after) for p in diff.parameters] == [("focus_year", 2024, 2023)]
    text = render_text(diff)
    assert text.splitlines()[1] == "Inputs: parameters nb.focus_year 2024 → 2023."
    assert "  shares (groups): 2 of 4 rows moved (1 changed, 1 added); largest −1,054 USD million (turnover, " in text
    assert "Figures added: added; removed: gone" in text
    assert json.loads(render_json(diff))["tables"][0]["rows_moved"] == 2
    assert summary(diff) == (
        "Against the outputs it replaced: parameters nb.focus_year 2024 → 2023; no ledger to compare verdicts with, "
        "1 number in the key findings, 1 figure’s table (shares), 1 figure added (added), 1 figure removed (gone). `make diff` compares "
        "with the last commit in detail."
    )


def test_no_change_is_one_line(tmp_path: Path) -> None:
    old = _outputs(tmp_path / "old", TABLE, "- Russia rose 14%.", ["shares"], 2024)
    diff = compare(old, old)
    assert (
        render_text(diff)
        == "No finding changed between old and old: the same verdicts, key findings and figure tables."
    )
    assert summary(diff) == "Against the outputs it replaced: no finding changed."


# --- against git revisions -----------------------------------------------------------------------------------


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout


def _kzmv_diff(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kzmv.cli", "diff", *args], capture_output=True, text=True, cwd=cwd, check=False
    )


def test_make_diff_against_an_older_commit_of_this_repository(root: Path) -> None:
    """`make diff REF=` on the project's own history: the verdicts that changed since, computed independently."""
    ref = "3732993"  # "Argument: ..." of the claims ledger's growth: verdicts and key findings changed since
    try:
        _git(root, "cat-file", "-e", f"{ref}^{{commit}}")
    except subprocess.CalledProcessError:
        pytest.skip(f"commit {ref} is not in this clone's history (a shallow clone?)")
    old = {
        r["claim_id"]: r for r in csv.DictReader(_git(root, "show", f"{ref}:data/processed/claims.csv").splitlines())
    }
    with (root / "data" / "processed" / "claims.csv").open(encoding="utf-8") as handle:
        new = {r["claim_id"]: r for r in csv.DictReader(handle)}
    changed = sorted(k for k in old.keys() & new.keys() if old[k]["verdict"] != new[k]["verdict"])
    assert changed, "the chosen commit has verdicts that changed since"
    done = subprocess.run(
        ["make", "--no-print-directory", "diff", f"REF={ref}"], capture_output=True, text=True, cwd=root, check=False
    )
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert text.startswith(f"What changed between {ref} and the working tree:\n")
    assert f"Verdicts: {len(changed)} changed" in text
    for claim_id in changed:
        assert f"  {claim_id} {old[claim_id]['verdict']} → {new[claim_id]['verdict']}: measure " in text
    order = [text.index(part) for part in ("Verdicts:", "Key findings:", "Figure tables:", "Figures added:")]
    assert order == sorted(order), "verdicts, key findings, figure tables, figures: in that order"
    as_data = json.loads(_kzmv_diff(root, "--ref", ref, "--json").stdout)
    assert sorted(v["claim_id"] for v in as_data["claims"]["verdicts"]) == changed
    assert as_data == json.loads(render_json(diff_against(root, ref)))


def test_diff_against_a_commit_of_the_same_outputs_is_one_line_and_a_wrong_ref_one_error(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    for rel in ("data/processed", "figures", "report"):
        shutil.copytree(ROOT / rel, repo / rel)
    shutil.copy2(ROOT / "pipeline.yml", repo / "pipeline.yml")
    _git(repo.parent, "init", "-q", str(repo))
    _git(repo, "add", "-A")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "outputs")
    done = _kzmv_diff(repo)
    assert done.returncode == 0, done.stderr
    short = _git(repo, "rev-parse", "--short=7", "HEAD").strip()
    assert done.stdout == (
        f"No finding changed between HEAD ({short}) and the working tree: the same verdicts, key findings and "
        "figure tables.\n"
    )
    for ref, said in (("nope", "REF=nope: no such revision"), ("--output=x", "REF='--output=x': not a revision")):
        wrong = _kzmv_diff(repo, f"--ref={ref}")
        assert wrong.returncode == 2
        (line,) = wrong.stderr.strip().splitlines()
        assert line.startswith("error: ") and said in line, line
    with pytest.raises(PipelineError, match=r"not a git checkout|no such revision"):
        GitOutputs(tmp_path, "HEAD")


# --- the end of a build --------------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_parameter_run_ends_with_what_the_parameters_changed(tmp_path: Path) -> None:
    """`make report PARAMS=...`: the summary names the parameter and exactly the verdicts that changed."""
    copy = built_copy(tmp_path)
    done = copy.make("report", PARAMS="03_narrative.tolerance_pct=50")
    assert done.returncode == 0, done.stderr
    summary_line = done.stderr.strip().splitlines()[-1]
    with (ROOT / "data" / "processed" / "claims.csv").open(encoding="utf-8") as handle:
        before = {r["claim_id"]: r for r in csv.DictReader(handle)}
    with (copy.root / "data" / "processed" / "claims.csv").open(encoding="utf-8") as handle:
        after = {r["claim_id"]: r for r in csv.DictReader(handle)}
    # a verdict moves when the verdict or its robustness does (every column the ledger's verdict is told by)
    columns = [c for c in next(iter(after.values())) if VERDICT_COLUMN.search(c)]
    changed = [k for k in after if any(before[k][c] != after[k][c] for c in columns)]
    assert [k for k in changed if before[k]["verdict"] != after[k]["verdict"]], "a tolerance of 50% changes a verdict"
    assert summary_line.startswith(
        "Against the outputs it replaced: parameters 03_narrative.tolerance_pct 10.0 → 50.0; "
        f"{len(changed)} verdict{'s' if len(changed) > 1 else ''} changed ("
    )
    for claim_id in changed[:6]:  # the summary names the first six
        if before[claim_id]["verdict"] != after[claim_id]["verdict"]:
            assert f"{claim_id} {before[claim_id]['verdict']} → {after[claim_id]['verdict']}" in summary_line
        else:
            assert f"{claim_id} " in summary_line
    # the same parameters again: nothing runs, and nothing is summarised
    again = copy.make("report", PARAMS="03_narrative.tolerance_pct=50")
    assert "Nothing to do" in again.stderr and "Against the outputs it replaced" not in again.stderr
