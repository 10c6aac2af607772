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
each word is one ``NOTEBOOK.NAME=VALUE``.
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


def default_jobs() -> int:
    """One notebook more than the machine has cores.

    Why one more: a notebook that waits for its inputs, or a kernel still
    starting, leaves a core idle; measured on two cores, three notebooks side by
    side made the cold build about a tenth faster than two. The outputs do not
    depend on it.
    """
    return (os.cpu_count() or 1) + 1


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


def _cmd_report(args: argparse.Namespace) -> None:
    from kzmv.data.fetch import fetch_all
    from kzmv.engine.lock import build_lock
    from kzmv.engine.pipeline import load_pipeline, parse_overrides
    from kzmv.engine.publish import recover
    from kzmv.engine.runner import build

    items = parameter_items(args.param)
    paths = _build_paths()
    with build_lock(paths, wait=not args.no_wait, command="kzmv report"):
        recover(paths, _log)
        overrides = parse_overrides(items, load_pipeline(paths.root / "pipeline.yml"))
        fetch_all(replaced=_raw_replaced)
        result = build(overrides=overrides, only=args.only, force=args.force, jobs=args.jobs, raw_verified=True)
    _log(
        f"Report built in {result.seconds:.1f}s: ran {len(result.ran)} notebook(s)"
        f"{' (' + ', '.join(result.ran) + ')' if result.ran else ''}, skipped {len(result.skipped)}; "
        f"report/index.html {'rendered' if result.rendered else 'unchanged'}."
    )


def _cmd_params(args: argparse.Namespace) -> None:
    from kzmv.engine.cells import write_parameters_cells

    changed = write_parameters_cells(_build_paths().root)
    _log(
        f"Wrote the parameters cell of {', '.join(changed)} from pipeline.yml"
        if changed
        else "Every notebook's parameters cell is already what pipeline.yml declares."
    )


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
    report.add_argument("--force", action="store_true", help="rerun every notebook")
    report.add_argument(
        "--jobs",
        type=int,
        default=default_jobs(),
        help=f"notebooks run side by side (default {default_jobs()}: one more than the cores)",
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
    args = parser.parse_args(argv)
    from kzmv.engine.faults import interrupted_by, signal_of, stop_on_signals

    stop_on_signals()
    try:
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
