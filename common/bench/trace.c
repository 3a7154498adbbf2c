/*
 * trace.c - the .rep reader (see trace.h).
 *
 * One pass over the file: the header, then each operation is parsed, checked against the ids
 * live at that point (a byte per id) and appended.  The live sizes give the trace's peak live
 * payload, the numerator of every allocator's utilization.
 */
#include "trace.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct reader {
    const char *path;
    FILE *f;
    size_t line_no;
    char *line;
    size_t cap;
    char *err;
    size_t errlen;
    int nul; /* the last line read had a NUL byte in it */
};

/* What read_ops keeps per id while it reads: grown as ids appear, never to the header's count
 * unless the trace really uses that many. */
struct ids {
    uint8_t *live;
    uint64_t *sizes;
    size_t cap;
    uint64_t header;   /* the header's number of ids: every id is below it */
    uint64_t used;     /* 1 + the largest id seen */
    size_t null_frees; /* "f -1" lines */
    size_t first_null; /* the line of the first one */
};

static int fail(struct reader *r, const char *fmt, ...)
{
    int n = snprintf(r->err, r->errlen, "%s:%zu: ", r->path, r->line_no);
    if (n < 0 || (size_t) n >= r->errlen) return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err + n, r->errlen - (size_t) n, fmt, ap);
    va_end(ap);
    return -1;
}

/* Appends "path:line: what" to t->warning. */
static void warn(struct trace *t, const char *path, size_t line, const char *fmt, ...)
{
    size_t len = strlen(t->warning);
    if (len + 1 >= sizeof t->warning) return;
    int n = snprintf(t->warning + len, sizeof t->warning - len, "%s%s:%zu: ", len ? "; " : "", path,
                     line);
    if (n < 0 || len + (size_t) n >= sizeof t->warning) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->warning + len + n, sizeof t->warning - len - (size_t) n, fmt, ap);
    va_end(ap);
}

/* The next line that is not blank or a comment, in r->line; 0 at the end of the file.  A line
 * with a NUL byte is returned with r->nul set (the caller reports it). */
static int next_line(struct reader *r)
{
    ssize_t n;
    while ((n = getline(&r->line, &r->cap, r->f)) >= 0) {
        r->line_no++;
        r->nul = memchr(r->line, '\0', (size_t) n) != NULL;
        if (r->nul) return 1;
        char *s = r->line + strspn(r->line, " \t\r\n");
        if (*s && *s != '#') return 1;
    }
    return 0;
}

/* Parses one unsigned decimal field at *s, advancing past it.  0 on success. */
static int field(char **s, uint64_t max, uint64_t *out)
{
    char *p = *s + strspn(*s, " \t");
    if (*p < '0' || *p > '9') return -1;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(p, &end, 10);
    if (errno || v > max || (*end && !strchr(" \t\r\n", *end))) return -1;
    *out = v;
    *s = end;
    return 0;
}

/* "-1" as a field (CMU's free(NULL)), advancing past it. */
static int minus_one(char **s)
{
    char *p = *s + strspn(*s, " \t");
    if (p[0] != '-' || p[1] != '1' || (p[2] && !strchr(" \t\r\n", p[2]))) return 0;
    *s = p + 2;
    return 1;
}

static int rest_is_blank(const char *s)
{
    return s[strspn(s, " \t\r\n")] == '\0';
}

/* The header; t->num_ids holds the header's count until read_ops replaces it. */
static int read_header(struct reader *r, struct trace *t)
{
    static const char *const names[4] = {"suggested heap size", "number of ids",
                                         "number of operations", "weight"};
    uint64_t v[4];
    for (int i = 0; i < 4; i++) {
        if (!next_line(r))
            return fail(r, "end of file inside the header: expected the %s", names[i]);
        if (r->nul) return fail(r, "a NUL byte in the line");
        char *s = r->line;
        if (field(&s, UINT64_MAX, &v[i]) != 0 || !rest_is_blank(s))
            return fail(r, "header: the %s is not a number: \"%.40s\"", names[i],
                        strtok(r->line, "\r\n"));
    }
    if (v[1] > TRACE_IDS_MAX)
        return fail(r, "header: %llu ids, more than the %u this reader takes",
                    (unsigned long long) v[1], TRACE_IDS_MAX);
    t->heap_hint = v[0];
    t->num_ids = (uint32_t) v[1];
    t->num_ops = (size_t) v[2];
    t->weight = v[3];
    return 0;
}

/* Makes id a valid index of the per-id tables (new entries: not live, size 0). */
static int reach(struct ids *ids, uint64_t id)
{
    if (id < ids->cap) return 0;
    size_t cap = ids->cap ? ids->cap : 1024;
    while (cap <= id)
        cap *= 2;
    uint8_t *live = realloc(ids->live, cap);
    if (live) ids->live = live;
    uint64_t *sizes = realloc(ids->sizes, cap * sizeof *sizes);
    if (sizes) ids->sizes = sizes;
    if (!live || !sizes) return -1;
    memset(live + ids->cap, 0, cap - ids->cap);
    memset(sizes + ids->cap, 0, (cap - ids->cap) * sizeof *sizes);
    ids->cap = cap;
    return 0;
}

/* Parses the operation in r->line into *o, checking it against the live ids.  A free of -1
 * gets id UINT32_MAX, renumbered to the null id once all ids are known. */
