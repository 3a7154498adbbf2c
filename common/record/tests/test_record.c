/*
 * test_record.c - the recorder and rep_from_raw, on a program with a known history (allocs.c)
 * and on hand-made logs.  Run by `make record-test` with SM_RECORD_BIN=build/record.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[64];

static void make_dir(void)
{
    strcpy(dir, "/tmp/sm_record_XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void remove_dir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) cr_log_warn("could not remove %s", dir);
}

TestSuite(record, .init = make_dir, .fini = remove_dir, .timeout = 60);

static const char *bin(const char *name)
{
    const char *d = getenv("SM_RECORD_BIN");
    cr_assert(d, "SM_RECORD_BIN is not set: run this through `make record-test`");
    char *p;
    cr_assert(asprintf(&p, "%s/%s", d, name) > 0);
    return p;
}

struct op {
    char kind;
    long id, size;
};

struct trace {
    long heap, ids, nops, weight;
    struct op *ops;
};

/* Converts a log with rep_from_raw (extra: "-n N" or ""), and parses the trace. */
static struct trace convert(const char *raw, const char *extra)
{
    char *cmd;
    cr_assert(asprintf(&cmd, "'%s' %s '%s' 2>/dev/null", bin("rep_from_raw"), extra, raw) > 0);
    FILE *f = popen(cmd, "r");
    cr_assert(f);
    struct trace t = {0};
    cr_assert_eq(fscanf(f, "%ld %ld %ld %ld", &t.heap, &t.ids, &t.nops, &t.weight), 4,
                 "no header from %s", cmd);
    t.ops = calloc((size_t) t.nops + 1, sizeof *t.ops);
    long n = 0;
    char kind;
    while (fscanf(f, " %c %ld", &kind, &t.ops[n < t.nops ? n : t.nops].id) == 2) {
        struct op *o = &t.ops[n < t.nops ? n : t.nops];
        o->kind = kind;
        if (kind != 'f') cr_assert_eq(fscanf(f, "%ld", &o->size), 1);
        n++;
    }
    cr_assert_eq(pclose(f), 0, "%s failed", cmd);
    cr_assert_eq(n, t.nops, "the header says %ld operations, the file has %ld", t.nops, n);
    return t;
}

/* Dense ids, first used in order 0, 1, 2...; every block allocated once, used only while
 * live, and freed by the end. */
static void assert_balanced(const struct trace *t)
{
    char *state = calloc((size_t) t->ids + 1, 1); /* 0 never seen, 1 live, 2 freed */
    long next = 0;
    for (long i = 0; i < t->nops; i++) {
        const struct op *o = &t->ops[i];
        cr_assert(o->id >= 0 && o->id < t->ids, "op %ld: id %ld out of range", i, o->id);
        if (o->kind == 'a') {
            cr_assert_eq(o->id, next, "op %ld: id %ld allocated, %ld expected next", i, o->id,
                         next);
            state[o->id] = 1;
            next++;
        } else {
            cr_assert_eq(state[o->id], 1, "op %ld: '%c' on id %ld, not live", i, o->kind, o->id);
            if (o->kind == 'f') state[o->id] = 2;
        }
    }
    cr_assert_eq(next, t->ids, "%ld ids used, header says %ld", next, t->ids);
    for (long id = 0; id < t->ids; id++)
        cr_assert_eq(state[id], 2, "id %ld never freed", id);
    free(state);
}

/* The index of the first operation at or after `from` with this kind and size, or -1. */
static long find_op(const struct trace *t, long from, char kind, long size)
{
    for (long i = from; i < t->nops; i++)
        if (t->ops[i].kind == kind && (kind == 'f' || t->ops[i].size == size)) return i;
    return -1;
}

static long find_free(const struct trace *t, long from, long id)
{
    for (long i = from; i < t->nops; i++)
        if (t->ops[i].kind == 'f' && t->ops[i].id == id) return i;
    return -1;
}

/* The logs rep_from_raw should read: "<dir>/<program>.<pid>.<n>.raw". */
static int find_logs(const char *program, char paths[][256], int max)
{
    char *cmd;
    cr_assert(asprintf(&cmd, "ls '%s'/%s.*.raw 2>/dev/null", dir, program) > 0);
    FILE *f = popen(cmd, "r");
    int n = 0;
    while (n < max && fgets(paths[n], 256, f)) {
        paths[n][strcspn(paths[n], "\n")] = '\0';
        n++;
    }
    pclose(f);
    return n;
}

