/*
 * system_adapter.c - the sm_* API onto the C library's malloc family, so that the benchmark
 * driver runs glibc's allocator, or any allocator put in front of it with LD_PRELOAD
 * (jemalloc, mimalloc, tcmalloc), on exactly the operations the phases run.
 *
 * Linked instead of a phase's libsm.a into build/system/smbench.  Cost per call: the
 * allocator's own, plus one compare where sm.h promises more than malloc does:
 *   - every block 16-byte aligned: jemalloc, mimalloc and tcmalloc hand out 8-byte aligned
 *     blocks for requests of 8 bytes or less, so small requests are raised to 16 bytes;
 *   - sm_realloc(p, 0) returns a block (glibc's realloc(p, 0) frees and returns NULL).
 * There are no phase counters: the driver leaves those columns empty for this allocator.
 */
#include "sm.h"

#include <dlfcn.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

/* The driver looks for this symbol (weakly) to know that it runs the system allocator. */
SM_API const int bench_system_adapter = 1;

static size_t at_least_16(size_t size)
{
    return size < SM_ALIGN ? SM_ALIGN : size;
}

void *sm_malloc(size_t size)
{
    return malloc(at_least_16(size));
}

void sm_free(void *ptr)
{
    free(ptr);
}

void *sm_calloc(size_t nmemb, size_t size)
{
    return nmemb && size ? calloc(nmemb, size) : calloc(1, SM_ALIGN);
}

void *sm_realloc(void *ptr, size_t size)
{
    return realloc(ptr, at_least_16(size));
}

void *sm_memalign(size_t alignment, size_t size)
{
    return memalign(alignment < SM_ALIGN ? SM_ALIGN : alignment, at_least_16(size));
}

size_t sm_usable_size(void *ptr)
{
    return malloc_usable_size(ptr);
}

int sm_check(void)
{
    return 0; /* nothing to walk from outside */
}

void sm_stats(struct sm_stats *out)
{
    memset(out, 0, sizeof *out);
}

/* Which malloc is in front: each preloadable allocator exports a function of its own. */
const char *sm_name(void)
{
    if (dlsym(RTLD_DEFAULT, "mallctl")) return "jemalloc";
    if (dlsym(RTLD_DEFAULT, "mi_malloc")) return "mimalloc";
    if (dlsym(RTLD_DEFAULT, "tc_malloc")) return "tcmalloc";
    return "glibc";
}

void sm_teardown(void) {}
