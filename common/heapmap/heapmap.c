/*
 * heapmap.c - see the heap: replays a .rep trace on one phase (build/<phase>/heapmap, linked
 * against its libsm.a) and draws what sm_walk reports, as text and as CSV for gnuplot.
 *
 *   heapmap [options] trace.rep
 *     --at LIST     the moments to draw, after that many operations: numbers, "peak" (the
 *                   operation after which the trace has the most bytes live, the same for every
 *                   phase) and "end"; default peak,end
 *     --every N     also every N operations
 *     --width W     characters per region in the text map (default 64)
 *     --lines N     region lines per map at most (default 60); the rest are counted
 *     --csv FILE    the maps as CSV: plots/heapmap.gp draws it (one band per region)
 *     --film FILE   the fragmentation film as CSV (plots/heapmap_film.gp): the heap walked
 *                   --frames times (default 200) at equal steps over the whole trace
 *     --quiet       no text maps
 *
 * The text map, one line per region in address order, each scaled to the same width:
 *
 *   0x7f2c5a1f0000  256.0 KiB chunk       |m##.###.....##m|  40% live
 *
 * one character per 1/width of the region, the kind covering most of its bytes: '#' live,
 * '.' free, 'm' the allocator's metadata, '-' mapped but never used.  Consecutive regions that
 * draw the same line (phase2's thousands of record pages, a run of full slabs) are one line
 * "x N".  The CSV is binned the same way (BAND_CELLS cells a band) and the film into
 * FILM_CELLS cells of the address axis, so a trace of 10^5 operations with 10^4 live blocks is
 * drawn from a few thousand rows; the figures say so.
 *
 * The walk's callback only copies records into arrays that grow with realloc: that is the C
 * library's allocator here, not the phase's (sm.h: the callback must not call sm_*).
 * Exit status: 0; 1 usage; 2 a bad trace (trace.h names the file and line); 3 the allocator
 * failed an allocation.
 */
#include "sm.h"
#include "bench/trace.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BAND_CELLS 400 /* bins per band in the CSV */
#define MAX_BANDS  48  /* bands in the CSV: regions past this are counted, not drawn */
#define FILM_CELLS 400 /* bins of the film's address axis */
#define MAX_POINTS 4096
#define MAX_WIDTH  512

static const char kind_char[] = {
    [SM_WALK_LIVE] = '#', [SM_WALK_FREE] = '.', [SM_WALK_META] = 'm', [SM_WALK_UNUSED] = '-'};
static const char *const kind_name[] = {[SM_WALK_LIVE] = "live",
                                        [SM_WALK_FREE] = "free",
                                        [SM_WALK_META] = "meta",
                                        [SM_WALK_UNUSED] = "unused"};

/* ---- one walk, kept ---------------------------------------------------------------------- */

struct heap {
    struct sm_walk_block *recs;
    size_t n, cap;
};

static void *grow(void *p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) return p;
    size_t c = *cap ? *cap : 1024;
    while (c < need)
        c *= 2;
    void *q = realloc(p, c * elem);
    if (!q) {
        fprintf(stderr, "heapmap: out of memory\n");
        exit(3);
    }
    *cap = c;
    return q;
}

static int keep(const struct sm_walk_block *b, void *arg)
{
    struct heap *h = arg;
    h->recs = grow(h->recs, &h->cap, h->n + 1, sizeof *h->recs);
    h->recs[h->n++] = *b;
    return 0;
}

static void walk(struct heap *h)
{
    h->n = 0;
    sm_walk(keep, h);
}

/* The region at recs[*i] (a REGION record) and its blocks, which end at the next region. */
static size_t region_end(const struct heap *h, size_t i)
{
    size_t j = i + 1;
    while (j < h->n && h->recs[j].kind != SM_WALK_REGION)
        j++;
    return j;
}

/* Bins the blocks of the region at recs[i] into cells equal cells: each cell the kind with the
 * most bytes in it; returns the region's live bytes. */
