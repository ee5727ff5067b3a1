#!/bin/sh
# Install textrepair as a user would and check it restores like the checkout.
#
#   sh tools/wheel_check.sh [PYTHON]      (make wheel-test)
#
# Builds the wheel from a clean copy of the committed tree, installs it into a fresh venv outside
# the checkout, runs `textrepair fetch` into a fresh data home, restores both national witnesses
# from another directory, and compares the outputs with the checkout's, byte for byte.
set -eu
PY=${1:-python3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

git -C "$ROOT" archive --format=tar HEAD | (mkdir "$WORK/src" && tar -x -C "$WORK/src")
"$PY" -m pip wheel -q --no-deps -w "$WORK/dist" "$WORK/src"
WHEEL=$(ls "$WORK"/dist/textrepair-*.whl)
echo "wheel: $(basename "$WHEEL") ($(du -k "$WHEEL" | cut -f1) KB)"
"$PY" -m venv "$WORK/venv"
"$WORK/venv/bin/python" -m pip install -q "$WHEEL"
"$WORK/venv/bin/python" -c 'from textrepair.lm import _kernel' ||
  { echo "the wheel lacks the scorer's compiled loop (textrepair/lm/_kernel.c)" >&2; exit 1; }

mkdir "$WORK/elsewhere"
cd "$WORK/elsewhere"
export TEXTREPAIR_HOME="$WORK/home"
"$WORK/venv/bin/textrepair" fetch
"$WORK/venv/bin/textrepair" fetch --check
status=0
for kind in dropped ocr; do
  case $kind in
    dropped) witness=national_yijian_dropped.txt ;;
    ocr) witness=national_yijian_ocr_reprint.txt ;;
  esac
  "$WORK/venv/bin/textrepair" restore --kind "$kind" "$ROOT/corpora/$witness" > "$WORK/installed.$kind"
  (cd "$ROOT" && TEXTREPAIR_HOME= "$PY" -m textrepair restore --kind "$kind" "corpora/$witness") > "$WORK/checkout.$kind"
  if cmp -s "$WORK/installed.$kind" "$WORK/checkout.$kind"; then
    echo "$witness: the installed package's output is the checkout's ($(wc -c < "$WORK/installed.$kind") bytes)"
  else
    echo "$witness: the installed package's output differs from the checkout's" >&2
    status=1
  fi
done
exit $status
