/*
 * demo.c - three bugs that memcheck reports in every phase, because common/sm_api.c tells it
 * where each sm_malloc block starts and ends (common/sm_valgrind.h).
 *
 *   leak_one_block      allocates a block and drops the only pointer to it
 *   read_after_free     reads the first byte of a block it has freed
 *   write_one_past_end  writes the byte just after the size it asked for
 *
 * Run it under memcheck against one phase (the Valgrind lab; `make valgrind-demo-test` does it
 * on every phase and checks the three reports):
 *
 *   make valgrind-demo PHASE_DIR=phase0_original
 *   valgrind --leak-check=full build/phase0_original/valgrind_demo [size]
 *
 * size (default 24) is the size of every block; try others (1000, 4000) to exercise other size
 * classes.  Above the phase's large-block threshold (64 KiB and more) the freed block's mapping
 * is gone and the read after free is a real SIGSEGV, with or without Valgrind.  Without
 * Valgrind, smaller sizes run to the end and print nothing wrong: that is the point.
 */
#include "sm.h"

#include <stdio.h>
#include <stdlib.h>

static size_t size = 24;

static void leak_one_block(void)
{
    char *p = sm_malloc(size);
    p[0] = 'L';
    p = NULL; /* the only pointer to the block is gone: "definitely lost" */
}

static char read_after_free(void)
{
    char *p = sm_malloc(size);
    p[0] = 'R';
    sm_free(p);
    return p[0]; /* "Invalid read of size 1 ... 0 bytes inside a block ... free'd" */
}

static void write_one_past_end(void)
{
    char *p = sm_malloc(size);
    p[size] = 'W'; /* "Invalid write of size 1 ... 0 bytes after a block of size <size>" */
    sm_free(p);
}

int main(int argc, char **argv)
{
    if (argc > 1) size = strtoul(argv[1], NULL, 10);
    if (size == 0) {
        fprintf(stderr, "usage: %s [size > 0]\n", argv[0]);
        return 2;
    }
    leak_one_block();
    char c = read_after_free(); /* before the overflow: its block's address is often reused */
    write_one_past_end();
    printf("%s: leaked one %zu-byte block, read '%c' after free, wrote one byte past a block\n",
           sm_name(), size, c);
    return 0;
}