static uint64_t bin_region(const struct heap *h, size_t i, size_t cells, char *out)
{
    const struct sm_walk_block *r = &h->recs[i];
    static uint64_t bytes[MAX_WIDTH > BAND_CELLS ? MAX_WIDTH : BAND_CELLS][5];
    memset(bytes, 0, cells * sizeof bytes[0]);
    uint64_t live = 0;
    for (size_t j = i + 1; j < h->n && h->recs[j].kind != SM_WALK_REGION; j++) {
        const struct sm_walk_block *b = &h->recs[j];
        if (b->kind == SM_WALK_LIVE) live += b->size;
        uint64_t lo = b->addr - r->addr, hi = lo + b->size;
        for (uint64_t c = lo * cells / r->size; c < cells && c * r->size < hi * cells; c++) {
            uint64_t clo = (c * r->size + cells - 1) / cells, chi = ((c + 1) * r->size) / cells;
            uint64_t a = lo > clo ? lo : clo, z = hi < chi ? hi : chi;
            if (z > a) bytes[c][b->kind] += z - a;
        }
    }
    for (size_t c = 0; c < cells; c++) {
        int best = SM_WALK_UNUSED;
        for (int k = SM_WALK_LIVE; k <= SM_WALK_UNUSED; k++)
            if (bytes[c][k] > bytes[c][best]) best = k;
        out[c] = kind_char[best];
    }
    out[cells] = '\0';
    return live;
}

static void human(char *buf, size_t len, uint64_t bytes)
{
    if (bytes >= (uint64_t) 1 << 20)
        snprintf(buf, len, "%.1f MiB", (double) bytes / (1 << 20));
    else
        snprintf(buf, len, "%.1f KiB", (double) bytes / 1024);
}

static void region_label(char *buf, size_t len, const struct sm_walk_block *r)
{
    if (r->object_size)
        snprintf(buf, len, "%s %" PRIu32 " B", r->what, r->object_size);
    else
        snprintf(buf, len, "%s", r->what);
}

/* ---- the text map ------------------------------------------------------------------------ */

struct line {
    uintptr_t addr;
    uint64_t size, live;
    char label[48];
    char cells[MAX_WIDTH + 1];
    size_t count;
};

/* Groups the regions of h into lines (or bands): consecutive regions with the same label, size
 * and binned picture become one, counted.  Calls emit for each; returns the region count. */
static size_t group(const struct heap *h, size_t cells, void (*emit)(const struct line *, void *),
                    void *arg)
{
    struct line cur = {0}, next;
    size_t regions = 0;
    for (size_t i = 0; i < h->n; i = region_end(h, i)) {
        const struct sm_walk_block *r = &h->recs[i];
        regions++;
        next = (struct line){.addr = r->addr, .size = r->size, .count = 1};
        region_label(next.label, sizeof next.label, r);
        next.live = bin_region(h, i, cells, next.cells);
        if (cur.count && cur.size == next.size && strcmp(cur.label, next.label) == 0 &&
            strcmp(cur.cells, next.cells) == 0) {
            cur.count++;
            cur.live += next.live;
            continue;
        }
        if (cur.count) emit(&cur, arg);
        cur = next;
    }
    if (cur.count) emit(&cur, arg);
    return regions;
}

/* "slab 64 B", or "SM_AllocationEnhanced x6685" for a line standing for several regions. */
static void line_label(const struct line *l, char *buf, size_t len)
{
    if (l->count > 1)
        snprintf(buf, len, "%s x%zu", l->label, l->count);
    else
        snprintf(buf, len, "%s", l->label);
}

struct text_state {
    size_t printed, max_lines, hidden;
};

static void print_line(const struct line *l, void *arg)
{
    struct text_state *s = arg;
    if (s->printed++ >= s->max_lines) {
        s->hidden += l->count;
        return;
    }
    char size[32], label[80];
    human(size, sizeof size, l->size);
    line_label(l, label, sizeof label);
    printf("  %#14" PRIxPTR " %10s %-30s |%s| %3.0f%% live\n", l->addr, size, label, l->cells,
           100.0 * (double) l->live / (double) (l->size * l->count));
}

