/*
 * map_limit_demo.c - phase2 against vm.max_map_count: the README's "mapping limit" figures.
 *
 * Allocates 16-byte blocks until sm_malloc refuses (or 200,000 are live), frees every other
 * one (each munmap then splits a merged area of record pages), and allocates them again,
 * printing the process's memory areas (lines of /proc/self/maps) at each step.
 *
 *   make -C phase2_slab
 *   cc -O2 -Icommon phase2_slab/demo/map_limit_demo.c build/phase2_slab/libsm.a -o /tmp/mapdemo
 *   /tmp/mapdemo                          # the kernel's limit
 *   SM_MAX_MAP_COUNT=5000 /tmp/mapdemo    # a small one
 *   SM_MAX_MAP_COUNT=1000000 /tmp/mapdemo # no budget in effect: free aborts in sysfree
 */
#include "sm.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define MAX_BLOCKS 200000

static void *blocks[MAX_BLOCKS];

static int areas(void)
{
    FILE *f = fopen("/proc/self/maps", "r");
    int n = 0, c;
    if (!f) return -1;
    while ((c = fgetc(f)) != EOF)
        if (c == '\n') n++;
    fclose(f);
    return n;
}

int main(void)
{
    long live = 0;
    setvbuf(stdout, NULL, _IOLBF, 0); /* each line out before a possible abort */
    while (live < MAX_BLOCKS && (blocks[live] = sm_malloc(16)) != NULL)
        live++;
    printf("allocated: %ld live blocks (%s), %d areas, sm_check %d\n", live,
           live < MAX_BLOCKS ? strerror(errno) : "no refusal", areas(), sm_check());

    for (long i = 0; i < live; i += 2) {
        sm_free(blocks[i]);
        blocks[i] = NULL;
    }
    printf("freed every other one: %d areas, sm_check %d\n", areas(), sm_check());

    long again = 0;
    for (long i = 0; i < live; i += 2, again++)
        if ((blocks[i] = sm_malloc(16)) == NULL) break;
    printf("allocated %ld again: %d areas, sm_check %d\n", again, areas(), sm_check());

    for (long i = 0; i < live; i++)
        sm_free(blocks[i]);
    printf("freed all: %d areas, sm_check %d\n", areas(), sm_check());
    return 0;
}
