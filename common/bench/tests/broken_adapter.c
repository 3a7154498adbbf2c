/*
 * broken_adapter.c - a deliberately broken allocator for the bench tests: the sm_* API onto
 * malloc, with every block 8 bytes off the 16-byte alignment sm.h promises.  Linked with the
 * driver into build/bench/smbench_broken, it must get no figures from the check pass.
 */
#include "sm.h"

#include <malloc.h>
#include <stdlib.h>
#include <string.h>

SM_API const int bench_system_adapter = 1;

void *sm_malloc(size_t size)
{
    char *p = malloc(size + 16);
    return p ? p + 8 : NULL;
}

void sm_free(void *ptr)
{
    if (ptr) free((char *) ptr - 8);
}

void *sm_calloc(size_t nmemb, size_t size)
{
    return sm_malloc(nmemb * size);
}

void *sm_realloc(void *ptr, size_t size)
{
    char *p = realloc(ptr ? (char *) ptr - 8 : NULL, size + 16);
    return p ? p + 8 : NULL;
}

void *sm_memalign(size_t alignment, size_t size)
{
    (void) alignment;
    return sm_malloc(size);
}

size_t sm_usable_size(void *ptr)
{
    return malloc_usable_size((char *) ptr - 8) - 8;
}

int sm_check(void)
{
    return 0;
}

void sm_stats(struct sm_stats *out)
{
    memset(out, 0, sizeof *out);
}

const char *sm_name(void)
{
    return "broken_misaligned";
}

void sm_teardown(void) {}