struct totals {
    uint64_t mapped, live, live_blocks, regions;
};

static struct totals totals_of(const struct heap *h)
{
    struct totals t = {0};
    for (size_t i = 0; i < h->n; i++) {
        const struct sm_walk_block *b = &h->recs[i];
        if (b->kind == SM_WALK_REGION) {
            t.mapped += b->size;
            t.regions++;
        } else if (b->kind == SM_WALK_LIVE) {
            t.live += b->size;
            t.live_blocks++;
        }
    }
    return t;
}

static void print_map(const struct heap *h, const struct trace *t, size_t op, const char *point,
                      size_t width, size_t max_lines)
{
    struct totals tot = totals_of(h);
    char live[32], mapped[32];
    human(live, sizeof live, tot.live);
    human(mapped, sizeof mapped, tot.mapped);
    printf("== %s %s: op %zu of %zu (%s): live %s in %" PRIu64 " blocks, mapped %s in %" PRIu64
           " regions, utilization %.0f%%\n",
           sm_name(), t->name, op, t->num_ops, point, live, tot.live_blocks, mapped, tot.regions,
           tot.mapped ? 100.0 * (double) tot.live / (double) tot.mapped : 0.0);
    struct text_state s = {.max_lines = max_lines};
    group(h, width, print_line, &s);
    if (s.hidden) printf("  ... %zu more regions\n", s.hidden);
    printf("  key: # live  . free  m metadata  - unused;  one character = 1/%zu of its region\n\n",
           width);
}

/* ---- the CSV of the maps ----------------------------------------------------------------- */

static const char csv_header[] =
    "phase,trace,op,point,panel,band,label,size,util,kind,start_kib,end_kib,regions,drawn\n";

struct csv_state {
    FILE *f; /* NULL: only count */
    const char *trace;
    size_t op, panel, band, regions, drawn;
    const char *point;
};

static const char *kind_of_char(char c)
{
    for (int k = SM_WALK_LIVE; k <= SM_WALK_UNUSED; k++)
        if (kind_char[k] == c) return kind_name[k];
    return "unused";
}

/* One band: a row per run of equal cells, offsets in KiB from the region's start. */
static void csv_band(const struct line *l, void *arg)
{
    struct csv_state *s = arg;
    if (s->band >= MAX_BANDS) return;
    char size[32], label[80];
    human(size, sizeof size, l->size);
    line_label(l, label, sizeof label);
    for (size_t c = 0; s->f && c < BAND_CELLS;) {
        size_t e = c;
        while (e < BAND_CELLS && l->cells[e] == l->cells[c])
            e++;
        fprintf(s->f, "%s,%s,%zu,%s,%zu,%zu,%s,%s,%.0f,%s,%.3f,%.3f,%zu,%zu\n", sm_name(), s->trace,
                s->op, s->point, s->panel, s->band, label, size,
                100.0 * (double) l->live / (double) (l->size * l->count), kind_of_char(l->cells[c]),
                (double) c * (double) l->size / BAND_CELLS / 1024,
                (double) e * (double) l->size / BAND_CELLS / 1024, s->regions, s->drawn);
        c = e;
    }
    if (!s->f) s->drawn += l->count;
    s->band++;
}

static void write_csv(FILE *f, const struct heap *h, const char *trace, size_t op,
                      const char *point, size_t panel)
{
    struct csv_state s = {.trace = trace, .op = op, .panel = panel, .point = point};
    s.regions = group(h, BAND_CELLS, csv_band, &s); /* counts what the bands will cover */
    s.f = f;
    s.band = 0;
    group(h, BAND_CELLS, csv_band, &s);
}

/* ---- the film ---------------------------------------------------------------------------- */

struct span {
    uintptr_t lo, hi;
};

struct spans {
    struct span *v;
    size_t n, cap;
};

