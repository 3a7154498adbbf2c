/*
 * now_ns.h - now_ns(): the monotonic clock in nanoseconds.
 *
 * For intervals only (the start-up time in sm_stats.init_ns, the benchmark driver's replays):
 * CLOCK_MONOTONIC never jumps when the wall clock is set.  clock_gettime is a vDSO call, no
 * system call, and allocates nothing, so an allocator may call it.
 */
#ifndef NOW_NS_H
#define NOW_NS_H

#include <stdint.h>
#include <time.h>

static inline uint64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t) t.tv_sec * 1000000000u + (uint64_t) t.tv_nsec;
}

#endif
