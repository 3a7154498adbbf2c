/*
 * map_limit.h - phase2's mapping budget: vm.max_map_count, and refusing cleanly before it.
 *
 * Linux gives a process at most vm.max_map_count memory areas (65530 by default).  Phase2 makes
 * one mapping per live allocation, so a program with tens of thousands of live blocks comes
 * close.  The kernel merges adjacent anonymous mappings, so mmap itself rarely fails first;
 * what fails is munmap: unmapping one record page from the middle of a merged area splits it in
 * two, and at the limit the kernel refuses (ENOMEM), and sysfree aborts: a program that
 * allocates many small blocks (merged into a few areas) and then frees every other one reaches
 * the limit during the frees.
 *
 * So phase2 keeps a budget: an allocation that would leave more than
 *     limit - MAP_RESERVE
 * live sysalloc mappings returns NULL with errno = ENOMEM instead.  Each live mapping is at
 * most one area whatever the kernel merges or splits, so under the budget every munmap can
 * succeed.  MAP_RESERVE leaves room for the program's own areas (code, libraries, stacks).
 *
 * limit is /proc/sys/vm/max_map_count, read at start-up, or SM_MAX_MAP_COUNT from the
 * environment when set (for labs and tests: a small limit is reached in milliseconds).
 */
#ifndef PHASE2_MAP_LIMIT_H
#define PHASE2_MAP_LIMIT_H

#include <stdint.h>

#define MAP_RESERVE       1024  /* areas left to the rest of the program */
#define DEFAULT_MAP_LIMIT 65530 /* Linux's default, when /proc cannot be read */

/* Reads the limit (without allocating).  Called once at start-up. */
void map_limit_init(void);

/* Whether one more mapping would go over the budget.  Cost: a load and a compare. */
int map_limit_reached(void);

#endif
