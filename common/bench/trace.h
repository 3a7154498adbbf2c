/*
 * trace.h - workloads in the CS:APP malloc-lab ".rep" format, read and validated.
 *
 * A trace file is four header lines, then one operation a line:
 *
 *   20000        suggested heap size (read, not used)
 *   3            number of ids: every id is below this
 *   5            number of operations: exactly this many operation lines follow
 *   1            weight (read, not used)
 *   a 0 512      allocate 512 bytes and call the block "0"
 *   a 1 128
 *   r 0 640      resize block 0 to 640 bytes (a block never allocated: realloc(NULL, 640))
 *   f 1          free block 1
 *   f 0
 *
 * Blank lines and lines starting with '#' are skipped.  trace_load() checks the whole file
 * before anything runs, so that a replay never meets a bad operation: an unknown operation
 * letter, a missing or non-numeric field, an id out of range, an allocation of an id that is
 * live, a free of an id that is not, or a number of operations other than the header's is an
 * error naming the file and the line.
 */
#ifndef BENCH_TRACE_H
#define BENCH_TRACE_H

#include <stddef.h>
#include <stdint.h>

enum op_kind { OP_ALLOC = 'a', OP_REALLOC = 'r', OP_FREE = 'f' };

/* One operation: 16 bytes, so a replay streams through the array. */
struct op {
    uint32_t kind; /* enum op_kind */
    uint32_t id;   /* < trace.num_ids */
    uint64_t size; /* bytes asked for; 0 for a free */
};

struct trace {
    char name[64];            /* the file name without directory and ".rep" */
    uint64_t heap_hint;       /* header line 1 */
    uint32_t num_ids;         /* header line 2 */
    size_t num_ops;           /* header line 3, equal to the operation lines read */
    uint64_t weight;          /* header line 4 */
    struct op *ops;           /* num_ops of them */
    uint64_t allocs;          /* 'a' and 'r' operations: requests for a block of a size */
    uint64_t peak_live_bytes; /* the most payload bytes live at once, as the trace asks them */
};

/* The largest size a trace may ask for (1 TiB): beyond this the file is surely wrong. */
#define TRACE_SIZE_MAX ((uint64_t) 1 << 40)
/* The largest number of ids (so that a replay's pointer table fits in memory). */
#define TRACE_IDS_MAX ((uint32_t) 1 << 26)

/* Reads and checks the trace at path.  Returns 0 and fills *t, or -1 with a message
 * "path:line: what" in err (never more than errlen bytes) and *t empty. */
int trace_load(const char *path, struct trace *t, char *err, size_t errlen);

/* Releases what trace_load allocated. */
void trace_free(struct trace *t);

#endif