static int read_op(struct reader *r, struct trace *t, struct ids *ids, uint64_t *live_bytes,
                   struct op *o)
{
    if (r->nul) return fail(r, "a NUL byte in the line");
    char *s = r->line + strspn(r->line, " \t");
    char kind = *s++;
    uint64_t id, size = 0;
    if (kind != OP_ALLOC && kind != OP_REALLOC && kind != OP_FREE)
        return fail(r, "unknown operation '%c' (expected a, r or f)", kind);
    if (kind == OP_FREE && minus_one(&s)) {
        if (!rest_is_blank(s)) return fail(r, "unexpected text after the operation");
        if (ids->null_frees++ == 0) ids->first_null = r->line_no;
        *o = (struct op){.kind = OP_FREE, .id = UINT32_MAX, .size = 0};
        return 0;
    }
    if (field(&s, UINT64_MAX, &id) != 0)
        return fail(r, "'%c': the id is missing or not a number", kind);
    if (id >= ids->header)
        return fail(r, "id %llu out of range (the header says %llu ids)", (unsigned long long) id,
                    (unsigned long long) ids->header);
    if (kind != OP_FREE && field(&s, TRACE_SIZE_MAX, &size) != 0)
        return fail(r, "'%c %llu': the size is missing, not a number or above 2^40", kind,
                    (unsigned long long) id);
    if (!rest_is_blank(s)) return fail(r, "unexpected text after the operation");
    if (reach(ids, id) != 0) return fail(r, "out of memory reading the trace");
    if (kind == OP_ALLOC && ids->live[id])
        return fail(r, "allocation of id %llu, which is live already", (unsigned long long) id);
    if (kind == OP_FREE && !ids->live[id])
        return fail(r, "free of id %llu, which is not live", (unsigned long long) id);

    if (id >= ids->used) ids->used = id + 1;
    *live_bytes -= ids->sizes[id];
    ids->sizes[id] = size;
    *live_bytes += size;
    ids->live[id] = kind != OP_FREE;
    if (*live_bytes > t->peak_live_bytes) t->peak_live_bytes = *live_bytes;
    t->allocs += kind != OP_FREE;
    *o = (struct op){.kind = (uint32_t) kind, .id = (uint32_t) id, .size = size};
    return 0;
}

/* After the header's count: lines CMU's driver never reads.  Counted for the warning. */
static void skip_extra_lines(struct reader *r, struct trace *t)
{
    size_t first = 0, extra = 0;
    while (next_line(r))
        if (extra++ == 0) first = r->line_no;
    if (extra)
        warn(t, r->path, first,
             "%zu line%s after the header's %zu operations, ignored as CMU's driver does", extra,
             extra == 1 ? "" : "s", t->num_ops);
}

static int read_ops(struct reader *r, struct trace *t)
{
    struct ids ids = {.header = t->num_ids};
    size_t cap = t->num_ops < ((size_t) 1 << 24) ? t->num_ops : (size_t) 1 << 24, n = 0;
    /* Zeroed, and zeroed as it grows: no operation is ever read before it is written. */
    t->ops = calloc(cap ? cap : 1, sizeof *t->ops);
    uint64_t live_bytes = 0;
    int rc = 0;
    if (!t->ops) {
        rc = fail(r, "out of memory reading the trace");
        goto out;
    }
    while (n < t->num_ops && next_line(r)) {
        if (n == cap) {
            struct op *grown = realloc(t->ops, 2 * cap * sizeof *t->ops);
            if (!grown) {
                rc = fail(r, "out of memory reading the trace");
                goto out;
            }
            memset(grown + cap, 0, cap * sizeof *grown);
            t->ops = grown;
            cap *= 2;
        }
        if ((rc = read_op(r, t, &ids, &live_bytes, &t->ops[n])) != 0) goto out;
        n++;
    }
    if (n != t->num_ops) {
        rc = fail(r, "the header says %zu operations, the file has %zu", t->num_ops, n);
        goto out;
    }
    t->num_ids = (uint32_t) ids.used;
    t->null_id = UINT32_MAX;
    if (ids.null_frees) {
        t->null_id = t->num_ids++;
        for (size_t i = 0; i < n; i++)
            if (t->ops[i].id == UINT32_MAX) t->ops[i].id = t->null_id;
        warn(t, r->path, ids.first_null,
             "'f -1' (free(NULL), as CMU's newer traces write it) accepted, %zu such line%s",
             ids.null_frees, ids.null_frees == 1 ? "" : "s");
    }
    skip_extra_lines(r, t);
out:
    free(ids.live);
    free(ids.sizes);
    return rc;
}

int trace_load(const char *path, struct trace *t, char *err, size_t errlen)
{
    struct reader r = {.path = path, .err = err, .errlen = errlen};
    memset(t, 0, sizeof *t);
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    size_t len = strlen(base);
    if (len > 4 && !strcmp(base + len - 4, ".rep")) len -= 4;
    snprintf(t->name, sizeof t->name, "%.*s", (int) len, base);
    r.f = fopen(path, "r");
    struct stat st;
    if (!r.f || fstat(fileno(r.f), &st) != 0) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        if (r.f) fclose(r.f);
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        snprintf(err, errlen,
                 "%s: is a directory, not a trace (smbench takes a directory on its "
                 "command line and replays its .rep files)",
                 path);
        fclose(r.f);
        return -1;
    }
    int rc = read_header(&r, t);
    if (rc == 0) rc = read_ops(&r, t);
    free(r.line);
    fclose(r.f);
    if (rc != 0) trace_free(t);
    return rc;
}

void trace_free(struct trace *t)
{
    free(t->ops);
    t->ops = NULL;
    t->num_ops = 0;
}
