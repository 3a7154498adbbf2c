/*
 * test_util.h - helpers for the shared suite: a seeded generator, payload patterns, and a way
 * to run code that must abort in a child process and look at what it printed.
 */
#ifndef TEST_UTIL_H
#define TEST_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "rng.h" /* rng_next */

/* Writes a pattern derived from (seed, byte index) into p[0..n); check_pattern returns the
 * index of the first byte that differs, or n when all match. */
void fill_pattern(void *p, size_t n, uint64_t seed);
size_t check_pattern(const void *p, size_t n, uint64_t seed);

/* Runs fn(arg) in a child process.  Returns 1 when the child died of SIGABRT and its stderr
 * contains `expect`, otherwise 0; child_report() then says how the child ended and what it
 * printed, for the assertion's message. */
int dies_with_abort(void (*fn)(void *), void *arg, const char *expect);
const char *child_report(void);

/* The heap checkers' tests (each phase's tests/test_corrupt.c): expects sm_check() to report
 * the damage just done, `what`, by returning -1. */
void expect_caught(const char *what);

#endif
