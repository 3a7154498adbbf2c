#!/bin/sh
# deps.sh - installs the Debian packages listed in common/deps.txt that are missing.
# Quiet and quick when everything is there; uses sudo when not run as root.
#   deps.sh --check    installs nothing: names the missing packages and fails (the targets
#                      that must not install: make, make lint, make plots-test, ...)
set -e
list="$(dirname "$0")/../deps.txt"
missing=""
for pkg in $(sed 's/#.*//' "$list"); do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0
if [ "${1:-}" = --check ]; then
    echo "deps: missing$missing: \`make deps\` installs them (so do \`make test\` and \`make compare\`)" >&2
    exit 1
fi
if ! command -v apt-get >/dev/null; then
    echo "deps: missing$missing, and this is not a Debian or Ubuntu machine: install them by hand" >&2
    exit 1
fi
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "deps: installing$missing"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
