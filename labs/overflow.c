/*
 * overflow.c - lab 1: what sm_check() sees when a program writes past the end of a block.
 *
 *   cc -std=c17 -Icommon -o build/labs/lab1/overflow_phase0 labs/overflow.c \
 *       build/phase0_original/libsm.a
 *   build/labs/lab1/overflow_phase0 [bytes]
 *
 * Allocates two 40-byte blocks, a then b, fills b with 'B', then writes `bytes` bytes (default
 * 24) of 'A' from the start of a: 40 of them a's own, the rest past its end.  It prints whether
 * sm_check() passes before and after the overflow, and whether b's bytes survived.  A phase that
 * keeps its bookkeeping beside the blocks (headers, footers) can catch the damage; one that keeps
 * it elsewhere (bitmaps) cannot, and a neighbour's data may be damaged with no invariant broken.
 * The exit status is 0 either way: the output is the result.
 */
#include "sm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK 40

int main(int argc, char **argv)
{
    size_t past = argc > 1 ? strtoul(argv[1], NULL, 10) : 24;
    char *a = sm_malloc(BLOCK), *b = sm_malloc(BLOCK);
    if (!a || !b) {
        perror("sm_malloc");
        return 1;
    }
    memset(b, 'B', BLOCK);
    printf("%s: a = %p (usable %zu), b = %p, b - a = %td bytes\n", sm_name(), (void *) a,
           sm_usable_size(a), (void *) b, b - a);
    printf("%s: sm_check before the overflow: %s\n", sm_name(),
           sm_check() == 0 ? "passes" : "FAILS");
    fflush(stdout);
    memset(a, 'A', BLOCK + past); /* the bug: `past` bytes beyond the 40 asked for */
    int broken = sm_check() != 0; /* a failing check names the invariant on stderr */
    size_t damaged = 0;
    for (size_t i = 0; i < BLOCK; i++)
        damaged += b[i] != 'B';
    printf("%s: wrote %zu bytes past a: sm_check %s; %zu of b's %d bytes damaged\n", sm_name(),
           past, broken ? "FAILS" : "passes", damaged, BLOCK);
    return 0;
}