/* Appends [lo, hi), joined to the last span when it starts where that one ends. */
static void span_add(struct spans *s, uintptr_t lo, uintptr_t hi)
{
    if (s->n && s->v[s->n - 1].hi == lo) {
        s->v[s->n - 1].hi = hi;
        return;
    }
    s->v = grow(s->v, &s->cap, s->n + 1, sizeof *s->v);
    s->v[s->n++] = (struct span){lo, hi};
}

struct frame {
    size_t op;
    size_t regions_from, regions_to; /* in film.regions */
    size_t live_from, live_to;       /* in film.live */
};

struct film {
    struct frame *frames;
    size_t n, cap;
    struct spans regions, live;
};

static void film_frame(struct film *f, const struct heap *h, size_t op)
{
    f->frames = grow(f->frames, &f->cap, f->n + 1, sizeof *f->frames);
    struct frame *fr = &f->frames[f->n++];
    fr->op = op;
    fr->regions_from = f->regions.n;
    fr->live_from = f->live.n;
    for (size_t i = 0; i < h->n; i++) {
        const struct sm_walk_block *b = &h->recs[i];
        if (b->kind == SM_WALK_REGION) span_add(&f->regions, b->addr, b->addr + b->size);
        if (b->kind == SM_WALK_LIVE) span_add(&f->live, b->addr, b->addr + b->size);
    }
    fr->regions_to = f->regions.n;
    fr->live_to = f->live.n;
}

static int by_lo(const void *a, const void *b)
{
    const struct span *x = a, *y = b;
    return (x->lo > y->lo) - (x->lo < y->lo);
}

/* The film's address axis: every byte mapped at some frame, the gaps between mappings removed.
 * axis[k] is a span of the address space; its bytes start at position base[k] on the axis. */
struct axis {
    struct span *v;
    uint64_t *base;
    size_t n;
    uint64_t extent;
};

static struct axis axis_of(const struct film *f)
{
    struct axis a = {0};
    size_t n = f->regions.n;
    struct span *v = malloc((n ? n : 1) * sizeof *v);
    a.base = malloc((n ? n : 1) * sizeof *a.base);
    if (!v || !a.base) {
        fprintf(stderr, "heapmap: out of memory\n");
        exit(3);
    }
    memcpy(v, f->regions.v, n * sizeof *v);
    qsort(v, n, sizeof *v, by_lo);
    for (size_t i = 0; i < n; i++) {
        if (a.n && v[i].lo <= v[a.n - 1].hi) {
            if (v[i].hi > v[a.n - 1].hi) v[a.n - 1].hi = v[i].hi;
            continue;
        }
        v[a.n++] = v[i];
    }
    for (size_t i = 0; i < a.n; i++) {
        a.base[i] = a.extent;
        a.extent += v[i].hi - v[i].lo;
    }
    a.v = v;
    return a;
}

/* Adds the bytes of [lo, hi) (inside one axis span) to the cells they fall in. */
static void add_to_cells(const struct axis *a, uintptr_t lo, uintptr_t hi, double *cells)
{
    size_t l = 0, r = a->n;
    while (r - l > 1) { /* the last span starting at or below lo */
        size_t m = (l + r) / 2;
        if (a->v[m].lo <= lo)
            l = m;
        else
            r = m;
    }
    while (lo < hi && l < a->n) { /* a run joined across two spans is cut at each */
        uintptr_t end = hi < a->v[l].hi ? hi : a->v[l].hi;
        uint64_t p = a->base[l] + (lo - a->v[l].lo), q = p + (end - lo);
        for (uint64_t c = p * FILM_CELLS / a->extent; c < FILM_CELLS; c++) {
            uint64_t clo = c * a->extent / FILM_CELLS, chi = (c + 1) * a->extent / FILM_CELLS;
            if (clo >= q) break;
            uint64_t x = p > clo ? p : clo, z = q < chi ? q : chi;
            if (z > x) cells[c] += (double) (z - x);
        }
        lo = end;
        l++;
    }
}

