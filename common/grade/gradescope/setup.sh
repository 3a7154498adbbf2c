#!/bin/bash
# setup.sh - Gradescope runs it once, as root, when it builds the autograder's image
# (/autograder/source holds this archive).  Installs what the grader needs; the package names
# are the same on Debian and on Gradescope's Ubuntu images.
set -e
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    make gcc libc6-dev libcriterion-dev valgrind jq util-linux
