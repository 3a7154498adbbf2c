/*
 * test_bench.c - the benchmark's own tests (make bench-test, part of make test).
 *
 *   - the trace reader: a good trace's counts, and a clear "file:line: what" error for every
 *     kind of bad trace, and the driver's non-zero exit on one;
 *   - the check pass fails on deliberately broken allocators (misaligned, overlapping, data
 *     lost by realloc, payload overwritten, sm_check failing), and the driver built on a
 *     broken allocator prints no figures;
 *   - the driver's sysalloc count equals what strace sees of mmap;
 *   - a smoke run of the driver on phase0 and on the system adapter (with jemalloc
 *     preloaded), in silent and in info mode;
 *   - the generator rewrites the shipped traces byte for byte.
 * ROOT (the repository, set by rules.mk) locates the binaries, which bench-test builds first.
 */
#include "align.h"
#include "trace.h"
#include "verify.h"

#include <criterion/criterion.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define PHASE0_BENCH ROOT "/build/phase0_original/smbench"
#define SYSTEM_BENCH ROOT "/build/system/smbench"
#define BROKEN_BENCH ROOT "/build/bench/smbench_broken"
#define GENTRACE     ROOT "/build/bench/gentrace"

static char tmpdir[64];

static void make_tmpdir(void)
{
    strcpy(tmpdir, "/tmp/bench-test-XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
}

static void remove_tmpdir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    cr_assert_eq(system(cmd), 0);
}

