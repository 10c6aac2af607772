"""The entry point the Makefile calls: ``python -m kzmv.cli <command>``.

Every failure a user can meet ends in one message and a non-zero exit, never
a traceback: a user error or fault (:class:`~kzmv.errors.PipelineError`: bad
data, a bad parameter, a failing notebook, a dead kernel) exits 2; a full
disk or a permission problem met outside a notebook exits 2 too, naming the
path; another build holding the checkout exits 75 with ``--no-wait``; Ctrl-C
exits 130, saying what state the published outputs are in. Anything else is a
bug: one line says so, and the traceback is saved to a file for the report.

Every command first completes (or undoes) a publish that a killed build left
half done (see :mod:`kzmv.engine.publish`), so no command ever acts on mixed
outputs.

Parameters come from ``-p NOTEBOOK.NAME=VALUE`` and from the environment
variable ``KZMV_PARAMS`` (what ``make report PARAMS="..."`` sets): its text is
split like a shell would split words (quotes group, nothing is executed) and
each word is one ``NOTEBOOK.NAME=VALUE``. Raw releases other than the active
ones come the same way, from ``--vintage SOURCE@RELEASE`` and ``KZMV_VINTAGE``
(``make report VINTAGE=...``).

What changed: ``kzmv diff [--ref REF] [--json]`` compares the outputs of the
working tree with those committed at a revision (``make diff REF=...``; the
Makefile hands REF over in ``KZMV_DIFF_REF``); ``kzmv release add`` records a
release put in the mirror by hand, ``kzmv release activate`` makes one the
default, and ``kzmv update --source worldbank|owid`` fetches the newest ones
from the publishers' open APIs.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shlex
import sys
import tempfile
import traceback
from collections.abc import Mapping
from typing import TYPE_CHECKING

from kzmv.errors import PipelineError

if TYPE_CHECKING:
    from kzmv.data.manifest import Source
    from kzmv.engine.layout import BuildPaths

PARAMS_ENV = "KZMV_PARAMS"
VINTAGE_ENV = "KZMV_VINTAGE"
REF_ENV = "KZMV_DIFF_REF"


def default_jobs() -> int:
    """Two notebooks more than the machine has cores.

    Why more than the cores: a notebook that waits for its inputs, or a kernel
    still starting, leaves a core idle. Why two more: when the first notebook
    ends, the two that wait on it start at once beside the two still running,
    instead of the longer of them waiting for a slot; measured on two cores
    (three cold builds each, alternating), four side by side took 0.4 to 1.9 s
    less than three, and three a tenth less than two. The outputs do not depend on it.
    """
    return (os.cpu_count() or 1) + 2


def _log(message: str) -> None:
    with contextlib.suppress(OSError, ValueError):  # a closed terminal: the build goes on, and stops cleanly on SIGHUP
        print(message, file=sys.stderr)


def _raw_replaced(source: Source, origin: str) -> None:
    """One line for a raw file that did not match its checksum and was fetched again."""
    _log(
        f"warning: data/raw/{source.path} did not match its checksum in data/sources.yml (edited after fetching?); "
        f"replaced with the verified copy from {origin}. Raw data is immutable: to change a file, change the "
        "mirror and its manifest entry"
    )


def _build_paths() -> BuildPaths:
    from kzmv import paths
    from kzmv.engine.layout import BuildPaths

    return BuildPaths(paths.project_root())


def _repair_if_idle() -> None:
    """Complete an interrupted publish if no build is running; a running build owns its own publish."""
    from kzmv.engine.faults import BuildBusyError
    from kzmv.engine.lock import build_lock
    from kzmv.engine.publish import recover

    paths = _build_paths()
    try:
        with build_lock(paths, wait=False, command="kzmv data"):
            recover(paths, _log)
    except BuildBusyError:
        pass


def _cmd_data(args: argparse.Namespace) -> None:
    from kzmv import paths
    from kzmv.data.fetch import fetch_all

    _repair_if_idle()
    paths_done = fetch_all(
        progress=(lambda sid: _log(f"  ok  {sid}")) if args.verbose else None, replaced=_raw_replaced
    )
    _log(f"Fetched and verified {len(paths_done)} raw files into {paths.raw_dir()}")


def _cmd_clean(args: argparse.Namespace) -> None:
    from kzmv.engine.lock import build_lock
    from kzmv.engine.publish import clean

    paths = _build_paths()
    with build_lock(paths, wait=not args.no_wait, command="kzmv clean"):
        clean(paths, _log)
    _log(f"Removed {paths.build_dir} (the build cache, stage and logs); the published outputs stay.")


def parameter_items(cli_items: list[str] | None, environ: Mapping[str, str] = os.environ) -> list[str]:
    """The ``NOTEBOOK.NAME=VALUE`` items of ``KZMV_PARAMS`` (split into words, never run) and of ``-p``."""
    text = environ.get(PARAMS_ENV, "")
    try:
        from_env = shlex.split(text, comments=False, posix=True)
    except ValueError as exc:  # an unmatched quote
        raise PipelineError(
            f"PARAMS / {PARAMS_ENV}: {exc} in {text!r}; write NOTEBOOK.NAME=VALUE items separated by spaces, "
            "quoting a value that has spaces, e.g. PARAMS=\"05_energy_macro.neighbours='[RUS, CHN]'\""
        ) from None
    return [*from_env, *(cli_items or [])]


def vintage_items(cli_items: list[str] | None, environ: Mapping[str, str] = os.environ) -> list[str]:
    """The ``SOURCE@RELEASE`` items of ``KZMV_VINTAGE`` (split into words, never run) and of ``--vintage``."""
    text = environ.get(VINTAGE_ENV, "")
    try:
        from_env = shlex.split(text.replace(",", " "), comments=False, posix=True)
    except ValueError as exc:
        raise PipelineError(f"VINTAGE / {VINTAGE_ENV}: {exc} in {text!r}; write SOURCE@RELEASE items") from None
    return [*from_env, *(cli_items or [])]


def _cmd_report(args: argparse.Namespace) -> None:
    from kzmv.data.fetch import fetch_all
    from kzmv.data.manifest import load_manifest, parse_vintages, vintage_note, with_vintages
    from kzmv.engine.lock import build_lock
    from kzmv.engine.pipeline import load_pipeline, parse_overrides
    from kzmv.engine.publish import recover
    from kzmv.engine.runner import build

    items = parameter_items(args.param)
    vintages = parse_vintages(vintage_items(args.vintage))
    paths = _build_paths()
    with build_lock(paths, wait=not args.no_wait, command="kzmv report"):
        recover(paths, _log)
        overrides = parse_overrides(items, load_pipeline(paths.root / "pipeline.yml"))
        manifest = load_manifest(paths.root / "data" / "sources.yml")
        fetch_all(manifest=with_vintages(manifest, vintages), replaced=_raw_replaced)
        result = build(
            overrides=overrides,
            only=args.only,
            force=args.force,
            jobs=args.jobs,
            raw_verified=True,
            vintages=vintages,
        )
    _log(
        f"Report built in {result.seconds:.1f}s: ran {len(result.ran)} notebook(s)"
        f"{' (' + ', '.join(result.ran) + ')' if result.ran else ''}, skipped {len(result.skipped)}; "
        f"report/index.html {'rendered' if result.rendered else 'unchanged'}."
    )
    note = vintage_note(manifest, vintages)
    if note:
        _log(f"{note} The published report says so in its data note; `make report` without VINTAGE goes back.")
    if result.changes:
        _log(result.changes)


def _cmd_diff(args: argparse.Namespace) -> None:
    from kzmv.engine.diff import diff_against, render_json, render_text

    ref = args.ref or os.environ.get(REF_ENV) or "HEAD"
    _repair_if_idle()
    diff = diff_against(_build_paths().root, ref)
    print(render_json(diff) if args.json else render_text(diff))


def _cmd_release(args: argparse.Namespace) -> None:
    from kzmv.data.manifest import load_manifest, parse_vintages
    from kzmv.data.releases import activate_release, add_release
    from kzmv.engine.lock import build_lock

    paths = _build_paths()
    if args.action == "list":
        for source in load_manifest(paths.root / "data" / "sources.yml").values():
            if source.releases or args.all:
                others = ", ".join(r.release + (f" ({r.date})" if r.date else "") for r in source.releases)
                print(f"{source.id}: {source.release} in use{'; also ' + others if others else ''}")
        return
    with build_lock(paths, wait=True, command=f"kzmv release {args.action}"):
        if args.action == "add":
            release = add_release(args.source, args.file, args.release, date=args.date, note=args.note)
            _log(
                f"Recorded {args.source}@{release.release} ({release.path}, sha256 {release.sha256[:12]}..., "
                f"{release.bytes} bytes) in data/sources.yml; complete its provenance note "
                f"{release.provenance} in the mirror. Build with it: make report VINTAGE={args.source}@{release.release}"
            )
        else:
            ((source_id, label),) = parse_vintages([args.vintage]).items()
            activate_release(source_id, label)
            _log(
                f"{source_id}@{label} is now the release the report is built from; run `make report` and commit "
                "data/sources.yml with the outputs"
            )


def _cmd_update(args: argparse.Namespace) -> None:
    from kzmv.engine.diff import render_text
    from kzmv.engine.lock import build_lock
    from kzmv.engine.update import NOTHING_CHANGED, describe, findings_of, update

    publisher = args.source or os.environ.get("KZMV_UPDATE_SOURCE") or ""
    if publisher not in ("worldbank", "owid"):
        raise PipelineError(
            f"SOURCE={publisher or '(none)'}: `make update` fetches from worldbank or owid, the publishers with an "
            "open API; other sources' releases are added by hand (README, 'Data releases')"
        )
    paths = _build_paths()
    base_url = args.base_url or os.environ.get("KZMV_UPDATE_BASE_URL") or None
    with build_lock(paths, wait=True, command="kzmv update"):
        try:
            outcome = update(publisher, paths.root, base_url, args.timeout, log=_log)
        except PipelineError as exc:
            message = str(exc)
            raise PipelineError(message if NOTHING_CHANGED in message else f"{message}; {NOTHING_CHANGED}") from None
    for source_id, why in outcome.unchanged.items():
        print(f"{source_id}: {why}; no new release")
    for source_id, release in outcome.recorded.items():
        print(
            f"{source_id}: recorded release {release.release} ({release.path}, not active), "
            f"{describe(outcome.series[source_id])}"
        )
    if not outcome.recorded:
        print(f"No new release from {publisher}: the manifest is unchanged.")
        return
    chosen = " ".join(f"{sid}@{label}" for sid, label in outcome.vintages().items())
    if args.no_build:
        print(f"To see which findings the new releases move: make report VINTAGE='{chosen}'")
    else:
        print(render_text(findings_of(paths.root, outcome.vintages(), _log)))
    print(f"To build the report from them by default: kzmv release activate SOURCE@RELEASE (one of {chosen}).")


def _cmd_params(args: argparse.Namespace) -> None:
    from kzmv.engine.cells import write_parameters_cells

    changed = write_parameters_cells(_build_paths().root)
    _log(
        f"Wrote the parameters cell of {', '.join(changed)} from pipeline.yml"
        if changed
        else "Every notebook's parameters cell is already what pipeline.yml declares."
    )


def _prepare_host() -> None:
    """What the machine must give a build, arranged before anything starts (see :mod:`kzmv.engine.host`)."""
    from kzmv import paths
    from kzmv.engine.host import ensure_open_files, settle_home

    ensure_open_files()
    try:
        root = paths.project_root()
    except RuntimeError:
        return  # not in a checkout: the command says so itself
    settle_home(root)


def _save_traceback() -> str:
    """Write the current exception's traceback to a file; return where (for the bug report)."""
    try:
        fd, name = tempfile.mkstemp(prefix="kzmv-error-", suffix=".txt")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            traceback.print_exc(file=out)
        return name
    except OSError:
        return "(it could not be saved)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kzmv", description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    data = sub.add_parser("data", help="fetch the raw files into data/raw and verify their checksums")
    data.add_argument("-v", "--verbose", action="store_true")
    data.set_defaults(func=_cmd_data)
    report = sub.add_parser("report", help="run the notebooks that changed and render report/index.html")
    report.add_argument(
        "-p",
        "--param",
        action="append",
        metavar="NOTEBOOK.NAME=VALUE",
        help=f"override a notebook parameter, e.g. 01_trade.focus_year=2023 (also read from ${PARAMS_ENV})",
    )
    report.add_argument(
        "--only", action="append", metavar="NOTEBOOK", help="run only this notebook and those downstream of it"
    )
    report.add_argument(
        "--vintage",
        action="append",
        metavar="SOURCE@RELEASE",
        help=f"build with another release of a raw source than the active one (also read from ${VINTAGE_ENV})",
    )
    report.add_argument("--force", action="store_true", help="rerun every notebook")
    report.add_argument(
        "--jobs",
        type=int,
        default=default_jobs(),
        help=f"notebooks run side by side (default {default_jobs()}: two more than the cores)",
    )
    for command in (report, sub.add_parser("clean", help="remove .build (cache, stage, failed notebooks)")):
        command.add_argument(
            "--no-wait",
            action="store_true",
            help="if another build is running in this checkout, exit at once (status 75) instead of waiting",
        )
    report.set_defaults(func=_cmd_report)
    sub.add_parser(
        "params", help="write each notebook's papermill parameters cell from its declaration in pipeline.yml"
    ).set_defaults(func=_cmd_params)
    sub.choices["clean"].set_defaults(func=_cmd_clean)
    diff = sub.add_parser("diff", help="which verdicts, key findings and figure tables changed since a git revision")
    diff.add_argument("--ref", help=f"the revision to compare with (default ${REF_ENV}, else HEAD)")
    diff.add_argument("--json", action="store_true", help="print the same as JSON")
    diff.set_defaults(func=_cmd_diff)
    release = sub.add_parser("release", help="record a raw source's release put in the mirror, or activate one")
    actions = release.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="record FILE (in the mirror) as a new release of SOURCE")
    add.add_argument("source", metavar="SOURCE", help="the source id in data/sources.yml")
    add.add_argument("file", metavar="FILE", help="the release's file, as a path in the mirror")
    add.add_argument("--release", required=True, help="its label, e.g. 2024-02-first")
    add.add_argument("--date", help="when the publisher released it (YYYY-MM-DD)")
    add.add_argument("--note", help="what it is, in a sentence")
    activate = actions.add_parser("activate", help="make SOURCE@RELEASE the release the report is built from")
    activate.add_argument("vintage", metavar="SOURCE@RELEASE")
    listing = actions.add_parser("list", help="the sources with more than one release, and the one in use")
    listing.add_argument("--all", action="store_true", help="every source, with one release or more")
    release.set_defaults(func=_cmd_release)
    upd = sub.add_parser("update", help="fetch the newest releases from a publisher's open API (worldbank, owid)")
    upd.add_argument("--source", choices=["worldbank", "owid"], help="the publisher (default $KZMV_UPDATE_SOURCE)")
    upd.add_argument(
        "--base-url", help="the API's base URL, for a mirror or a test server (default $KZMV_UPDATE_BASE_URL)"
    )
    upd.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for each answer (default 30)")
    upd.add_argument("--no-build", action="store_true", help="record the releases without building the report")
    upd.set_defaults(func=_cmd_update)
    args = parser.parse_args(argv)
    from kzmv.engine.faults import interrupted_by, signal_of, stop_on_signals

    stop_on_signals()
    try:
        _prepare_host()
        args.func(args)
    except PipelineError as exc:
        _say(f"error: {exc}")
        return int(getattr(exc, "exit_status", 2))
    except KeyboardInterrupt as exc:
        signum = signal_of(exc)
        _say(
            f"{interrupted_by(signum)}: this command published nothing; data/processed, figures and report are as "
            "they were"
        )
        return 128 + signum
    except OSError as exc:
        from kzmv.engine.faults import describe_os_error

        _say(f"error: {describe_os_error(exc)}; the published outputs were not touched")
        return 2
    except Exception as exc:
        where = _save_traceback()
        _say(f"internal error (a bug, not your input): {type(exc).__name__}: {exc}; the traceback is in {where}")
        return 1
    return 0


def _say(line: str) -> None:
    """The command's last line, on stderr; a terminal closed meanwhile (SIGHUP) must not turn it into a traceback."""
    with contextlib.suppress(OSError, ValueError):
        print(line, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
