#!/usr/bin/env bash
# Install the checkers that the site tests run, from the npm registry, into a directory
# (default: .nox/site-tools), and print where they are, one NAME=path line each:
#   VNU_JAR   the Nu HTML checker (package vnu-jar), run on Java
#   AXE_CORE  axe-core's script, which the browser tests inject into each page
# The versions are pinned, so that a new release of a checker cannot fail a build that passed
# yesterday. To move to a newer one, see `npm view axe-core version` (or vnu-jar), change its
# version below and run the site tests; a rule it adds may find something to fix.
set -euo pipefail
PACKAGES=(vnu-jar@26.9.27 axe-core@4.14.1)
root="$(cd "$(dirname "$0")/.." && pwd)"
prefix="${1:-$root/.nox/site-tools}"
modules="$prefix/node_modules"
if [[ "$(cat "$prefix/installed" 2>/dev/null)" != "${PACKAGES[*]}" ]]; then
  command -v npm >/dev/null || { echo "npm is needed to install ${PACKAGES[*]}" >&2; exit 1; }
  mkdir -p "$prefix"
  npm install --prefix "$prefix" --no-save --no-audit --no-fund --silent "${PACKAGES[@]}" >&2
  echo "${PACKAGES[*]}" > "$prefix/installed"
fi
echo "VNU_JAR=$modules/vnu-jar/build/dist/vnu.jar"
echo "AXE_CORE=$modules/axe-core/axe.min.js"
