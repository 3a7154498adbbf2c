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

struct reader {
    const char *path;
    FILE *f;
    size_t line_no;
    char *line;
    size_t cap;
    char *err;
    size_t errlen;
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

/* The next line that is not blank or a comment, in r->line; 0 at the end of the file. */
static int next_line(struct reader *r)
{
    while (getline(&r->line, &r->cap, r->f) >= 0) {
        r->line_no++;
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

static int rest_is_blank(const char *s)
{
    return s[strspn(s, " \t\r\n")] == '\0';
}

static int read_header(struct reader *r, struct trace *t)
{
    static const char *const names[4] = {"suggested heap size", "number of ids",
                                         "number of operations", "weight"};
    uint64_t v[4];
    for (int i = 0; i < 4; i++) {
        if (!next_line(r))
            return fail(r, "end of file inside the header: expected the %s", names[i]);
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

/* Parses the operation in r->line into *o, checking it against the live ids. */
static int read_op(struct reader *r, struct trace *t, uint8_t *live, uint64_t *sizes,
                   uint64_t *live_bytes, struct op *o)
{
    char *s = r->line + strspn(r->line, " \t");
    char kind = *s++;
    uint64_t id, size = 0;
    if (kind != OP_ALLOC && kind != OP_REALLOC && kind != OP_FREE)
        return fail(r, "unknown operation '%c' (expected a, r or f)", kind);
    if (field(&s, UINT64_MAX, &id) != 0)
        return fail(r, "'%c': the id is missing or not a number", kind);
    if (id >= t->num_ids)
        return fail(r, "id %llu out of range (the header says %u ids)", (unsigned long long) id,
                    t->num_ids);
    if (kind != OP_FREE && field(&s, TRACE_SIZE_MAX, &size) != 0)
        return fail(r, "'%c %llu': the size is missing, not a number or above 2^40", kind,
                    (unsigned long long) id);
    if (!rest_is_blank(s)) return fail(r, "unexpected text after the operation");
    if (kind == OP_ALLOC && live[id])
        return fail(r, "allocation of id %llu, which is live already", (unsigned long long) id);
    if (kind == OP_FREE && !live[id])
        return fail(r, "free of id %llu, which is not live", (unsigned long long) id);

    *live_bytes -= sizes[id];
    sizes[id] = size;
    *live_bytes += size;
    live[id] = kind != OP_FREE;
    if (*live_bytes > t->peak_live_bytes) t->peak_live_bytes = *live_bytes;
    t->allocs += kind != OP_FREE;
    *o = (struct op){.kind = (uint32_t) kind, .id = (uint32_t) id, .size = size};
    return 0;
}

static int read_ops(struct reader *r, struct trace *t)
{
    uint8_t *live = calloc(t->num_ids ? t->num_ids : 1, 1);
    uint64_t *sizes = calloc(t->num_ids ? t->num_ids : 1, sizeof *sizes);
    size_t cap = t->num_ops < ((size_t) 1 << 24) ? t->num_ops : (size_t) 1 << 24, n = 0;
    t->ops = malloc((cap ? cap : 1) * sizeof *t->ops);
    uint64_t live_bytes = 0;
    int rc = 0;
    if (!live || !sizes || !t->ops) {
        rc = fail(r, "out of memory reading the trace");
        goto out;
    }
    while (next_line(r)) {
        if (n == t->num_ops) {
            rc = fail(r, "more operations than the %zu the header says", t->num_ops);
            goto out;
        }
        if (n == cap) {
            struct op *grown = realloc(t->ops, 2 * cap * sizeof *t->ops);
            if (!grown) {
                rc = fail(r, "out of memory reading the trace");
                goto out;
            }
            t->ops = grown;
            cap *= 2;
        }
        if ((rc = read_op(r, t, live, sizes, &live_bytes, &t->ops[n])) != 0) goto out;
        n++;
    }
    if (n != t->num_ops)
        rc = fail(r, "the header says %zu operations, the file has %zu", t->num_ops, n);
out:
    free(live);
    free(sizes);
    return rc;
}

int trace_load(const char *path, struct trace *t, char *err, size_t errlen)
{
    struct reader r = {.path = path, .err = err, .errlen = errlen};
    memset(t, 0, sizeof *t);
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    snprintf(t->name, sizeof t->name, "%.*s", (int) strcspn(base, "."), base);
    r.f = fopen(path, "r");
    if (!r.f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
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
