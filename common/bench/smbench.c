/*
 * smbench.c - the benchmark driver: one program, linked against each phase's libsm.a
 * (build/<phase>/smbench) or the system allocator adapter (build/system/smbench).
 *
 *   smbench [options] trace.rep|directory...
 *     --runs N      timed runs per trace (default 5, the median is reported); 1 for an
 *                   allocator too slow for a median (phase2): the replay from empty is the
 *                   one timed, and min = median = max
 *     --max-ops N   only the first N operations of each trace (the blocks still live then
 *                   are freed, outside the timing); the row's ops and allocs say what ran
 *     --once        one replay from an empty allocator, no check pass: for strace and callgrind
 *     --name NAME   the allocator column (default: sm_name())
 *     --expect NAME exit with an error unless sm_name() is NAME (is LD_PRELOAD in effect?)
 *     --header      print the CSV header first
 *
 * For each trace, one line of plots/data/compare.csv on stdout (the columns are in
 * csv_header below), after these steps:
 *   1. the check pass (verify.h): unmeasured; a failure prints the error and exits 3;
 *   2. sm_teardown(), then one replay from the empty allocator: its counters are the
 *      sysalloc calls, peak mapped bytes, cache hits, slab/pool counts and init time
 *      reported;
 *   3. WARMUPS more replays, untimed (none with --runs 1): an allocator's state takes a few
 *      replays to settle after a teardown (the frees between runs reorder its free lists and
 *      with them where each block lands), and until it has, a replay can take twice as long
 *      as later ones, the same count of instructions executed; the C library's allocator,
 *      never torn down, is settled by the check pass already (README.md, "Warm-up");
 *   4. --runs timed replays, the whole loop between two CLOCK_MONOTONIC readings (a clock
 *      call per operation would cost as much as the allocation it measures); the blocks a
 *      trace leaves live are freed between runs, outside the timing.
 * With SM_INFO=1 every sysalloc call prints a line, which costs far more than the call: the
 * driver still runs but every row's mode column says "INFO MODE" instead of "silent".
 * A directory stands for its .rep files, in name order (a CS:APP trace set, for example).
 * What the reader accepted leniently (CMU's "f -1", lines past the header's count) is one
 * warning per trace on stderr; a trace of 0 operations has nothing to time: its row leaves the
 * time columns empty.  A trace that holds more bytes live at once than the machine has memory
 * (CMU's syn-largemem-short.rep: 38 GB) is not started: the check pass writes every live byte,
 * and would push the machine into swap or the OOM killer before the allocator ran out.
 * Exit status: 0, 1 for a usage error, 2 for a bad trace, 3 for an allocator that failed, 4 for a
 * trace larger than this machine's memory.
 */
#include "replay.h"
#include "now_ns.h"
#include "sm.h"
#include "trace.h"
#include "verify.h"

#include <dirent.h>
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Defined only in system_adapter.c and in libsm.a's sysalloc.c respectively. */
extern const int bench_system_adapter __attribute__((weak));
extern void sysalloc_reset_peak(void) __attribute__((weak));

static const char csv_header[] =
    "allocator,trace,ops,allocs,ns_per_op,ns_per_op_min,ns_per_op_max,ns_per_alloc,"
    "alloc_time_us,ops_per_sec,sysalloc_calls,sysalloc_per_1k_allocs,peak_mapped_bytes,"
    "peak_live_bytes,utilization,cache_hit_rate,slab_allocs,pool_allocs,large_allocs,init_ns,"
    "mode";

struct options {
    int runs, once, header;
    size_t max_ops;
    const char *name, *expect;
};

struct result {
    uint64_t median_ns, min_ns, max_ns;
    struct sm_stats cold; /* counter deltas over the replay from empty */
};

static int by_value(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *) a, y = *(const uint64_t *) b;
    return (x > y) - (x < y);
}

static size_t usable_size(void *p)
{
    return sm_usable_size(p);
}

static const struct bench_allocator sm_allocator = {
    .malloc = sm_malloc,
    .free = sm_free,
    .realloc = sm_realloc,
    .usable_size = usable_size,
    .check = sm_check,
};

static void stats_delta(struct sm_stats *d, const struct sm_stats *a, const struct sm_stats *b)
{
    d->sysalloc_calls = b->sysalloc_calls - a->sysalloc_calls;
    d->cache_hits = b->cache_hits - a->cache_hits;
    d->cache_misses = b->cache_misses - a->cache_misses;
    d->slab_allocations = b->slab_allocations - a->slab_allocations;
    d->pool_allocations = b->pool_allocations - a->pool_allocations;
    d->large_allocations = b->large_allocations - a->large_allocations;
    d->init_ns = b->init_ns - a->init_ns;
    d->peak_bytes_mapped = b->peak_bytes_mapped;
}

static int failed_at(const char *who, const struct trace *t, size_t op)
{
    fprintf(stderr, "smbench: %s on %s: the allocator returned NULL at operation %zu\n", who,
            t->name, op);
    return 3;
}