/* Writes text to tmpdir/name and returns the path (a static buffer per call site's use). */
static const char *write_file(const char *name, const char *text)
{
    static char path[4][128];
    static int next;
    char *p = path[next++ % 4];
    snprintf(p, 128, "%s/%s", tmpdir, name);
    FILE *f = fopen(p, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
    return p;
}

static char *read_file(const char *path)
{
    static char buf[1 << 16];
    FILE *f = fopen(path, "r");
    if (!f) return strcpy(buf, "");
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* Runs cmd with stdout to tmpdir/out and stderr to tmpdir/err; returns the exit status, and
 * fails the test if the command died of a signal (a crash). */
static int run(const char *cmd)
{
    char full[1024];
    snprintf(full, sizeof full, "%s >%s/out 2>%s/err", cmd, tmpdir, tmpdir);
    int st = system(full);
    cr_assert(st != -1 && WIFEXITED(st), "\"%s\" did not exit normally (status %d)", cmd, st);
    return WEXITSTATUS(st);
}

static const char *out_of_run(const char *which)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", tmpdir, which);
    return read_file(path);
}

/* The field'th (from 1) comma-separated field of a CSV line. */
static const char *csv_field(const char *line, int field, char *buf, size_t n)
{
    for (int i = 1; i < field && line; i++) {
        line = strchr(line, ',');
        line = line ? line + 1 : NULL;
    }
    cr_assert_not_null(line, "no field %d", field);
    size_t len = strcspn(line, ",\n");
    snprintf(buf, n, "%.*s", (int) len, line);
    return buf;
}

TestSuite(trace, .init = make_tmpdir, .fini = remove_tmpdir);

/* Loads the trace at path, which must load. */
static struct trace load_ok(const char *path)
{
    struct trace t;
    char err[256];
    cr_assert_eq(trace_load(path, &t, err, sizeof err), 0, "%s", err);
    return t;
}

Test(trace, good_trace_counts)
{
    struct trace t = load_ok(write_file("good.rep", "999\n2\n5\n1\n"
                                                    "a 0 100\n"
                                                    "# a comment, skipped\n"
                                                    "a 1 50\n"
                                                    "f 0\n"
                                                    "\n"
                                                    "r 1 200\n"
                                                    "f 1\n"));
    cr_expect_str_eq(t.name, "good");
    cr_expect_eq(t.num_ids, 2);
    cr_expect_eq(t.num_ops, 5);
    cr_expect_eq(t.allocs, 3);            /* two a, one r */
    cr_expect_eq(t.peak_live_bytes, 200); /* 100+50, then 50, then 200 */
    cr_expect_eq(t.ops[3].kind, OP_REALLOC);
    cr_expect_eq(t.ops[3].size, 200);
    trace_free(&t);
}

/* Loads text as bad.rep and requires an error that contains want (file and line included). */
static void expect_bad(const char *text, const char *want)
{
    struct trace t;
    char err[256], full[160];
    const char *p = write_file("bad.rep", text);
    cr_assert_eq(trace_load(p, &t, err, sizeof err), -1, "the bad trace was accepted");
    snprintf(full, sizeof full, "%s:%s", p, want);
    cr_expect(strstr(err, full) != NULL, "error \"%s\" does not contain \"%s\"", err, full);
}

Test(trace, unknown_operation)
{
    expect_bad("0\n2\n2\n1\na 0 8\nx 0 8\n", "6: unknown operation 'x'");
}

Test(trace, id_out_of_range)
{
    expect_bad("0\n2\n2\n1\na 0 8\na 2 8\n", "6: id 2 out of range (the header says 2 ids)");
}

Test(trace, fewer_operations_than_header)
{
    expect_bad("0\n2\n3\n1\na 0 8\nf 0\n", "6: the header says 3 operations, the file has 2");
}

/* CMU's driver stops at the header's count: so does the reader, with one warning. */
Test(trace, lines_past_the_header_count_are_ignored_with_a_warning)
{
    struct trace t = load_ok(write_file("extra.rep", "0\n2\n1\n1\na 0 8\nf 0\nf 1\n"));
    cr_expect_eq(t.num_ops, 1);
    cr_expect(strstr(t.warning, "extra.rep:6: 2 lines after the header's 1 operations") != NULL,
              "warning: \"%s\"", t.warning);
    trace_free(&t);
}

/* "f -1" is CMU's free(NULL): accepted, replayed as sm_free(NULL), warned about once. */
Test(trace, free_of_minus_one_is_free_null)
{
    struct trace t = load_ok(write_file("null.rep", "0\n1\n4\n1\nf -1\na 0 8\nf -1\nf 0\n"));
    cr_expect_eq(t.num_ids, 2, "id 0 and the null id");
    cr_expect_eq(t.null_id, 1);
    cr_expect_eq(t.ops[0].kind, OP_FREE);
    cr_expect_eq(t.ops[0].id, t.null_id);
    cr_expect_eq(t.ops[2].id, t.null_id);
    cr_expect(strstr(t.warning, "null.rep:5: 'f -1'") != NULL, "warning: \"%s\"", t.warning);
    cr_expect(strstr(t.warning, "2 such lines") != NULL, "warning: \"%s\"", t.warning);
    trace_free(&t);
    expect_bad("0\n1\n1\n1\nf -2\n", "5: 'f': the id is missing");
    expect_bad("0\n1\n1\n1\nf -1 3\n", "5: unexpected text");
    expect_bad("0\n1\n1\n1\na -1 8\n", "5: 'a': the id is missing");
}

/* Public copies of CMU's traces come with DOS line ends, and syn-*-short.rep ends lines with a
 * space ("f 5 "): both read like plain lines, header included. */
Test(trace, crlf_line_ends_and_trailing_spaces)
{
    struct trace t =
        load_ok(write_file("dos.rep", "0\r\n2\r\n4\r\n1\r\na 0 8\r\nr 1 24 \r\nf 0 \r\nf -1\r\n"));
    cr_expect_eq(t.num_ops, 4);
    cr_expect_eq(t.ops[1].size, 24);
    cr_expect_eq(t.ops[3].id, t.null_id);
    trace_free(&t);
}

/* alaska.rep:7 style: an allocation without its size stays an error. */
Test(trace, missing_size_is_an_error)
{
    expect_bad("0\n3\n2\n1\na 0 8\na 1\n", "6: 'a 1': the size is missing");
}

/* A header may claim 2^26 ids; the tables follow the ids used (here 1). */
Test(trace, id_table_is_sized_from_the_ids_used)
{
    struct trace t = load_ok(write_file("many.rep", "0\n67108864\n2\n1\na 0 8\nf 0\n"));
    cr_expect_eq(t.num_ids, 1);
    trace_free(&t);
}

Test(trace, name_keeps_everything_but_the_rep_suffix)
{
    const char *text = "0\n1\n1\n1\na 0 8\n";
    struct trace a = load_ok(write_file("ls.rep", text)), b = load_ok(write_file("ls.1.rep", text));
    cr_expect_str_eq(a.name, "ls");
    cr_expect_str_eq(b.name, "ls.1");
    trace_free(&a);
    trace_free(&b);
}

Test(trace, directory_and_nul_byte_are_errors)
{
    struct trace t;
    char err[256];
    cr_assert_eq(trace_load(tmpdir, &t, err, sizeof err), -1);
    cr_expect(strstr(err, "is a directory") != NULL, "error: \"%s\"", err);
    static const char nul[] = "0\n1\n1\n1\na 0\0 8\n";
    char path[128];
    snprintf(path, sizeof path, "%s/nul.rep", tmpdir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fwrite(nul, 1, sizeof nul - 1, f);
    fclose(f);
    cr_assert_eq(trace_load(path, &t, err, sizeof err), -1, "a NUL byte was accepted");
    cr_expect(strstr(err, "nul.rep:5: a NUL byte") != NULL, "error: \"%s\"", err);
}

Test(trace, free_of_id_not_live)
{
    expect_bad("0\n2\n3\n1\na 0 8\nf 0\nf 0\n", "7: free of id 0, which is not live");
    expect_bad("0\n2\n1\n1\nf 1\n", "5: free of id 1, which is not live");
}

Test(trace, allocation_of_live_id)
{
    expect_bad("0\n2\n2\n1\na 0 8\na 0 8\n", "6: allocation of id 0, which is live already");
}

Test(trace, malformed_fields)
{
    expect_bad("0\n2\n1\n1\na 0 lots\n", "5: 'a 0': the size is missing");
    expect_bad("0\n2\n1\n1\na\n", "5: 'a': the id is missing");
    expect_bad("0\n2\n1\n1\nf 0 8\n", "5: unexpected text");
    expect_bad("0\ntwo\n1\n1\n", "2: header: the number of ids is not a number");
    expect_bad("0\n2\n", "2: end of file inside the header");
}

Test(trace, driver_exits_non_zero_naming_file_and_line)
{
    const char *p = write_file("bad.rep", "0\n2\n2\n1\na 0 8\nq 1 8\n");
    char cmd[256];
    snprintf(cmd, sizeof cmd, "%s %s", PHASE0_BENCH, p);
    cr_expect_eq(run(cmd), 2);
    cr_expect(strstr(out_of_run("err"), ":6: unknown operation 'q'") != NULL, "stderr: %s",
              out_of_run("err"));
    cr_expect_str_eq(out_of_run("out"), "", "figures were printed for a bad trace");
}

/* ---- the check pass on broken allocators ---- */

static void *sys_malloc(size_t n)
{
    return malloc(n < 16 ? 16 : n);
}

static void *sys_realloc(void *p, size_t n)
{
    return realloc(p, n < 16 ? 16 : n);
}

static size_t sys_usable(void *p)
{
    return malloc_usable_size(p);
}

static int check_ok(void)
{
    return 0;
}

/* Misaligned: every block 8 bytes into a malloc'd one. */
static void *misaligned_malloc(size_t n)
{
    return (char *) malloc(n + 16) + 8;
}

static void misaligned_free(void *p)
{
    free((char *) p - 8);
}

static size_t misaligned_usable(void *p)
{
    return malloc_usable_size((char *) p - 8) - 8;
}

/* Overlapping: a bump allocator over a static arena that steps back half a block every
 * third allocation, so that a new block overlaps the one before. */
static _Alignas(16) char arena[1 << 20];
static size_t arena_top, arena_count;

static void *overlap_malloc(size_t n)
{
    size_t step = align_up(n, 16);
    if (++arena_count % 3 == 0 && arena_top >= 32) arena_top -= 32;
    void *p = arena + arena_top;
    arena_top += step ? step : 16;
    return p;
}

static void overlap_free(void *p)
{
    (void) p;
}

static size_t huge_usable(void *p)
{
    (void) p;
    return (size_t) 1 << 30;
}

/* Realloc that forgets to copy. */
static void *forgetful_realloc(void *p, size_t n)
{
    free(p);
    void *q = malloc(n < 16 ? 16 : n + 64); /* never the same block, and never copied */
    memset(q, 0, n);
    return q;
}

/* Scribbles on the block it handed out before (as a header written in the wrong place). */
static void *last_block;
static void *scribbling_malloc(size_t n)
{
    if (last_block) *(volatile char *) last_block ^= 0x5a;
    last_block = sys_malloc(n + 1);
    return last_block;
}

static int check_fails(void)
{
    return -1;
}

static struct trace load_generated(const char *pattern)
{
    char cmd[256], path[128];
    snprintf(path, sizeof path, "%s/%s.rep", tmpdir, pattern);
    snprintf(cmd, sizeof cmd, "%s %s > %s", GENTRACE, pattern, path);
    cr_assert_eq(system(cmd), 0, "%s failed", cmd);
    return load_ok(path);
}

static void expect_verify_fails(const struct bench_allocator *a, const char *pattern,
                                const char *want)
{
    struct trace t = load_generated(pattern);
    char err[512] = "";
    cr_expect_eq(verify_trace(&t, a, err, sizeof err), -1, "%s passed the check", a->name);
    cr_expect(strstr(err, want) != NULL, "error \"%s\" does not say \"%s\"", err, want);
    trace_free(&t);
}

TestSuite(check, .init = make_tmpdir, .fini = remove_tmpdir);

Test(check, correct_allocator_passes)
{
    struct bench_allocator a = {"glibc", sys_malloc, free, sys_realloc, sys_usable, check_ok};
    const char *patterns[] = {"slab_mix", "realloc-heavy", "coalescing"};
    for (int i = 0; i < 3; i++) {
        struct trace t = load_generated(patterns[i]);
        char err[512] = "";
        cr_expect_eq(verify_trace(&t, &a, err, sizeof err), 0, "%s: %s", patterns[i], err);
        trace_free(&t);
    }
}

Test(check, misaligned_blocks_fail)
{
    struct bench_allocator a = {"misaligned", misaligned_malloc, misaligned_free,
                                sys_realloc,  misaligned_usable, check_ok};
    expect_verify_fails(&a, "slab_mix", "is not aligned to 16 bytes");
}

Test(check, overlapping_blocks_fail)
{
    struct bench_allocator a = {"overlapping", overlap_malloc, overlap_free,
                                sys_realloc,   huge_usable,    check_ok};
    expect_verify_fails(&a, "phase1_pattern", "overlaps the live block");
}

Test(check, realloc_losing_data_fails)
{
    struct bench_allocator a = {"forgetful",       sys_malloc, free,
                                forgetful_realloc, sys_usable, check_ok};
    expect_verify_fails(&a, "realloc-heavy", "lost the data");
}

Test(check, overwritten_payload_fails)
{
    struct bench_allocator a = {"scribbler", scribbling_malloc, free,
                                sys_realloc, sys_usable,        check_ok};
    expect_verify_fails(&a, "slab_mix", "was overwritten while it was live");
}

Test(check, failing_sm_check_fails)
{
    struct bench_allocator a = {"inconsistent", sys_malloc, free,
                                sys_realloc,    sys_usable, check_fails};
    expect_verify_fails(&a, "slab_mix", "sm_check failed");
}

Test(check, driver_gives_no_figures_to_a_broken_allocator)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "%s %s/common/traces/slab_mix.rep", BROKEN_BENCH, ROOT);
    cr_expect_eq(run(cmd), 3);
    cr_expect_str_eq(out_of_run("out"), "", "a broken allocator got figures");
    cr_expect(strstr(out_of_run("err"), "check failed, no figures") != NULL, "stderr: %s",
              out_of_run("err"));
    cr_expect(strstr(out_of_run("err"), "not aligned") != NULL, "stderr: %s", out_of_run("err"));
}

