/*
 * sm_assert.h - SM_ASSERT(cond): a precondition, checked where it is used, in test builds.
 *
 * A function's contract says what must hold when it is called ("s->free != NULL", "pool_owns(p)
 * must hold"); SM_ASSERT writes that sentence as code, beside the prose.  In a build with
 * SM_CHECKS=1 a false cond prints
 *     sm_assert: slab.h:142: slab_pop_block: precondition failed: s->free != NULL
 * on stderr (without allocating) and aborts, at the first sign instead of after the heap is
 * corrupted.  `make test` runs the suite on such a build (build/<phase>-checks/, common.mk).
 *
 * In the plain build (SM_CHECKS unset or 0: the libraries, the benchmarks, callgrind) the
 * condition is compiled, so it cannot rot, but never evaluated: it costs no instruction, and the
 * figures measure the allocator alone.  So cond must have no side effect, and should be cheap:
 * an O(1) test of what the caller promised, not a heap walk (that is sm_check's job).
 */
#ifndef SM_ASSERT_H
#define SM_ASSERT_H

#ifndef SM_CHECKS
#define SM_CHECKS 0
#endif

#define SM_ASSERT(cond)                                                                            \
    do {                                                                                           \
        if (SM_CHECKS && !(cond)) sm_assert_failed(#cond, __FILE__, __LINE__, __func__);           \
    } while (0)

/* Reports the failed precondition and aborts (diag.c). */
_Noreturn void sm_assert_failed(const char *cond, const char *file, int line, const char *func);

#endif