static void write_film(FILE *out, const struct film *f, const char *trace, size_t step)
{
    struct axis a = axis_of(f);
    fprintf(out, "phase,trace,op,cell,pos_kib,live,step,frames,extent_kib\n");
    double live[FILM_CELLS], mapped[FILM_CELLS];
    for (size_t k = 0; k < f->n; k++) {
        const struct frame *fr = &f->frames[k];
        memset(live, 0, sizeof live);
        memset(mapped, 0, sizeof mapped);
        for (size_t i = fr->regions_from; i < fr->regions_to; i++)
            add_to_cells(&a, f->regions.v[i].lo, f->regions.v[i].hi, mapped);
        for (size_t i = fr->live_from; i < fr->live_to; i++)
            add_to_cells(&a, f->live.v[i].lo, f->live.v[i].hi, live);
        for (size_t c = 0; c < FILM_CELLS; c++)
            fprintf(out, "%s,%s,%zu,%zu,%.2f,%.3f,%zu,%zu,%.0f\n", sm_name(), trace, fr->op, c,
                    ((double) c + 0.5) * (double) a.extent / FILM_CELLS / 1024,
                    mapped[c] > 0 ? live[c] / mapped[c] : -1.0, step, f->n,
                    (double) a.extent / 1024);
    }
    free(a.v);
    free(a.base);
}

/* ---- the replay -------------------------------------------------------------------------- */

struct point {
    size_t op;
    const char *name; /* "peak", "end", or NULL for a number */
};

struct options {
    struct point at[MAX_POINTS];
    size_t nat, every, width, lines, frames;
    const char *csv, *film, *trace;
    int quiet;
};

static void usage(void)
{
    fprintf(stderr, "usage: heapmap [--at op,peak,end] [--every N] [--width W] [--lines N]\n"
                    "               [--csv FILE] [--film FILE] [--frames N] [--quiet] trace.rep\n");
    exit(1);
}

static size_t number(const char *s, const char *what)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-') {
        fprintf(stderr, "heapmap: %s: \"%s\" is not a number\n", what, s);
        exit(1);
    }
    return (size_t) v;
}

static void parse_at(struct options *o, char *list)
{
    for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
        if (o->nat == MAX_POINTS) usage();
        struct point *p = &o->at[o->nat++];
        if (strcmp(tok, "peak") == 0 || strcmp(tok, "end") == 0)
            *p = (struct point){0, strcmp(tok, "peak") == 0 ? "peak" : "end"};
        else
            *p = (struct point){number(tok, "--at"), NULL};
    }
}

static void parse(int argc, char **argv, struct options *o)
{
    *o = (struct options){.width = 64, .lines = 40, .frames = 200};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int more = i + 1 < argc;
        if (strcmp(a, "--at") == 0 && more)
            parse_at(o, argv[++i]);
        else if (strcmp(a, "--every") == 0 && more)
            o->every = number(argv[++i], a);
        else if (strcmp(a, "--width") == 0 && more)
            o->width = number(argv[++i], a);
        else if (strcmp(a, "--lines") == 0 && more)
            o->lines = number(argv[++i], a);
        else if (strcmp(a, "--csv") == 0 && more)
            o->csv = argv[++i];
        else if (strcmp(a, "--film") == 0 && more)
            o->film = argv[++i];
        else if (strcmp(a, "--frames") == 0 && more)
            o->frames = number(argv[++i], a);
        else if (strcmp(a, "--quiet") == 0)
            o->quiet = 1;
        else if (a[0] != '-' && !o->trace)
            o->trace = a;
        else
            usage();
    }
    if (!o->trace || o->width < 8 || o->width > MAX_WIDTH || o->frames < 1) usage();
    if (o->nat == 0) {
        char dflt[] = "peak,end";
        parse_at(o, dflt);
    }
}

/* The number of operations after which the trace has the most bytes live (as it asks them). */
static size_t peak_op(const struct trace *t)
{
    uint64_t *sizes = calloc(t->num_ids ? t->num_ids : 1, sizeof *sizes), live = 0, best = 0;
    size_t at = 0;
    if (!sizes) exit(3);
    for (size_t i = 0; i < t->num_ops; i++) {
        const struct op *o = &t->ops[i];
        live -= sizes[o->id];
        sizes[o->id] = o->kind == OP_FREE ? 0 : o->size;
        live += sizes[o->id];
        if (live > best) {
            best = live;
            at = i + 1;
        }
    }
    free(sizes);
    return at;
}

