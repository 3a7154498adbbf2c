/*
 * sm_valgrind.h - memcheck client requests, in one place for every phase.
 *
 * Out of the box memcheck cannot see inside an allocator built on mmap: to it, the whole
 * mapping is one defined, addressable region.  These requests tell it where the blocks are.
 * Outside memcheck each one is a load and a branch that skip it (sm_vg_running below).
 *
 * The rule every phase follows: memory that is not inside a live block (headers, footers,
 * free-list links, free slots, unused slab memory) is NOACCESS to the program.  The allocator
 * opens what it is about to touch with SM_VG_OPEN and closes it again with SM_VG_CLOSE.
 *
 * The blocks themselves are announced by one caller only, common/sm_api.c, the front every
 * phase goes through (its VG_* macros, with the table of sizes in sm_valgrind.c): a phase never
 * calls VALGRIND_MALLOCLIKE_BLOCK itself.  Who does what, for a block of usable size u asked as n:
 *
 *   phase_malloc      carves the block; its own headers and links stay closed
 *   sm_api.c          closes [p, p + u), then registers [p, p + n) with memcheck (undefined),
 *                     so the slack [p + n, p + u) stays NOACCESS: a one-byte overflow is caught
 *   the program       uses [p, p + n); sm_usable_size(p) widens the block to all u bytes
 *   phase_free        takes the block back, opening and closing what it writes
 *   sm_api.c          unregisters the block: all of it NOACCESS, "free'd" in memcheck's reports
 *
 * A table of user pointers must not hold them as they are: memcheck's leak checker scans
 * defined memory for pointers, and a table holding plain pointers makes every leaked block look
 * "still reachable".  Store ~p (as common/bigblock.c does), or keep the table closed.
 */
#ifndef SM_VALGRIND_H
#define SM_VALGRIND_H

#include <stddef.h>
#include <valgrind/memcheck.h>

/* Whether the program runs under memcheck, asked once (sm_valgrind.c).  Cost otherwise (natively,
 * or under callgrind, whose instruction counts it would distort): one load and one predictable
 * branch, where a bare client request costs a dozen instructions (its arguments are stored to
 * the stack for the magic rotate sequence). */
extern int sm_vg_state __attribute__((visibility("hidden"))); /* 0 not asked, 1 no, 2 memcheck */
int sm_vg_detect(void); /* sets sm_vg_state; returns 1 under memcheck */

static inline int sm_vg_running(void)
{
    return __builtin_expect(sm_vg_state == 1, 1) ? 0 : sm_vg_state == 2 || sm_vg_detect();
}

/* 1 when the program is known not to run under memcheck (asked already, and the answer was no):
 * the one test a hot path makes before jumping to an out-of-line annotated version. */
static inline int sm_vg_off(void)
{
    return __builtin_expect(sm_vg_state == 1, 1) != 0;
}

/* The allocator is about to read or write its own bytes [p, p + n). */
#define SM_VG_OPEN(p, n)                                                                           \
    do {                                                                                           \
        if (sm_vg_running()) VALGRIND_MAKE_MEM_DEFINED((p), (n));                                  \
    } while (0)
/* The allocator is done with them: any access by the program is an error. */
#define SM_VG_CLOSE(p, n)                                                                          \
    do {                                                                                           \
        if (sm_vg_running()) VALGRIND_MAKE_MEM_NOACCESS((p), (n));                                 \
    } while (0)

/*
 * For common/sm_api.c only: the size memcheck was told for each live block.  Under memcheck a
 * side table (sm_valgrind.c) keeps it, because memcheck ignores a RESIZEINPLACE whose old size
 * is not exactly the one it holds, and the front only knows usable sizes.  Outside memcheck
 * these are never called (sm_api.c asks sm_vg_running() first).
 */

/* Records that memcheck is told size asked for p; returns the size to tell it: asked, or
 * usable when the table cannot grow (the block then loses only its slack check). */
size_t sm_vg_remember(const void *p, size_t asked, size_t usable);

/* p is no longer a live block. */
void sm_vg_forget(const void *p);

/* The size memcheck holds for the live block p, whose usable size is usable. */
size_t sm_vg_known_size(const void *p, size_t usable);

/* Unregisters every block still live, for sm_teardown. */
void sm_vg_forget_all(void);

#endif