#define WARMUPS 5

/* n replays of t, each followed by the cleanup, their times in times[] when it is given.  0, or
 * what replay_trace returned for the one that failed. */
static size_t replays(const struct trace *t, void **ptrs, int n, uint64_t *times)
{
    for (int i = 0; i < n; i++) {
        uint64_t t0 = now_ns();
        size_t bad = replay_trace(t, ptrs);
        uint64_t t1 = now_ns();
        if (bad) return bad;
        replay_cleanup(t, ptrs);
        if (times) times[i] = t1 - t0;
    }
    return 0;
}

/* Steps 2 to 4 of the file comment.  Returns 0 or an exit status. */
static int measure(const struct trace *t, const struct options *o, const char *who,
                   struct result *r)
{
    void **ptrs = calloc(t->num_ids ? t->num_ids : 1, sizeof *ptrs);
    uint64_t *times = calloc((size_t) o->runs, sizeof *times);
    struct sm_stats before, after;
    if (!ptrs || !times) {
        fprintf(stderr, "smbench: out of memory\n");
        exit(3);
    }
    sm_teardown();
    if (sysalloc_reset_peak) sysalloc_reset_peak();
    sm_stats(&before);
    uint64_t t0 = now_ns();
    size_t bad = replay_trace(t, ptrs);
    uint64_t t1 = now_ns();
    sm_stats(&after);
    stats_delta(&r->cold, &before, &after);
    times[0] = t1 - t0;
    int single = o->once || o->runs == 1;
    if (!bad) replay_cleanup(t, ptrs);
    if (!bad && !single) bad = replays(t, ptrs, WARMUPS, NULL);
    if (!bad && !single) bad = replays(t, ptrs, o->runs, times);
    if (bad) {
        free(ptrs);
        free(times);
        return failed_at(who, t, bad);
    }
    int n = single ? 1 : o->runs;
    qsort(times, (size_t) n, sizeof *times, by_value);
    r->median_ns = n % 2 ? times[n / 2] : (times[n / 2 - 1] + times[n / 2]) / 2;
    r->min_ns = times[0];
    r->max_ns = times[n - 1];
    free(times);
    free(ptrs);
    return 0;
}

static void print_row(const struct trace *t, const char *who, const struct result *r)
{
    const char *info = getenv("SM_INFO"); /* the same rule as sysalloc.c */
    int is_system = &bench_system_adapter != NULL;
    double ops = t->num_ops ? (double) t->num_ops : 1, allocs = t->allocs ? (double) t->allocs : 1;
    const struct sm_stats *s = &r->cold;

    printf("%s,%s,%zu,%llu,", who, t->name, t->num_ops, (unsigned long long) t->allocs);
    if (t->num_ops == 0)
        printf(",,,,,,");
    else
        printf("%.2f,%.2f,%.2f,%.2f,%.1f,%.0f,", r->median_ns / ops, r->min_ns / ops,
               r->max_ns / ops, r->median_ns / allocs, r->median_ns / 1e3,
               r->median_ns ? ops * 1e9 / (double) r->median_ns : 0.0);
    if (is_system)
        printf(",,,%llu,,,,,,,", (unsigned long long) t->peak_live_bytes);
    else {
        uint64_t lookups = s->cache_hits + s->cache_misses;
        printf("%llu,%.2f,%llu,%llu,", (unsigned long long) s->sysalloc_calls,
               (double) s->sysalloc_calls * 1000 / allocs,
               (unsigned long long) s->peak_bytes_mapped, (unsigned long long) t->peak_live_bytes);
        if (s->peak_bytes_mapped)
            printf("%.4f", (double) t->peak_live_bytes / (double) s->peak_bytes_mapped);
        printf(",");
        if (lookups) printf("%.4f", (double) s->cache_hits / (double) lookups);
        printf(",%llu,%llu,%llu,%llu,", (unsigned long long) s->slab_allocations,
               (unsigned long long) s->pool_allocations, (unsigned long long) s->large_allocations,
               (unsigned long long) s->init_ns);
    }
    printf("%s\n", info && info[0] == '1' ? "INFO MODE" : "silent");
    fflush(stdout);
}

/* --max-ops: keeps the first n operations; allocs and peak_live_bytes are counted again. */
static int trace_prefix(struct trace *t, size_t n)
{
    uint64_t *size = calloc(t->num_ids ? t->num_ids : 1, sizeof *size), live = 0;
    if (!size) return -1;
    t->num_ops = n < t->num_ops ? n : t->num_ops;
    t->allocs = t->peak_live_bytes = 0;
    for (size_t i = 0; i < t->num_ops; i++) {
        const struct op *op = &t->ops[i];
        live -= size[op->id];
        size[op->id] = op->kind == OP_FREE ? 0 : op->size;
        live += size[op->id];
        t->allocs += op->kind != OP_FREE;
        if (live > t->peak_live_bytes) t->peak_live_bytes = live;
    }
    free(size);
    return 0;
}