/* ---- the driver against the outside world ---- */

TestSuite(driver, .init = make_tmpdir, .fini = remove_tmpdir);

/* strace's count of one system call in its -c summary file. */
static long strace_calls(const char *summary, const char *syscall)
{
    char line[256];
    long calls = 0;
    FILE *f = fopen(summary, "r");
    cr_assert_not_null(f, "no strace summary %s", summary);
    while (fgets(line, sizeof line, f)) {
        char name[32];
        double pct, secs;
        long usecs, n;
        if (sscanf(line, "%lf %lf %ld %ld %*s %31s", &pct, &secs, &usecs, &n, name) == 5 &&
            !strcmp(name, syscall))
            calls = n;
        else if (sscanf(line, "%lf %lf %ld %ld %31s", &pct, &secs, &usecs, &n, name) == 5 &&
                 !strcmp(name, syscall))
            calls = n;
    }
    fclose(f);
    return calls;
}

/* mmap calls strace counts for `smbench --once trace`, and the driver's sysalloc count. */
static void traced_run(const char *trace, long *mmaps, long *sysallocs)
{
    char cmd[512], summary[128], field[32];
    snprintf(summary, sizeof summary, "%s/strace.txt", tmpdir);
    snprintf(cmd, sizeof cmd, "strace -f -c -e trace=mmap,munmap -o %s %s --once %s", summary,
             PHASE0_BENCH, trace);
    cr_assert_eq(run(cmd), 0, "stderr: %s", out_of_run("err"));
    *sysallocs = atol(csv_field(out_of_run("out"), 11, field, sizeof field));
    *mmaps = strace_calls(summary, "mmap");
}

