#!/usr/bin/env bash
# Install the Nu HTML checker (vnu.jar) from the npm registry's vnu-jar package into a
# directory (default: .nox/site-tools) and print the path of vnu.jar. The version is pinned so
# that a new checker release cannot fail a build that passed yesterday.
set -euo pipefail
VERSION=26.9.27
root="$(cd "$(dirname "$0")/.." && pwd)"
prefix="${1:-$root/.nox/site-tools}"
jar="$prefix/vnu.jar"
if [[ ! -f "$jar" || "$(cat "$prefix/vnu.version" 2>/dev/null)" != "$VERSION" ]]; then
  command -v npm >/dev/null || { echo "npm is needed to install vnu-jar" >&2; exit 1; }
  mkdir -p "$prefix"
  npm install --prefix "$prefix" --no-save --no-audit --no-fund --silent "vnu-jar@$VERSION" >&2
  cp "$prefix/node_modules/vnu-jar/build/dist/vnu.jar" "$jar"
  echo "$VERSION" > "$prefix/vnu.version"
fi
echo "$jar"
