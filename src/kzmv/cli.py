"""The entry point the Makefile calls: ``python -m kzmv.cli <command>``.

User errors (bad data, bad parameters, a failing notebook) print one message
and exit with status 2; the traceback is for bugs only.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from kzmv.errors import PipelineError

if TYPE_CHECKING:
    from kzmv.build.fork_server import KernelTemplate


def _cmd_data(args: argparse.Namespace) -> None:
    from kzmv import paths
    from kzmv.data.fetch import fetch_all

    paths_done = fetch_all(progress=(lambda sid: print(f"  ok  {sid}", file=sys.stderr)) if args.verbose else None)
    print(f"Fetched and verified {len(paths_done)} raw files into {paths.raw_dir()}", file=sys.stderr)


def _early_kernel_template() -> KernelTemplate | None:
    """Start the kernel template (see :mod:`kzmv.build.fork_server`) before anything else.

    Its imports then run on the other core while this process imports the
    runner and works out what to run, instead of after. If nothing needs to
    run, it is stopped unused. Any problem here (a broken ``pipeline.yml``,
    say) is left for the build to report properly.
    """
    from kzmv import paths
    from kzmv.build import fork_server as kernel_template

    if not kernel_template.fork_enabled():
        return None
    try:
        import yaml

        root = paths.project_root()
        listed = yaml.safe_load((root / "pipeline.yml").read_text(encoding="utf-8"))["notebooks"]
        return kernel_template.KernelTemplate(kernel_template.notebook_imports(root / nb["path"] for nb in listed))
    except Exception:
        return None


def _cmd_report(args: argparse.Namespace) -> None:
    template = _early_kernel_template()
    try:
        from kzmv.build.runner import build
        from kzmv.build.spec import parse_overrides
        from kzmv.data.fetch import fetch_all

        overrides = parse_overrides(args.param or [])
        fetch_all()
        result = build(overrides=overrides, only=args.only, force=args.force, jobs=args.jobs, raw_verified=True)
    finally:
        if template is not None:
            template.close()
    print(
        f"Report built in {result.seconds:.1f}s: ran {len(result.ran)} notebook(s)"
        f"{' (' + ', '.join(result.ran) + ')' if result.ran else ''}, skipped {len(result.skipped)}; "
        f"report/index.html {'rendered' if result.rendered else 'unchanged'}.",
        file=sys.stderr,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kzmv", description=__doc__)
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
        help="override a notebook parameter, e.g. 01_trade.focus_year=2023",
    )
    report.add_argument(
        "--only", action="append", metavar="NOTEBOOK", help="run only this notebook and those downstream of it"
    )
    report.add_argument("--force", action="store_true", help="rerun every notebook")
    report.add_argument("--jobs", type=int, default=2, help="notebooks run side by side (default 2)")
    report.set_defaults(func=_cmd_report)
    args = parser.parse_args(argv)
    try:
        args.func(args)
    except PipelineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: published outputs were left as they were", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
