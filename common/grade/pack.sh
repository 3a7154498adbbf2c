#!/bin/bash
# pack.sh - the Gradescope autograder archive (make gradescope): setup.sh and run_autograder at
# its top, the grader's tree beside them (the top Makefile, common/, the phase folders),
# GRADE_TRACES' traces as hidden_traces/, and grade.conf (GRADE_PHASES, GRADE_SET).
#
#   pack.sh OUT.zip        (GRADE_PHASES="phase1_bitmap ..." GRADE_TRACES=dir GRADE_SET=full)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
zip=$(realpath -m "${1:?usage: pack.sh OUT.zip}")
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
phases=${GRADE_PHASES:-phase0_original phase1_bitmap phase2_slab phase2_1_batched}
cd "$root"
# The files git tracks, or every file when the tree is not a repository (a student copy).
read -ra dirs <<<"$phases"
files=$(git ls-files Makefile common "${dirs[@]}" 2>/dev/null || find Makefile common "${dirs[@]}" -type f)
echo "$files" | grep -v '^common/grade/tests/' | tar -cf - -T - | tar -xf - -C "$stage"
cp "$here/gradescope/setup.sh" "$here/gradescope/run_autograder" "$stage/"
if [ -n "${GRADE_TRACES:-}" ]; then
    mkdir -p "$stage/hidden_traces"
    cp "$GRADE_TRACES"/*.rep "$stage/hidden_traces/"
fi
printf 'GRADE_PHASES="%s"\nGRADE_SET=%s\n' "$phases" "${GRADE_SET:-full}" >"$stage/grade.conf"
rm -f "$zip"
(cd "$stage" && zip -qr "$zip" .)
echo "gradescope: $zip ($(unzip -l "$zip" | tail -1 | awk '{ print $2 }') files; phases: $phases${GRADE_TRACES:+; hidden traces from $GRADE_TRACES})"
