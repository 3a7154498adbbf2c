/*
 * check.c - sm_check() for phase1: the pool's invariants (pool.c, checked by pool_check), then
 * the big blocks'.  Cost: O(pools x 2048 words), for tests and debugging.
 */
#include "pool.h"
#include "bigblock.h"
#include "phase.h"

int phase_check(void)
{
    if (pool_check() != 0) return -1;
    return bigblock_check();
}
