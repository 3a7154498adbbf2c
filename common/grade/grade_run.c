/*
 * grade_run.c - the grader's harness: one trace on one submission's libsm.a, in a process of
 * its own (common/grade/grade.sh runs it in the sandbox).
 *
 *   grade_run check TRACE     the bench's check pass (common/bench/verify.h): alignment,
 *                             overlap, payloads, realloc's copy, sm_check
 *   grade_run measure TRACE   one replay from an empty allocator (common/bench/replay.h):
 *                             the figures for utilization; under callgrind, the instructions
 *                             (valgrind --toggle-collect=replay_trace)
 *
 * The verdict goes to file descriptor 3, which the grader opens on a file of its own, never to
 * stdout or stderr (the student's code shares them).  One line:
 *   check ok OPS PEAK_LIVE
 *   measure ok OPS PEAK_LIVE PEAK_MAPPED VM_GROWTH
 * OPS and PEAK_LIVE are properties of the trace, which the grader recounts from the file
 * itself; PEAK_MAPPED is sysalloc's count; VM_GROWTH is the kernel's (/proc/self/status
 * VmPeak over VmSize before the replay), so that memory mapped around sysalloc is seen.
 * A failure writes nothing there: its message goes to stderr, the exit status is 3 (2 for a
 * bad trace, 1 for a usage error).
 */
#include "bench/replay.h"
#include "bench/trace.h"
#include "bench/verify.h"
#include "sm.h"
#include "sysalloc.h"

#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { VERDICT_FD = 3 };

static size_t usable_size(void *p)
{
    return sm_usable_size(p);
}

/* A field of /proc/self/status in bytes ("VmPeak:   1234 kB"), or 0. */
static uint64_t vm_field(const char *name)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    unsigned long long kb = 0;
    size_t n = strlen(name);
    if (!f) return 0;
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, name, n) && line[n] == ':') {
            kb = strtoull(line + n + 1, NULL, 10);
            break;
        }
    fclose(f);
    return (uint64_t) kb * 1024;
}

static int verdict(const char *line)
{
    FILE *out = fdopen(VERDICT_FD, "w");
    if (!out) {
        fprintf(stderr, "grade_run: file descriptor 3 is not open (run it from grade.sh)\n");
        return 1;
    }
    fputs(line, out);
    return fclose(out) == 0 ? 0 : 1;
}

static int check(const struct trace *t)
{
    const struct bench_allocator a = {.name = sm_name(),
                                      .malloc = sm_malloc,
                                      .free = sm_free,
                                      .realloc = sm_realloc,
                                      .usable_size = usable_size,
                                      .check = sm_check};
    char err[512], line[128];
    if (verify_trace(t, &a, err, sizeof err) != 0) {
        fprintf(stderr, "grade_run: %s: check failed: %s\n", t->name, err);
        return 3;
    }
    snprintf(line, sizeof line, "check ok %zu %llu\n", t->num_ops,
             (unsigned long long) t->peak_live_bytes);
    return verdict(line);
}

static int measure(const struct trace *t)
{
    void **ptrs = calloc(t->num_ids ? t->num_ids : 1, sizeof *ptrs);
    struct sm_stats s;
    char line[160];
    if (!ptrs) return 3;
    sm_teardown();
    sysalloc_reset_peak();
    uint64_t size0 = vm_field("VmSize"), peak0 = vm_field("VmPeak");
    size_t bad = replay_trace(t, ptrs);
    uint64_t peak1 = vm_field("VmPeak");
    sm_stats(&s);
    if (bad) {
        fprintf(stderr, "grade_run: %s: the allocator returned NULL at operation %zu\n", t->name,
                bad);
        free(ptrs);
        return 3;
    }
    replay_cleanup(t, ptrs);
    free(ptrs);
    snprintf(line, sizeof line, "measure ok %zu %llu %llu %llu\n", t->num_ops,
             (unsigned long long) t->peak_live_bytes, (unsigned long long) s.peak_bytes_mapped,
             (unsigned long long) (peak1 > peak0 ? peak1 - size0 : 0));
    return verdict(line);
}

int main(int argc, char **argv)
{
    struct trace t;
    char err[512];
    if (argc != 3 || (strcmp(argv[1], "check") != 0 && strcmp(argv[1], "measure") != 0)) {
        fprintf(stderr, "usage: grade_run check|measure TRACE\n");
        return 1;
    }
    /* The harness's own memory stays off mmap, as in smbench: mappings are the allocator's. */
    mallopt(M_MMAP_MAX, 0);
    if (trace_load(argv[2], &t, err, sizeof err) != 0) {
        fprintf(stderr, "grade_run: %s\n", err);
        return 2;
    }
    int rc = argv[1][0] == 'c' ? check(&t) : measure(&t);
    trace_free(&t);
    return rc;
}
