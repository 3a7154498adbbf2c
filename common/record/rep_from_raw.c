/*
 * rep_from_raw.c - turns a recorder log (recorder.c) into a .rep trace.
 *
 *   rep_from_raw [-n max_ops] log.raw > trace.rep
 *
 * The trace is in the CS:APP malloc-lab format that common/bench reads: four header lines
 * (suggested heap size: the peak of live bytes; number of ids; number of operations; weight 1),
 * then `a id size`, `r id size` and `f id` lines.  Addresses become ids 0, 1, 2... in the order
 * the blocks were first allocated; a realloc keeps its block's id, and an id is never reused.
 *
 * The log is taken as the process saw it, so the converter forgives what a real process does:
 *   - a free or realloc of an address never allocated in the log (a block from before the
 *     recorder was loaded, or inherited across fork) is dropped, or for realloc becomes an 'a';
 *   - an allocation at an address still live (its free was lost) frees the old block first;
 *   - every block still live at the end is freed, in id order, so the trace is balanced.
 * With -n the trace stops early enough that it holds at most max_ops operations, those frees
 * included.  A summary goes to stderr.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct record { /* as recorder.c writes it */
    uint64_t op;
    uint64_t old;
    uint64_t ptr;
    uint64_t size;
};

struct op {
    char kind;
    uint32_t id;
    uint64_t size;
};

/* Address -> id: open addressing, linear probing, tombstones.  key 0 is empty, 1 is dead. */
struct slot {
    uint64_t key;
    uint32_t id;
};
static struct slot *table;
static size_t cap, used, dead;

static struct op *ops;
static size_t nops, ops_cap;
static uint64_t *sizes; /* by id: the live size, or UINT64_MAX once freed */
static uint32_t nids;
static size_t ids_cap, live;
static uint64_t live_bytes, peak_bytes;

static void *grow(void *p, size_t *cap_, size_t elem, size_t need)
{
    if (need <= *cap_) return p;
    size_t n = *cap_ ? *cap_ : 1024;
    while (n < need)
        n *= 2;
    p = realloc(p, n * elem);
    if (!p) {
        fprintf(stderr, "rep_from_raw: out of memory\n");
        exit(1);
    }
    *cap_ = n;
    return p;
}

static size_t slot_of(uint64_t key)
{
    return (size_t) ((key >> 4) * 0x9E3779B97F4A7C15u) & (cap - 1);
}

static struct slot *find(uint64_t key)
{
    for (size_t i = slot_of(key);; i = (i + 1) & (cap - 1)) {
        if (table[i].key == key) return &table[i];
        if (table[i].key == 0) return NULL;
    }
}

static void insert(uint64_t key, uint32_t id);

static void rehash(size_t new_cap)
{
    struct slot *old = table;
    size_t old_cap = cap;
    table = calloc(new_cap, sizeof *table);
    if (!table) {
        fprintf(stderr, "rep_from_raw: out of memory\n");
        exit(1);
    }
    cap = new_cap;
    used = dead = 0;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].key > 1) insert(old[i].key, old[i].id);
    free(old);
}

static void insert(uint64_t key, uint32_t id)
{
    if ((used + dead + 1) * 2 > cap) rehash(used * 4 > cap ? cap * 2 : cap);
    size_t i = slot_of(key);
    while (table[i].key > 1)
        i = (i + 1) & (cap - 1);
    if (table[i].key == 1) dead--;
    table[i] = (struct slot){key, id};
    used++;
}

static void remove_slot(struct slot *s)
{
    s->key = 1;
    used--;
    dead++;
}

static void emit(char kind, uint32_t id, uint64_t size)
{
    ops = grow(ops, &ops_cap, sizeof *ops, nops + 1);
    ops[nops++] = (struct op){kind, id, size};
}

