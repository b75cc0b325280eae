#!/bin/bash
# Install the system packages that `make book` or `make test` needs and the machine lacks, with
# apt-get (Debian/Ubuntu) when root or password-less sudo allows; otherwise stop and say what to
# install. Usage: scripts/system_packages.sh book|test
set -euo pipefail

missing=()
command -v npm > /dev/null || missing+=(nodejs npm)
"${PYTHON:-python3}" -c 'import venv, ensurepip' 2> /dev/null || missing+=(python3-venv)
if [ "${1:-book}" = test ]; then
  [ -x /usr/bin/chromium ] || missing+=(chromium)              # the browser tests drive Debian's Chromium
  command -v ip > /dev/null || missing+=(iproute2)              # lets them cut the network (unshare -n)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo > /dev/null && sudo -n true 2> /dev/null; then
  as_root=(sudo -n)
else
  echo "missing system packages: ${missing[*]}" >&2
  echo "install them as root, then run make again:  sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
if ! command -v apt-get > /dev/null; then
  echo "missing: ${missing[*]} (and no apt-get here): install them with your package manager;" >&2
  echo "the browser tests expect Chromium at /usr/bin/chromium" >&2
  exit 1
fi
echo "installing with apt-get: ${missing[*]}"
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