Test(driver, sysalloc_count_matches_strace)
{
    cr_assert_eq(system("command -v strace >/dev/null"), 0, "strace is missing: make deps");
    const char *empty = write_file("empty.rep", "0\n0\n0\n1\n");
    long base_mmaps, base_sys, mmaps, sys;
    traced_run(empty, &base_mmaps, &base_sys);
    traced_run(ROOT "/common/traces/random.rep", &mmaps, &sys);
    /* random.rep has 1% of blocks above 64 KiB: phase0 maps its chunks, and a big block for
     * each of those that no kept mapping fits (common/bigblock.h). */
    cr_expect_gt(sys, 20, "too few sysalloc calls (%ld) for the cross-check to mean much", sys);
    cr_expect_eq(base_sys, 0);
    cr_expect_eq(mmaps - base_mmaps, sys,
                 "strace saw %ld mmap calls more than for an empty trace, the driver counted %ld",
                 mmaps - base_mmaps, sys);
}

Test(driver, smoke_run_on_phase0)
{
    const char *p = write_file("smoke.rep", "0\n3\n6\n1\n"
                                            "a 0 24\na 1 100000\na 2 0\n"
                                            "f 1\nf 0\nf 2\n");
    char cmd[256], field[64];
    snprintf(cmd, sizeof cmd, "%s --header %s", PHASE0_BENCH, p);
    cr_assert_eq(run(cmd), 0, "stderr: %s", out_of_run("err"));
    const char *out = out_of_run("out");
    const char *row = strchr(out, '\n') + 1;
    cr_expect(!strncmp(out, "allocator,trace,ops,allocs,ns_per_op,", 37), "header: %s", out);
    cr_expect(!strncmp(row, "phase0_original,smoke,6,3,", 26), "row: %s", row);
    cr_expect_gt(atof(csv_field(row, 5, field, sizeof field)), 0.0);
    cr_expect_geq(atol(csv_field(row, 11, field, sizeof field)), 2, "one chunk and one big block");
    cr_expect_eq(atol(csv_field(row, 14, field, sizeof field)), 100024);
    cr_expect_eq(atol(csv_field(row, 19, field, sizeof field)), 1, "one large allocation");
    cr_expect_str_eq(csv_field(row, 21, field, sizeof field), "silent");

    snprintf(cmd, sizeof cmd, "SM_INFO=1 %s %s", PHASE0_BENCH, p);
    cr_assert_eq(run(cmd), 0, "stderr: %s", out_of_run("err"));
    cr_expect_str_eq(csv_field(out_of_run("out"), 21, field, sizeof field), "INFO MODE");
    cr_expect(strstr(out_of_run("err"), "sysalloc: asked") != NULL, "info mode printed nothing");
}

