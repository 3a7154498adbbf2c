/*
 * sm_api.c - the public sm_* functions, the same for every phase.
 *
 * Each function checks its arguments against the contract in sm.h, calls the phase (phase.h)
 * and keeps the counters that mean the same in every phase.  Per call this costs a compare and
 * a few counter updates on top of the phase's own work.
 */
#include "sm.h"
#include "phase.h"
#include "sysalloc.h"

#include <errno.h>
#include <string.h>

/* The counters of the first group of struct sm_stats, except the sysalloc ones. */
static struct sm_stats counted;

static void *no_memory(void)
{
    errno = ENOMEM;
    return NULL;
}

static void count_alloc(size_t asked, size_t usable)
{
    counted.allocations++;
    counted.bytes_requested += asked;
    counted.bytes_live += usable;
    if (counted.bytes_live > counted.peak_bytes_live)
        counted.peak_bytes_live = counted.bytes_live;
}

static void count_free(size_t usable)
{
    counted.frees++;
    counted.bytes_live -= usable;
}

void *sm_malloc(size_t size)
{
    size_t usable;
    if (size > SM_SIZE_MAX)
        return no_memory();
    void *p = phase_malloc(size, &usable);
    if (p)
        count_alloc(size, usable);
    return p;
}

void sm_free(void *ptr)
{
    if (ptr)
        count_free(phase_free(ptr, "sm_free"));
}

void *sm_calloc(size_t nmemb, size_t size)
{
    size_t total;
    if (__builtin_mul_overflow(nmemb, size, &total))
        return no_memory();
    void *p = sm_malloc(total);
    if (p)
        memset(p, 0, total); /* a reused block holds old data */
    return p;
}

void *sm_realloc(void *ptr, size_t size)
{
    if (!ptr)
        return sm_malloc(size);
    size_t old = phase_usable_size(ptr, "sm_realloc"); /* aborts on a bad pointer */
    counted.reallocs++;
    if (size > SM_SIZE_MAX)
        return no_memory();

    size_t usable;
    if (phase_resize(ptr, size, &usable)) {
        counted.bytes_live += usable - old;
        if (counted.bytes_live > counted.peak_bytes_live)
            counted.peak_bytes_live = counted.bytes_live;
        return ptr;
    }
    void *moved = phase_malloc(size, &usable);
    if (!moved)
        return NULL; /* errno is set; ptr stays valid */
    count_alloc(size, usable);
    memcpy(moved, ptr, old < size ? old : size);
    count_free(phase_free(ptr, "sm_realloc"));
    return moved;
}

void *sm_memalign(size_t alignment, size_t size)
{
    if (alignment == 0 || (alignment & (alignment - 1)) != 0 || alignment > SM_MAX_ALIGN) {
        errno = EINVAL;
        return NULL;
    }
    if (alignment <= SM_ALIGN)
        return sm_malloc(size);
    if (size > SM_SIZE_MAX)
        return no_memory();
    size_t usable;
    void *p = phase_memalign(alignment, size, &usable);
    if (p)
        count_alloc(size, usable);
    return p;
}

size_t sm_usable_size(void *ptr)
{
    return ptr ? phase_usable_size(ptr, "sm_usable_size") : 0;
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
    out->bytes_mapped = sys.mapped;
    out->peak_bytes_mapped = sys.peak_mapped;
}

const char *sm_name(void)
{
    return phase_name;
}

void sm_teardown(void)
{
    phase_teardown();
    memset(&counted, 0, sizeof counted);
}