Test(record, a_known_history)
{
    pid_t pid = fork();
    if (pid == 0) {
        setenv("SM_RECORD_DIR", dir, 1);
        setenv("LD_PRELOAD", bin("librecord.so"), 1);
        execl(bin("allocs"), "allocs", (char *) NULL);
        _exit(127);
    }
    int status;
    waitpid(pid, &status, 0);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "allocs failed: %d", status);

    char logs[4][256];
    cr_assert_eq(find_logs("allocs", logs, 4), 2, "one log per process: parent and child");
    struct trace a = convert(logs[0], ""), b = convert(logs[1], "");
    assert_balanced(&a);
    assert_balanced(&b);
    /* Which log is the parent's: the one with the 1001-byte block. */
    struct trace parent = find_op(&a, 0, 'a', 1001) >= 0 ? a : b;
    struct trace child = find_op(&a, 0, 'a', 1001) >= 0 ? b : a;

    long ip = find_op(&parent, 0, 'a', 1001);
    long iq = find_op(&parent, ip, 'a', 3009);
    long ir = find_op(&parent, iq, 'r', 5005);
    long im = find_op(&parent, ir, 'a', 1011);
    long is = find_op(&parent, im, 'a', 1013);
    cr_assert(ip >= 0 && iq > ip && ir > iq && im > ir && is > im,
              "the calls are not all there in order: %ld %ld %ld %ld %ld", ip, iq, ir, im, is);
    long P = parent.ops[ip].id, Q = parent.ops[iq].id, M = parent.ops[im].id, S = parent.ops[is].id;
    cr_assert_eq(parent.ops[ir].id, P, "realloc did not keep the block's id");
    long fq = find_free(&parent, iq, Q);
    cr_assert(fq > ir && fq < im, "free(q) not between the realloc and memalign: %ld", fq);
    cr_assert_gt(find_free(&parent, is, S), is, "realloc(s, 0) not recorded as a free");
    /* p and m were never freed by the program: the converter frees them, after it all. */
    cr_assert_gt(find_free(&parent, 0, P), is, "p not freed at the end");
    cr_assert_gt(find_free(&parent, 0, M), is, "m not freed at the end");
    cr_assert_lt(find_op(&parent, 0, 'a', 1017), 0, "the child's block is in the parent's log");
    long ic = find_op(&child, 0, 'a', 1017);
    cr_assert_geq(ic, 0, "the child's malloc(1017) is not in its log");
    cr_assert_gt(find_free(&child, ic, child.ops[ic].id), ic);
    cr_assert_geq(parent.heap, 5005 + 1011, "the heap hint is below what was live at once");
}

static void write_log(const char *path, const uint64_t (*recs)[4], int n)
{
    FILE *f = fopen(path, "wb");
    cr_assert(f);
    cr_assert_eq(fwrite(recs, sizeof recs[0], (size_t) n, f), (size_t) n);
    fclose(f);
}

/* What a real process's log holds besides clean histories. */
Test(record, forgiving_conversion)
{
    static const uint64_t recs[][4] = {
        {'f', 0, 0x9000, 0},       /* free of a block from before the recorder: dropped */
        {'a', 0, 0x1000, 10},      /* id 0 */
        {'r', 0x7000, 0x2000, 20}, /* realloc of an unknown block: a new id 1 */
        {'a', 0, 0x1000, 30},      /* same address as id 0, whose free was lost: f 0, then id 2 */
        {'r', 0x2000, 0x3000, 40}, /* id 1 moves */
        {'f', 0, 0x2000, 0},       /* the old address of id 1: nothing there any more */
    };
    char *raw;
    cr_assert(asprintf(&raw, "%s/hand.raw", dir) > 0);
    write_log(raw, recs, 6);
    struct trace t = convert(raw, "");
    assert_balanced(&t);
    static const struct op expect[] = {{'a', 0, 10}, {'a', 1, 20}, {'f', 0, 0}, {'a', 2, 30},
                                       {'r', 1, 40}, {'f', 1, 0},  {'f', 2, 0}};
    cr_assert_eq(t.nops, 7);
    for (int i = 0; i < 7; i++)
        cr_assert(t.ops[i].kind == expect[i].kind && t.ops[i].id == expect[i].id &&
                      t.ops[i].size == expect[i].size,
                  "op %d: %c %ld %ld, expected %c %ld %ld", i, t.ops[i].kind, t.ops[i].id,
                  t.ops[i].size, expect[i].kind, expect[i].id, expect[i].size);
    cr_assert_eq(t.heap, 30 + 40, "peak live bytes: ids 2 and 1 after the move");
}

Test(record, capped_traces_stay_balanced)
{
    enum { N = 1000 };
    static uint64_t recs[N][4];
    for (int i = 0; i < N; i++) { /* a growing heap: nothing freed */
        recs[i][0] = 'a';
        recs[i][2] = 0x10000 + 16 * (uint64_t) i;
        recs[i][3] = (uint64_t) i;
    }
    char *raw;
    cr_assert(asprintf(&raw, "%s/grow.raw", dir) > 0);
    write_log(raw, (const uint64_t(*)[4]) recs, N);
    struct trace t = convert(raw, "-n 101");
    assert_balanced(&t);
    cr_assert_leq(t.nops, 101);
    cr_assert_geq(t.nops, 96, "the cap should cut close to 101, not at %ld", t.nops);
}