/* The caps of compare.sh for phase2: --max-ops keeps a prefix (the row counts what ran, the
 * live blocks are freed), --runs 1 times the replay from empty once; 2 to 4 runs stay refused. */
Test(driver, max_ops_and_one_run)
{
    const char *p = write_file("prefix.rep", "0\n3\n6\n1\n"
                                             "a 0 24\na 1 1000\nf 0\na 2 4000\nf 1\nf 2\n");
    char cmd[256], field[64];
    snprintf(cmd, sizeof cmd, "%s --runs 1 --max-ops 4 %s", PHASE0_BENCH, p);
    cr_assert_eq(run(cmd), 0, "stderr: %s", out_of_run("err"));
    const char *row = out_of_run("out");
    cr_expect_eq(atol(csv_field(row, 3, field, sizeof field)), 4, "ops: %s", row);
    cr_expect_eq(atol(csv_field(row, 4, field, sizeof field)), 3, "allocs: %s", row);
    cr_expect_eq(atol(csv_field(row, 14, field, sizeof field)), 5000, "peak live: %s", row);
    char med[64], lo[64], hi[64];
    csv_field(row, 5, med, sizeof med);
    csv_field(row, 6, lo, sizeof lo);
    csv_field(row, 7, hi, sizeof hi);
    cr_expect(!strcmp(med, lo) && !strcmp(med, hi), "one run: median %s, min %s, max %s", med, lo,
              hi);
    snprintf(cmd, sizeof cmd, "%s --runs 3 %s", PHASE0_BENCH, p);
    cr_expect_eq(run(cmd), 1, "--runs 3 accepted");
}

