# regions.awk - the student's copy of one file (labs/handout/make.sh; labs/README.md).
#
#   awk -v stage=N -v file=PATH -f regions.awk PATH
#
# In a C file (.c, .h):#
# A region a student writes is marked in the instructors' source, each marker alone on its line:
#
#     /* BUILD-IT begin lab 1 */
#     ...the reference code...
#     /* BUILD-IT stub: SM_NOT_WRITTEN(1, n); */
#     /* BUILD-IT end */
#
# a region of a lab before `stage` is kept (markers dropped); any other is replaced by its stub,
# at the stub line's indentation, one statement a line, under a comment that sends the student to
# the handout.  The stub calls SM_NOT_WRITTEN(lab, ...), or SM_NOT_WRITTEN_NOTE(lab, ...) and
# returns where the caller has a slower correct way (common/not_written.h).  A region without a
# stub line (a helper the student writes as they like) is dropped entirely.
# In a Markdown file, the lines between a line that is exactly <!-- INSTRUCTOR-ONLY begin --> and
# one that is exactly <!-- INSTRUCTOR-ONLY end --> are dropped.  In any other file (a Makefile,
# a script), a line that ends in "# INSTRUCTOR-ONLY" is dropped.  Nested, unclosed or mismatched
# markers stop the run with the file and line.
function fail(msg) {
    printf "%s:%d: %s\n", file, FNR, msg > "/dev/stderr"
    failed = 1
    exit 1
}
BEGIN { c = file ~ /\.[ch]$/; md = file ~ /\.md$/ }
md && /^<!-- INSTRUCTOR-ONLY begin -->$/ { hide = 1; next }
md && /^<!-- INSTRUCTOR-ONLY end -->$/   { hide = 0; next }
!c && !md && /# INSTRUCTOR-ONLY$/ { next }
hide || !c { if (!hide) print; next }
/\/\* BUILD-IT begin lab [0-9]+ \*\/$/ {
    if (lab != "") fail("BUILD-IT begin inside the region opened at line " start)
    lab = $(NF - 1); start = FNR; stub = ""; body = ""
    next
}
/\/\* BUILD-IT stub: .* \*\/$/ {
    if (lab == "") fail("BUILD-IT stub outside a region")
    stub = $0
    sub(/\/\* BUILD-IT stub: /, "", stub)
    sub(/ \*\/$/, "", stub)
    if (stub !~ "SM_NOT_WRITTEN(_NOTE)?\\(" lab "[,)]") fail("the stub must call SM_NOT_WRITTEN(" lab ", ...) or SM_NOT_WRITTEN_NOTE(" lab ", ...)")
    next
}
/\/\* BUILD-IT end \*\/$/ {
    if (lab == "") fail("BUILD-IT end without a begin")
    if (lab + 0 < stage + 0) {
        printf "%s", body
    } else if (stub != "") {
        indent = stub
        sub(/[^ ].*/, "", indent)
        print indent "/* Yours to write: labs/lab" lab ".md, 'Build it'. */"
        if (stub !~ /^ *#/) gsub(/; /, ";\n" indent, stub) # one statement a line
        print stub
    }
    lab = ""
    next
}
/^[ \t]*\/\* BUILD-IT/ { fail("a BUILD-IT marker this script does not know") }
lab != "" { body = body $0 "\n"; next }
{ print }
END {
    if (!failed && lab != "") fail("the region opened at line " start " has no BUILD-IT end")
    if (!failed && hide) fail("INSTRUCTOR-ONLY begin without an end")
}
