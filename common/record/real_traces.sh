#!/bin/sh
# real_traces.sh - records the shipped real-program traces, common/traces/real_*.rep.
#
#   common/record/real_traces.sh        (after make record-tools)
#
# Each is one process of a real program, capped under 1 MB.  Re-recording on another machine
# gives traces of the same shape, not byte for byte the same ones: a program's allocations
# depend on its version, its locale and the C library.
set -e
cd "$(dirname "$0")/../.."
rec=common/record/record.sh

# sqlite3: 20000 rows inserted, an index built over them, a grouped query.
$rec common/traces/real_sqlite.rep sqlite3 :memory: \
    "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, grp INT);
     WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
     INSERT INTO t SELECT i, printf('name%06d', i * 7919 % 20011), i % 97 FROM n;
     CREATE INDEX t_name ON t(name);
     SELECT grp, count(*), max(name) FROM t GROUP BY grp ORDER BY grp LIMIT 3;" > /dev/null

# perl: a hash of 20000 strings of many lengths, its keys sorted by value.
$rec common/traces/real_perl.rep perl -e \
    'my %h; $h{sprintf(q(k%07d), $_ * 7919 % 1000003)} = q(v) x ($_ % 50) for 1..20000;
     my @k = sort { $h{$a} cmp $h{$b} or $a cmp $b } keys %h; print scalar(@k), qq(\n)' > /dev/null

# gcc: cc1 compiling one of the course's files at -O2 (its first 90000 operations).
MAX_OPS=90000 $rec common/traces/real_gcc.rep \
    gcc -O2 -Icommon -D_GNU_SOURCE -S -o /dev/null common/diag.c
