#!/usr/bin/env bash
# make.sh - make handout: the student's copy of the course (labs/README.md, "The handout").
#
#   labs/handout/make.sh [STAGE]     (make handout STAGE=N; STAGE defaults to 0)
#
# Writes build/handout/, a git repository with one commit (ready to push as a template
# repository), and build/handout.tar.gz (the same tree without .git).  It holds every file git
# tracks (or would: new files not yet committed) except those matched by labs/handout/exclude, each passed through regions.awk: the
# BUILD-IT regions of labs STAGE and later become their stubs, those of earlier labs stay
# complete, and the instructor-only parts of Markdown files go.  STAGE=2, say, is the copy an
# instructor releases after lab 1's deadline: phase0 and phase1 complete, the rest to write.
set -euo pipefail
cd "$(dirname "$0")/../.."
stage=${1:-0}
case $stage in *[!0-9]* | '') echo "make handout: STAGE must be a lab number, not '$stage'" >&2; exit 2 ;; esac
out=build/handout
rm -rf "$out" build/handout.tar.gz
mkdir -p "$out"
mapfile -t patterns < <(grep -v '^#' labs/handout/exclude | grep .)

excluded() {
    local pat
    for pat in "${patterns[@]}"; do
        # shellcheck disable=SC2053 # the pattern is a glob on purpose
        [[ $1 == $pat ]] && return 0
    done
    return 1
}

regions=0 files=0
while IFS= read -r f; do
    [ -f "$f" ] || continue # deleted in the working tree
    excluded "$f" && continue
    mkdir -p "$out/$(dirname "$f")"
    if grep -qE '^[[:space:]]*/\* BUILD-IT |^<!-- INSTRUCTOR-ONLY|# INSTRUCTOR-ONLY$' "$f"; then
        awk -v stage="$stage" -v file="$f" -f labs/handout/regions.awk "$f" >"$out/$f"
        chmod --reference="$f" "$out/$f"
        regions=$((regions + $(grep -cE '^[[:space:]]*/\* BUILD-IT begin' "$f" || true)))
    else
        cp -p "$f" "$out/$f"
    fi
    files=$((files + 1))
done < <(git ls-files --cached --others --exclude-standard)

cd "$out"
git init -q
git add -A
git -c user.name=course -c user.email=course@localhost commit -q \
    -m "Starter code: the allocators to build, labs 0-5 (stage $stage)"
cd - >/dev/null
tar -czf build/handout.tar.gz --exclude=.git -C build handout
echo "make handout: $out (stage $stage): $files files, $regions BUILD-IT regions" \
    "(labs $stage and later stubbed), and build/handout.tar.gz"