static int by_op(const void *a, const void *b)
{
    const struct point *x = a, *y = b;
    return (x->op > y->op) - (x->op < y->op);
}

/* Performs operation i of t on the allocator; exits 3 when an allocation fails. */
static void step(const struct trace *t, size_t i, void **ptrs)
{
    const struct op *o = &t->ops[i];
    if (o->kind == OP_FREE) {
        sm_free(ptrs[o->id]);
        ptrs[o->id] = NULL;
        return;
    }
    void *p = o->kind == OP_ALLOC ? sm_malloc(o->size) : sm_realloc(ptrs[o->id], o->size);
    if (!p) {
        fprintf(stderr, "heapmap: %s: operation %zu: %s of %" PRIu64 " bytes failed on %s\n",
                t->name, i + 1, o->kind == OP_ALLOC ? "malloc" : "realloc", o->size, sm_name());
        exit(3);
    }
    ptrs[o->id] = p;
}

static FILE *open_out(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "heapmap: cannot write %s: %s\n", path, strerror(errno));
        exit(1);
    }
    return f;
}

int main(int argc, char **argv)
{
    static struct options o;
    parse(argc, argv, &o);
    struct trace t;
    char err[512];
    if (trace_load(o.trace, &t, err, sizeof err) != 0) {
        fprintf(stderr, "heapmap: %s\n", err);
        return 2;
    }
    size_t peak = peak_op(&t);
    for (size_t i = 0; i < o.nat; i++) {
        if (o.at[i].name) o.at[i].op = o.at[i].name[0] == 'p' ? peak : t.num_ops;
        if (o.at[i].op > t.num_ops) {
            fprintf(stderr, "heapmap: --at %zu: %s has only %zu operations\n", o.at[i].op, t.name,
                    t.num_ops);
            return 1;
        }
    }
    for (size_t k = o.every; o.every && k <= t.num_ops && o.nat < MAX_POINTS; k += o.every)
        o.at[o.nat++] = (struct point){k, NULL};
    qsort(o.at, o.nat, sizeof o.at[0], by_op);

    FILE *csv = o.csv ? open_out(o.csv) : NULL;
    if (csv) fputs(csv_header, csv);
    size_t film_step = (t.num_ops + o.frames - 1) / o.frames;
    if (film_step == 0) film_step = 1;
    static struct film film;
    static struct heap heap;
    void **ptrs = calloc(t.num_ids ? t.num_ids : 1, sizeof *ptrs);
    if (!ptrs) return 3;

    size_t next = 0, panel = 0;
    for (size_t done = 0;; done++) { /* the state after `done` operations */
        int film_now = o.film && done > 0 && done % film_step == 0; /* a regular grid */
        int map_now = next < o.nat && o.at[next].op == done;
        if (film_now || map_now) walk(&heap);
        if (film_now) film_frame(&film, &heap, done);
        for (; next < o.nat && o.at[next].op == done; next++) {
            if (next > 0 && o.at[next - 1].op == done) continue; /* the same moment twice */
            char name[32];
            const char *pname = o.at[next].name;
            if (!pname) {
                snprintf(name, sizeof name, "op %zu", done);
                pname = name;
            }
            if (!o.quiet) print_map(&heap, &t, done, pname, o.width, o.lines);
            if (csv) write_csv(csv, &heap, t.name, done, pname, panel);
            panel++;
        }
        if (done == t.num_ops) break;
        step(&t, done, ptrs);
    }
    free(ptrs);
    trace_free(&t);
    if (csv && fclose(csv) != 0) return 1;
    if (o.film) {
        FILE *f = open_out(o.film);
        write_film(f, &film, t.name, film_step);
        if (fclose(f) != 0) return 1;
    }
    return 0;
}
