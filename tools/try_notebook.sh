#!/usr/bin/env bash
# Run one notebook in isolation, without touching published outputs.
# Usage: tools/try_notebook.sh 01_trade [-p focus_year 2023 ...]
# Outputs land in a temporary copy of data/processed and figures; the executed
# notebook is written to $TMP/<name>.ipynb and its path printed at the end.
# Set KZMV_TRY_ROOT=/some/dir to reuse one output root across several notebooks
# (e.g. run 01 and 02, then 03 reading what they wrote).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
name=$1; shift
if [ -n "${KZMV_TRY_ROOT:-}" ]; then
  tmp=$KZMV_TRY_ROOT
  [ -d "$tmp/data/processed" ] || { mkdir -p "$tmp/data" && cp -r "$here/data/processed" "$tmp/data/" && cp -r "$here/figures" "$tmp/"; }
else
  tmp=$(mktemp -d /tmp/kzmv-try.XXXXXX)
  mkdir -p "$tmp/data" && cp -r "$here/data/processed" "$tmp/data/" && cp -r "$here/figures" "$tmp/"
fi
KZMV_OUTPUT_ROOT=$tmp "$here/.venv/bin/papermill" --cwd "$here/notebooks" --no-progress-bar \
  "$here/notebooks/$name.ipynb" "$tmp/$name.ipynb" "$@"
echo "executed notebook: $tmp/$name.ipynb ; outputs under $tmp"
