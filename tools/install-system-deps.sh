#!/usr/bin/env bash
# Install the system programs that the browser tests of the site need, from Debian's
# packages: Chromium (Playwright drives it; its own browser download is not used), a Java
# runtime (for the Nu HTML checker) and npm (which installs the checkers,
# tools/install-site-tools.sh).
# Does nothing when all are there; installs what is missing when run as root; otherwise says
# what to install and fails.
set -euo pipefail

missing=()
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
command -v npm >/dev/null 2>&1 || missing+=(npm)

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "The site tests need ${missing[*]} (Debian packages), and only root can install them." >&2
  echo "Run: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi

echo "Installing ${missing[*]} with apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