Test(driver, system_adapter_and_preload)
{
    char cmd[512], field[64];
    snprintf(cmd, sizeof cmd, "%s %s/common/traces/slab_mix.rep", SYSTEM_BENCH, ROOT);
    cr_assert_eq(run(cmd), 0, "stderr: %s", out_of_run("err"));
    cr_expect_str_eq(csv_field(out_of_run("out"), 1, field, sizeof field), "glibc");
    cr_expect_str_eq(csv_field(out_of_run("out"), 11, field, sizeof field), "",
                     "glibc has no sysalloc count");

    snprintf(cmd, sizeof cmd, "%s --expect jemalloc %s/common/traces/slab_mix.rep", SYSTEM_BENCH,
             ROOT);
    cr_expect_eq(run(cmd), 1, "--expect accepted glibc as jemalloc");
    cr_expect(strstr(out_of_run("err"), "running glibc") != NULL, "stderr: %s", out_of_run("err"));

    snprintf(
        cmd, sizeof cmd,
        "lib=$(/sbin/ldconfig -p | awk '$1 == \"libjemalloc.so.2\" { print $NF; exit }'); "
        "test -n \"$lib\" && LD_PRELOAD=$lib %s --expect jemalloc %s/common/traces/slab_mix.rep",
        SYSTEM_BENCH, ROOT);
    cr_assert_eq(run(cmd), 0, "jemalloc (libjemalloc2) is missing or failed: %s",
                 out_of_run("err"));
    cr_expect_str_eq(csv_field(out_of_run("out"), 1, field, sizeof field), "jemalloc");
}

Test(driver, usage_errors_exit_1)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "%s --runs 3 %s/common/traces/slab_mix.rep", PHASE0_BENCH, ROOT);
    cr_expect_eq(run(cmd), 1, "fewer than 5 runs were accepted");
    snprintf(cmd, sizeof cmd, "%s", PHASE0_BENCH);
    cr_expect_eq(run(cmd), 1);
    snprintf(cmd, sizeof cmd, "%s %s/no/such.rep", PHASE0_BENCH, tmpdir);
    cr_expect_eq(run(cmd), 2);
    cr_expect(strstr(out_of_run("err"), "cannot open") != NULL);
    /* 4294967301 is 5 modulo 2^32: read as an int it would run 5 times. */
    snprintf(cmd, sizeof cmd, "%s --runs 4294967301 %s/common/traces/slab_mix.rep", PHASE0_BENCH,
             ROOT);
    cr_expect_eq(run(cmd), 1, "--runs 4294967301 was accepted");
    cr_expect(strstr(out_of_run("err"), "--runs takes 1, or a whole number") != NULL, "stderr: %s",
              out_of_run("err"));
    snprintf(cmd, sizeof cmd, "%s --runs 7x %s/common/traces/slab_mix.rep", PHASE0_BENCH, ROOT);
    cr_expect_eq(run(cmd), 1, "--runs 7x was accepted");
}

/* CMU's lenient lines replay and check on a phase, with one warning naming file and line. */
Test(driver, cmu_lenient_lines_replay_with_a_warning)
{
    const char *p = write_file("cmu.rep", "0\n2\n5\n1\n"
                                          "a 0 24\nf -1\na 1 5000\nf 0\nf 1\n"
                                          "a 0 8\n");
    char cmd[256], field[64];
    snprintf(cmd, sizeof cmd, "%s %s", PHASE0_BENCH, p);
    cr_assert_eq(run(cmd), 0, "stderr: %s", out_of_run("err"));
    cr_expect_str_eq(csv_field(out_of_run("out"), 3, field, sizeof field), "5");
    const char *err = out_of_run("err");
    cr_expect(strstr(err, "cmu.rep:6: 'f -1'") != NULL, "stderr: %s", err);
    cr_expect(strstr(err, "cmu.rep:10: 1 line after the header's 5 operations") != NULL,
              "stderr: %s", err);
}

/* CMU's syn-largemem-short.rep holds 38 GB live at once ("a 5 25769804800"); the check pass
 * writes every live byte, so a trace larger than the machine's memory is refused before any
 * allocation (exit 4, no row), not left to swap or the OOM killer.  Here 8 TiB live. */
