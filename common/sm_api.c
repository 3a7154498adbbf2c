/*
 * sm_api.c - the public sm_* functions, the same for every phase.
 *
 * Each function checks its arguments against the contract in sm.h, calls the phase (phase.h)
 * and keeps the counters that mean the same in every phase.  Per call this costs a compare and
 * a few counter updates on top of the phase's own work.
 *
 * It is also the one place that tells memcheck about blocks (sm_valgrind.h): registered with
 * the size asked for right after the phase hands them out, unregistered right after the phase
 * takes them back, so every phase gets leak, overflow and use-after-free reports for free.
 * Outside memcheck (natively, or under callgrind) that costs one load and one branch per call.
 */
#include "sm.h"
#include "not_written.h"
#include "phase.h"
#include "sm_valgrind.h"
#include "sysalloc.h"
#include "walk.h"

#include <errno.h>
#include <string.h>

/* The counters of the first group of struct sm_stats, except the sysalloc ones. */
static struct sm_stats counted;

static void *no_memory(void)
{
    errno = ENOMEM;
    return NULL;
}

/*
 * Memcheck's view of the blocks (sm_valgrind.h), one load and one branch outside memcheck.
 * Macros rather than functions, so that memcheck's stacks ("alloc'd at", "free'd at") start at
 * the sm_* function the program called instead of at a helper.
 *
 * VG_NEW closes all usable bytes and registers only the size asked for: the slack past it stays
 * NOACCESS and a one-byte overflow is reported.  VG_RESIZED keeps the V-bits of the bytes kept
 * (memcheck refuses a resize to 0 bytes, so that one re-registers an empty block instead).
 * VG_WIDEN grows a block to its usable size once the program has asked for it.
 */
/* BUILD-IT begin lab 4 */
#define VG_NEW(p, asked, usable)                                                                   \
    do {                                                                                           \
        if (sm_vg_running()) {                                                                     \
            size_t known_ = sm_vg_remember((p), (asked), (usable));                                \
            VALGRIND_MAKE_MEM_NOACCESS((p), (usable));                                             \
            VALGRIND_MALLOCLIKE_BLOCK((p), known_, 0, 0);                                          \
            (void) known_; /* with -DNVALGRIND the request above is empty */                       \
        }                                                                                          \
    } while (0)
/* BUILD-IT stub: #define VG_NEW(p, n, u) (sm_vg_running() ? SM_NOT_WRITTEN(4, p) : (void) 0) */
/* BUILD-IT end */

/* BUILD-IT begin lab 4 */
#define VG_GONE(p)                                                                                 \
    do {                                                                                           \
        if (sm_vg_running()) {                                                                     \
            sm_vg_forget(p);                                                                       \
            VALGRIND_FREELIKE_BLOCK((p), 0);                                                       \
        }                                                                                          \
    } while (0)
/* BUILD-IT stub: #define VG_GONE(p) (sm_vg_running() ? SM_NOT_WRITTEN(4, p) : (void) 0) */
/* BUILD-IT end */

#define VG_RESIZED(p, old_known, asked, usable)                                                    \
    do {                                                                                           \
        if (sm_vg_running()) {                                                                     \
            size_t usable_ = (usable), known_ = sm_vg_remember((p), (asked), usable_);             \
            if (known_ == 0) {                                                                     \
                VALGRIND_FREELIKE_BLOCK((p), 0);                                                   \
                VALGRIND_MALLOCLIKE_BLOCK((p), 0, 0, 0);                                           \
            } else {                                                                               \
                VALGRIND_RESIZEINPLACE_BLOCK((p), (old_known), known_, 0);                         \
            }                                                                                      \
            VALGRIND_MAKE_MEM_NOACCESS((char *) (p) + known_, usable_ - known_);                   \
        }                                                                                          \
    } while (0)

#define VG_WIDEN(p, usable)                                                                        \
    do {                                                                                           \
        if (sm_vg_running()) {                                                                     \
            size_t known_ = sm_vg_known_size((p), (usable));                                       \
            if (known_ != (usable) && (usable) != 0) {                                             \
                VALGRIND_RESIZEINPLACE_BLOCK((p), known_, (usable), 0);                            \
                sm_vg_remember((p), (usable), (usable));                                           \
            }                                                                                      \
        }                                                                                          \
    } while (0)

/* A block moved by the phase without a copy (phase_remap): memcheck forgets the old address
 * and registers the new one, the kept bytes as defined (the kernel moved them; memcheck's
 * record of which of them were ever written is not carried over), the rest as in VG_RESIZED. */
#define VG_MOVED(old, p, old_known, asked, usable)                                                 \
    do {                                                                                           \
        if (sm_vg_running()) {                                                                     \
            sm_vg_forget(old);                                                                     \
            VALGRIND_FREELIKE_BLOCK((old), 0);                                                     \
            size_t usable_ = (usable), known_ = sm_vg_remember((p), (asked), usable_);             \
            VALGRIND_MALLOCLIKE_BLOCK((p), (old_known), 0, 1);                                     \
            if (known_ != (old_known)) VALGRIND_RESIZEINPLACE_BLOCK((p), (old_known), known_, 0);  \
            VALGRIND_MAKE_MEM_NOACCESS((char *) (p) + known_, usable_ - known_);                   \
        }                                                                                          \
    } while (0)

