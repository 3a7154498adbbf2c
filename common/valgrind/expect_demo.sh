#!/bin/sh
# expect_demo.sh LOG SIZE - checks that memcheck's log of `valgrind_demo SIZE` (demo.c) reports
# all three of its bugs, each with its stack in demo.c, and exits 1 naming any it misses.
#
#   leak   "SIZE bytes in 1 blocks are definitely lost", allocated from leak_one_block (demo.c)
#   read   "Invalid read of size 1" at read_after_free (demo.c).  memcheck usually adds "inside
#          a block of size SIZE free'd", but it describes an address by the nearest block it
#          knows, and in a slab the freed slot may sit a few bytes after a live one ("8 bytes
#          after a block of size SIZE alloc'd"), so the description is not required.
#   write  "Invalid write of size 1" at write_one_past_end (demo.c), "0 bytes after a block of
#          size SIZE" ("a recently re-allocated block" when the address was freed just before):
#          memcheck knows where the block ends, slack included
# Without the client requests in common/sm_api.c memcheck sees none of the three.
set -u
log=${1:?usage: expect_demo.sh LOG SIZE}
size=${2:?usage: expect_demo.sh LOG SIZE}
# One report is a paragraph of the log; memcheck writes 100000 as 100,000, so commas go.
awk -v size="$size" '
    function report(   i, body) {
        body = ""
        for (i = 1; i <= n; i++) body = body "\n" line[i]
        if (line[1] == "Invalid write of size 1" &&
            line[2] ~ /^ *at .*write_one_past_end \(demo\.c:[0-9]+\)/ &&
            body ~ ("is 0 bytes after a (recently re-allocated )?block of size " size " alloc"))
            write = 1
        if (line[1] == "Invalid read of size 1" &&
            line[2] ~ /^ *at .*read_after_free \(demo\.c:[0-9]+\)/)
            read = 1
        if (index(line[1], size " bytes in 1 blocks are definitely lost") == 1 &&
            index(body, "leak_one_block (demo.c:"))
            leak = 1
        n = 0
    }
    { sub(/^==[0-9]+== ?/, ""); gsub(/,/, "") }
    /still reachable: [1-9]/ { reachable = 1 }
    /^ *$/ { report(); next }
    { line[++n] = $0 }
    END {
        report()
        if (!leak) {
            print "  missing: the leaked block (definitely lost, from leak_one_block)"
            if (reachable)
                print "    it is \"still reachable\": the allocator keeps a plain pointer to it in" \
                      " memory memcheck scans (store ~p, or keep that memory closed:" \
                      " common/sm_valgrind.h); find it with vgdb who_points_at"
        }
        if (!read)  print "  missing: the read after free (Invalid read in read_after_free)"
        if (!write) print "  missing: the one-byte overflow (Invalid write in write_one_past_end)"
        exit !(leak && read && write)
    }' "$log"