Test(driver, trace_larger_than_memory_is_not_replayed)
{
    const char *p = write_file("bigmem.rep", "0\n9\n9\n0\n"
                                             "a 0 16\n"
                                             "a 1 1099511627776\na 2 1099511627776\n"
                                             "a 3 1099511627776\na 4 1099511627776\n"
                                             "a 5 1099511627776\na 6 1099511627776\n"
                                             "a 7 1099511627776\na 8 1099511627776\n");
    char cmd[256];
    snprintf(cmd, sizeof cmd, "%s %s", PHASE0_BENCH, p);
    cr_expect_eq(run(cmd), 4, "stderr: %s", out_of_run("err"));
    cr_expect(strstr(out_of_run("err"), "bigmem.rep: 8796093022224 bytes live at once, more than "
                                        "this machine's") != NULL,
              "stderr: %s", out_of_run("err"));
    cr_expect_str_eq(out_of_run("out"), "", "a row was printed");
}

/* A trace of 0 operations has nothing to time: empty time columns, not a made-up ns/op. */
Test(driver, zero_operations_give_no_time)
{
    const char *p = write_file("none.rep", "0\n0\n0\n1\n");
    char cmd[256], field[64];
    snprintf(cmd, sizeof cmd, "%s %s", PHASE0_BENCH, p);
    cr_assert_eq(run(cmd), 0, "stderr: %s", out_of_run("err"));
    cr_expect_str_eq(csv_field(out_of_run("out"), 5, field, sizeof field), "");
    cr_expect(strstr(out_of_run("err"), "0 operations, nothing to time") != NULL);
}

/* A directory is its .rep files in name order, ls.rep and ls.1.rep under their own names; a
 * path with a space reaches compare.sh as one argument from `make bench TRACE=`. */
Test(driver, a_directory_replays_each_trace)
{
    char dir[256], cmd[1024], path[300];
    snprintf(dir, sizeof dir, "%s/cs app", tmpdir);
    cr_assert_eq(mkdir(dir, 0755), 0);
    static const char *const names[] = {"ls.rep", "ls.1.rep", "notes.txt"};
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        FILE *f = fopen(path, "w");
        cr_assert_not_null(f);
        fputs("0\n1\n2\n1\na 0 40\nf 0\n", f);
        fclose(f);
    }
    snprintf(cmd, sizeof cmd, "%s '%s'", PHASE0_BENCH, dir);
    cr_assert_eq(run(cmd), 0, "stderr: %s", out_of_run("err"));
    const char *out = out_of_run("out");
    cr_expect(strstr(out, "phase0_original,ls.1,2,") == out, "stdout: %s", out);
    cr_expect(strstr(out, "\nphase0_original,ls,2,") != NULL, "stdout: %s", out);
    cr_expect(strstr(out, "notes") == NULL, "a file without .rep was replayed: %s", out);

    snprintf(cmd, sizeof cmd, "make -n -C %s phase0 bench TRACE='%s/ls.1.rep' | grep compare.sh",
             ROOT, dir);
    cr_assert_eq(run(cmd), 0, "make -n: %s", out_of_run("err"));
    snprintf(path, sizeof path, "--trace \"%s/ls.1.rep\"", dir);
    cr_expect(strstr(out_of_run("out"), path) != NULL, "the path was split: %s", out_of_run("out"));
}

/* ---- the generator ---- */

TestSuite(gentrace, .init = make_tmpdir, .fini = remove_tmpdir);

Test(gentrace, shipped_traces_regenerate_byte_for_byte)
{
    const char *args[][2] = {{"phase1_pattern", "phase1_pattern"},
                             {"slab_mix", "slab_mix"},
                             {"binary", "binary"},
                             {"coalescing", "coalescing"},
                             {"random", "random"},
                             {"realloc-heavy", "realloc-heavy"},
                             {"realloc-growth", "realloc-growth"},
                             {"scale 1000", "scale_1e3"},
                             {"scale 10000", "scale_1e4"},
                             {"scale 100000", "scale_1e5"}};
    for (size_t i = 0; i < sizeof args / sizeof args[0]; i++) {
        char cmd[512];
        snprintf(cmd, sizeof cmd, "%s %s | cmp -s - %s/common/traces/%s.rep", GENTRACE, args[i][0],
                 ROOT, args[i][1]);
        cr_expect_eq(system(cmd), 0, "%s.rep differs from the generator's output (make traces)",
                     args[i][1]);
    }
}

