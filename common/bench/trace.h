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
 * live, a free of an id that is not, a NUL byte, or fewer operations than the header's count
 * is an error naming the file and the line.
 *
 * It reads what CMU's own driver reads, and where that driver is lenient it accepts the line
 * and says so once per trace (trace.warning, "file:line: ..."):
 *   f -1         free(NULL): CMU's newer traces (bash.rep, ...) record the program's frees of
 *                a null pointer this way;
 *   extra lines  operation lines after the header's count: CMU's driver stops at the count,
 *                and so does this reader (the rest is not read).
 * The id table is sized from the ids the trace uses, not from the header's count, which may
 * claim far more.
 */
#ifndef BENCH_TRACE_H
#define BENCH_TRACE_H

#include <stddef.h>
#include <stdint.h>

enum op_kind { OP_ALLOC = 'a', OP_REALLOC = 'r', OP_FREE = 'f' };

/* One operation: 16 bytes, so a replay streams through the array. */
struct op {
    uint32_t kind; /* enum op_kind */
    uint32_t id;   /* < trace.num_ids; "f -1" frees trace.null_id, which is never allocated */
    uint64_t size; /* bytes asked for; 0 for a free */
};

struct trace {
    char name[64];            /* the file name without directory and ".rep" (ls.1.rep: ls.1) */
    uint64_t heap_hint;       /* header line 1 */
    uint32_t num_ids;         /* the ids used, null_id included: every op's id is below this */
    uint32_t null_id;         /* the id "f -1" frees (num_ids - 1), or UINT32_MAX if none */
    size_t num_ops;           /* header line 3, equal to the operation lines read */
    uint64_t weight;          /* header line 4 */
    struct op *ops;           /* num_ops of them */
    uint64_t allocs;          /* 'a' and 'r' operations: requests for a block of a size */
    uint64_t peak_live_bytes; /* the most payload bytes live at once, as the trace asks them */
    char warning[320];        /* "" or what was accepted leniently, with file and line */
};

/* The largest size a trace may ask for (1 TiB): beyond this the file is surely wrong. */
#define TRACE_SIZE_MAX ((uint64_t) 1 << 40)
/* The largest number of ids a header may claim (ids are 32-bit). */
#define TRACE_IDS_MAX ((uint32_t) 1 << 26)

/* Reads and checks the trace at path.  Returns 0 and fills *t, or -1 with a message
 * "path:line: what" in err (never more than errlen bytes) and *t empty. */
int trace_load(const char *path, struct trace *t, char *err, size_t errlen);

/* Releases what trace_load allocated. */
void trace_free(struct trace *t);

#endif