static void set_live(uint32_t id, uint64_t size)
{
    if (sizes[id] != UINT64_MAX)
        live_bytes -= sizes[id];
    else
        live++;
    sizes[id] = size;
    live_bytes += size;
    if (live_bytes > peak_bytes) peak_bytes = live_bytes;
}

static void free_id(uint32_t id)
{
    emit('f', id, 0);
    live_bytes -= sizes[id];
    sizes[id] = UINT64_MAX;
    live--;
}

static void free_addr(uint64_t addr)
{
    struct slot *s = find(addr);
    if (s) {
        free_id(s->id);
        remove_slot(s);
    }
}

static void alloc_addr(uint64_t addr, uint64_t size)
{
    free_addr(addr); /* a stale block at the same address lost its free */
    sizes = grow(sizes, &ids_cap, sizeof *sizes, (size_t) nids + 1);
    sizes[nids] = UINT64_MAX;
    set_live(nids, size);
    emit('a', nids, size);
    insert(addr, nids++);
}

static void replay(const struct record *r)
{
    switch (r->op) {
    case 'a':
        alloc_addr(r->ptr, r->size);
        break;
    case 'f':
        free_addr(r->ptr);
        break;
    case 'r': {
        struct slot *s = find(r->old);
        if (!s) {
            alloc_addr(r->ptr, r->size);
            break;
        }
        uint32_t id = s->id;
        remove_slot(s);
        free_addr(r->ptr); /* moved onto a stale block's address */
        insert(r->ptr, id);
        set_live(id, r->size);
        emit('r', id, r->size);
        break;
    }
    }
}

int main(int argc, char **argv)
{
    size_t max_ops = SIZE_MAX;
    int opt;
    while ((opt = getopt(argc, argv, "n:")) != -1) {
        if (opt != 'n' || atol(optarg) < 4) {
            fprintf(stderr, "usage: rep_from_raw [-n max_ops (>= 4)] log.raw > trace.rep\n");
            return 2;
        }
        max_ops = (size_t) atol(optarg);
    }
    if (optind != argc - 1) {
        fprintf(stderr, "usage: rep_from_raw [-n max_ops] log.raw > trace.rep\n");
        return 2;
    }
    FILE *in = fopen(argv[optind], "rb");
    if (!in) {
        fprintf(stderr, "rep_from_raw: %s: %s\n", argv[optind], strerror(errno));
        return 1;
    }
    rehash(1024);
    struct record r;
    size_t records = 0, bad = 0;
    int truncated = 0;
    while (fread(&r, sizeof r, 1, in) == 1) {
        /* A record adds at most two operations and one live block, which costs a free. */
        if (nops + live + 3 > max_ops) {
            truncated = 1;
            break;
        }
        records++;
        if (r.op != 'a' && r.op != 'r' && r.op != 'f')
            bad++;
        else
            replay(&r);
    }
    fclose(in);
    if (bad) {
        fprintf(stderr, "rep_from_raw: %s: %zu records are not a recorder's\n", argv[optind], bad);
        return 1;
    }
    size_t left = live;
    for (uint32_t id = 0; id < nids; id++)
        if (sizes[id] != UINT64_MAX) free_id(id);

    printf("%llu\n%u\n%zu\n1\n", (unsigned long long) peak_bytes, nids, nops);
    for (size_t i = 0; i < nops; i++) {
        if (ops[i].kind == 'f')
            printf("f %u\n", ops[i].id);
        else
            printf("%c %u %llu\n", ops[i].kind, ops[i].id, (unsigned long long) ops[i].size);
    }
    if (fflush(stdout) != 0) {
        fprintf(stderr, "rep_from_raw: writing the trace: %s\n", strerror(errno));
        return 1;
    }
    fprintf(stderr,
            "rep_from_raw: %s: %zu records -> %zu operations, %u ids, peak %llu bytes, "
            "%zu freed at the end%s\n",
            argv[optind], records, nops, nids, (unsigned long long) peak_bytes, left,
            truncated ? " (truncated by -n)" : "");
    return 0;
}