/* The seed's figures: Phase 1 made 4,550 allocations; Phase 2 6,685 over 11 size classes. */
Test(gentrace, seed_traces_have_the_seed_counts)
{
    struct trace t = load_ok(ROOT "/common/traces/phase1_pattern.rep");
    cr_expect_eq(t.allocs, 4550);
    trace_free(&t);

    t = load_ok(ROOT "/common/traces/slab_mix.rep");
    cr_expect_eq(t.allocs, 6685);
    static const uint64_t classes[11] = {8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048};
    int used[11] = {0}, n = 0;
    for (size_t i = 0; i < t.num_ops; i++) {
        if (t.ops[i].kind == OP_FREE) continue;
        int c = 0;
        while (c < 11 && t.ops[i].size > classes[c])
            c++;
        cr_assert_lt(c, 11, "size %llu is above the largest class",
                     (unsigned long long) t.ops[i].size);
        used[c] = 1;
    }
    for (int c = 0; c < 11; c++)
        n += used[c];
    cr_expect_eq(n, 11, "slab_mix uses %d size classes", n);
    trace_free(&t);
}

/* ---- the orchestration: compare.sh and table.sh on one phase and one small trace ---- */

Test(driver, compare_script_prints_progress_and_the_seed_table)
{
    const char *p = write_file("tiny.rep", "0\n2\n4\n1\n"
                                           "a 0 40\na 1 72\nf 0\nf 1\n");
    char cmd[512];
    snprintf(cmd, sizeof cmd, "%s/common/bench/compare.sh bench --trace %s phase0_original", ROOT,
             p);
    cr_assert_eq(run(cmd), 0, "stderr: %s", out_of_run("err"));
    const char *out = out_of_run("out");
    cr_expect(strstr(out, "[1/1] phase0_original on tiny ... ") != NULL, "%s", out);
    cr_expect(strstr(out, "tiny: 2 allocations, 4 operations") != NULL, "%s", out);
    cr_expect(strstr(out, "| Total allocations          | 2           |") != NULL, "%s", out);
    cr_expect(strstr(out, "| Peak live payload          | 112 B       |") != NULL, "%s", out);
    cr_expect(strstr(out, "== summary: 1 cells measured, 0 failed, 0 capped") != NULL, "%s", out);

    /* Rounds: each cell once a round, and the CSV keeps the median process's row. */
    snprintf(cmd, sizeof cmd,
             "ROUNDS=3 %s/common/bench/compare.sh bench --trace %s phase0_original", ROOT, p);
    cr_assert_eq(run(cmd), 0, "stderr: %s", out_of_run("err"));
    out = out_of_run("out");
    double ns[3];
    for (int r = 0; r < 3; r++) {
        char tag[64];
        snprintf(tag, sizeof tag, "[1/1, round %d/3] phase0_original on tiny ... ", r + 1);
        const char *at = strstr(out, tag);
        cr_assert(at != NULL, "no line '%s' in: %s", tag, out);
        ns[r] = strtod(at + strlen(tag), NULL);
    }
    double median = ns[0] < ns[1] ? (ns[1] < ns[2]   ? ns[1]
                                     : ns[0] < ns[2] ? ns[2]
                                                     : ns[0])
                                  : (ns[0] < ns[2]   ? ns[0]
                                     : ns[1] < ns[2] ? ns[2]
                                                     : ns[1]);
    const char *csv = read_file(ROOT "/build/bench/bench.csv");
    const char *row = strstr(csv, "\nphase0_original,tiny,");
    cr_assert(row != NULL, "no phase0_original row in bench.csv: %s", csv);
    const char *field = row + 1;
    for (int f = 1; f < 5; f++) /* to field 5, ns_per_op */
        field = strchr(field, ',') + 1;
    double kept = strtod(field, NULL);
    cr_expect(kept > median - 0.051 && kept < median + 0.051,
              "kept %.2f ns/op; the median of %.2f, %.2f and %.2f is %.2f", kept, ns[0], ns[1],
              ns[2], median);
    cr_expect_eq(run("ROUNDS=0 " ROOT "/common/bench/compare.sh bench phase0_original"), 2);

    /* A cell that fails its check shows FAILED and makes the run fail. */
    const char *bad = write_file("bad.rep", "0\n1\n2\n1\nf 0\nf 0\n");
    snprintf(cmd, sizeof cmd, "%s/common/bench/compare.sh bench --trace %s phase0_original", ROOT,
             bad);
    cr_expect_eq(run(cmd), 1);
    cr_expect(strstr(out_of_run("out"), "FAILED: smbench: ") != NULL, "%s", out_of_run("out"));
}