/* A block kept (in place or remapped) changed usable size from old to usable. */
static void count_resize(size_t old, size_t usable)
{
    counted.bytes_live += usable - old;
    if (counted.bytes_live > counted.peak_bytes_live) counted.peak_bytes_live = counted.bytes_live;
}

static void count_alloc(size_t asked, size_t usable)
{
    counted.allocations++;
    counted.bytes_requested += asked;
    count_resize(0, usable);
}

static void count_free(size_t usable)
{
    counted.frees++;
    counted.bytes_live -= usable;
}

void *sm_malloc(size_t size)
{
    size_t usable;
    if (size > SM_SIZE_MAX) return no_memory();
    void *p = phase_malloc(size, &usable);
    if (p) {
        count_alloc(size, usable);
        VG_NEW(p, size, usable);
    }
    return p;
}

void sm_free(void *ptr)
{
    if (ptr) {
        count_free(phase_free(ptr, "sm_free")); /* a bad pointer aborts before memcheck hears */
        VG_GONE(ptr);
    }
}

void *sm_calloc(size_t nmemb, size_t size)
{
    size_t total;
    if (__builtin_mul_overflow(nmemb, size, &total)) return no_memory();
    void *p = sm_malloc(total);
    if (p) memset(p, 0, total); /* a reused block holds old data */
    return p;
}

/* What to ask for when a block of old usable bytes must move to hold size: at least
 * 1/GROWTH_DIVISOR more than old when it grows (phase.h), so that a block grown in small steps
 * moves a logarithmic number of times and its copies add up to a bounded multiple of its final
 * size.  Only a request that fits gets the room: otherwise size itself. */
static size_t growth_room(size_t old, size_t size)
{
    size_t grown = old + old / GROWTH_DIVISOR;
    return size > old && size < grown && grown <= SM_SIZE_MAX ? grown : size;
}

void *sm_realloc(void *ptr, size_t size)
{
    if (!ptr) return sm_malloc(size);
    if (size > SM_SIZE_MAX) {
        phase_usable_size(ptr, "sm_realloc"); /* a bad pointer aborts all the same */
        counted.reallocs++;
        return no_memory();
    }
    size_t usable, old = phase_resize(ptr, size, &usable, "sm_realloc"); /* aborts on a bad one */
    counted.reallocs++;

    /* The bytes worth keeping: all usable ones, but under memcheck only those it was told
     * of (the rest is NOACCESS slack, and copying it would be reported). */
    size_t kept = sm_vg_running() ? sm_vg_known_size(ptr, old) : old;
    if (usable) {
        VG_RESIZED(ptr, kept, size, usable);
        count_resize(old, usable);
        return ptr;
    }
    void *moved = old >= REMAP_MIN ? phase_remap(ptr, size, &usable) : NULL;
    if (moved) {
        VG_MOVED(ptr, moved, kept, size, usable);
        count_resize(old, usable);
        return moved;
    }
    size_t ask = growth_room(old, size);
    moved = phase_malloc(ask, &usable);
    if (!moved && ask != size) moved = phase_malloc(size, &usable);
    if (!moved) return NULL; /* errno is set; ptr stays valid */
    count_alloc(size, usable);
    VG_NEW(moved, size, usable);
    size_t copied = kept < size ? kept : size;
    memcpy(moved, ptr, copied);
    counted.realloc_bytes_copied += copied;
    count_free(phase_free(ptr, "sm_realloc"));
    VG_GONE(ptr);
    return moved;
}

void *sm_memalign(size_t alignment, size_t size)
{
    if (alignment == 0 || (alignment & (alignment - 1)) != 0) {
        errno = EINVAL;
        return NULL;
    }
    if (alignment <= SM_ALIGN) return sm_malloc(size);
    if (size > SM_SIZE_MAX || alignment > SM_SIZE_MAX) return no_memory();
    size_t usable;
    void *p = phase_memalign(alignment, size, &usable);
    if (p) {
        count_alloc(size, usable);
        VG_NEW(p, size, usable);
    }
    return p;
}

/* The program may use every usable byte once it has asked how many there are, so under
 * memcheck the block grows to its usable size here; a program that never asks keeps the
 * NOACCESS slack past the size it asked for, where a one-byte overflow is caught. */
size_t sm_usable_size(void *ptr)
{
    if (!ptr) return 0;
    size_t usable = phase_usable_size(ptr, "sm_usable_size");
    VG_WIDEN(ptr, usable);
    return usable;
}

int sm_check(void)
{
    return phase_check();
}

void sm_stats(struct sm_stats *out)
{
    struct sysalloc_counters sys;
    *out = counted;
    phase_stats(out);
    sysalloc_counters(&sys);
    out->sysalloc_calls = sys.calls;
    out->sysfree_calls = sys.frees;
    out->sysremap_calls = sys.remaps;
    out->realloc_bytes_copied += sys.remap_bytes_copied;
    out->bytes_mapped = sys.mapped;
    out->peak_bytes_mapped = sys.peak_mapped;
}

int sm_walk(sm_walk_fn fn, void *arg)
{
    return walk_run(fn, arg);
}

const char *sm_name(void)
{
    return phase_name;
}

void sm_teardown(void)
{
    if (sm_vg_running())
        sm_vg_forget_all(); /* every live block is gone: none is reported as leaked */
    phase_teardown();
    memset(&counted, 0, sizeof counted);
}