/* The machine's physical memory in bytes, or 0 if sysconf cannot tell. */
static uint64_t physical_memory(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), page_size = sysconf(_SC_PAGESIZE);
    return pages > 0 && page_size > 0 ? (uint64_t) pages * (uint64_t) page_size : 0;
}

static int run_trace(const char *path, const struct options *o)
{
    struct trace t;
    char err[512];
    const char *who = o->name ? o->name : sm_name();
    if (trace_load(path, &t, err, sizeof err) != 0) {
        fprintf(stderr, "smbench: %s\n", err);
        return 2;
    }
    if (t.warning[0]) fprintf(stderr, "smbench: warning: %s\n", t.warning);
    if (t.num_ops == 0) fprintf(stderr, "smbench: %s: 0 operations, nothing to time\n", path);
    if (o->max_ops && trace_prefix(&t, o->max_ops) != 0) {
        fprintf(stderr, "smbench: out of memory\n");
        trace_free(&t);
        return 3;
    }
    uint64_t memory = physical_memory();
    if (memory && t.peak_live_bytes > memory) {
        fprintf(stderr,
                "smbench: %s: %llu bytes live at once, more than this machine's %llu bytes of "
                "memory: not replayed\n",
                path, (unsigned long long) t.peak_live_bytes, (unsigned long long) memory);
        trace_free(&t);
        return 4;
    }
    struct bench_allocator a = sm_allocator;
    a.name = who;
    if (!o->once) {
        if (verify_trace(&t, &a, err, sizeof err) != 0) {
            fprintf(stderr, "smbench: check failed, no figures: %s\n", err);
            trace_free(&t);
            return 3;
        }
    }
    struct result r;
    int rc = measure(&t, o, who, &r);
    if (rc == 0) print_row(&t, who, &r);
    trace_free(&t);
    return rc;
}

static int has_rep_suffix(const struct dirent *e)
{
    size_t n = strlen(e->d_name);
    return n > 4 && !strcmp(e->d_name + n - 4, ".rep");
}

/* A trace, or every .rep file of a directory in name order. */
static int run_path(const char *path, const struct options *o)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) return run_trace(path, o);
    struct dirent **names;
    int n = scandir(path, &names, has_rep_suffix, alphasort), rc = 0;
    if (n < 0) {
        fprintf(stderr, "smbench: %s: cannot read the directory: %s\n", path, strerror(errno));
        return 2;
    }
    if (n == 0) fprintf(stderr, "smbench: %s: no .rep file in this directory\n", path);
    for (int i = 0; i < n; i++) {
        char full[4096];
        snprintf(full, sizeof full, "%s/%s", path, names[i]->d_name);
        if (rc == 0) rc = run_trace(full, o);
        free(names[i]);
    }
    free(names);
    return n == 0 ? 2 : rc;
}

/* --runs: 1, or a whole number from 5 to RUNS_MAX; -1 for anything else. */
#define RUNS_MAX 100000
static int parse_runs(const char *s)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || (v != 1 && v < 5) || v > RUNS_MAX) return -1;
    return (int) v;
}

static int usage(void)
{
    fprintf(stderr, "usage: smbench [--runs N] [--max-ops N] [--once] [--name NAME] "
                    "[--expect NAME] [--header] trace.rep|directory...\n");
    return 1;
}

int main(int argc, char **argv)
{
    struct options o = {.runs = 5};
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
        if (!strcmp(argv[i], "--once"))
            o.once = 1;
        else if (!strcmp(argv[i], "--header"))
            o.header = 1;
        else if (i + 1 < argc && !strcmp(argv[i], "--runs"))
            o.runs = parse_runs(argv[++i]);
        else if (i + 1 < argc && !strcmp(argv[i], "--max-ops"))
            o.max_ops = strtoul(argv[++i], NULL, 10);
        else if (i + 1 < argc && !strcmp(argv[i], "--name"))
            o.name = argv[++i];
        else if (i + 1 < argc && !strcmp(argv[i], "--expect"))
            o.expect = argv[++i];
        else
            return usage();
    }
    if (o.runs < 0) {
        fprintf(stderr,
                "smbench: --runs takes 1, or a whole number from 5 (a median of fewer "
                "means little) to %d\n",
                RUNS_MAX);
        return 1;
    }
    if (o.expect && strcmp(o.expect, sm_name()) != 0) {
        fprintf(stderr, "smbench: expected allocator %s, running %s (is LD_PRELOAD right?)\n",
                o.expect, sm_name());
        return 1;
    }
    /* The driver's own memory (the trace, the checker's tree) comes from the C library's
     * malloc; keep it off mmap so that every mmap a phase build makes is a sysalloc call. */
    if (&bench_system_adapter == NULL) mallopt(M_MMAP_MAX, 0);
    if (o.header) printf("%s\n", csv_header);
    if (i == argc && !o.header) return usage();
    for (; i < argc; i++) {
        int rc = run_path(argv[i], &o);
        if (rc != 0) return rc;
    }
    return 0;
}
