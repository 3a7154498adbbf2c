/*
 * test_oom.c - sysalloc made to fail at every step of a small workload.  Every failure must
 * come back as NULL with errno = ENOMEM, leave the heap consistent, keep the blocks already
 * handed out intact, and the allocator must work again once memory is available.
 */
#include "sm.h"
#include "sysalloc.h"
#include "test_util.h"

#include <criterion/criterion.h>
#include <errno.h>

#define BLOCKS 600

/* A workload that needs sysalloc many times: small, medium and large blocks, some reallocs. */
static size_t size_of(int i)
{
    static const size_t sizes[] = {8, 40, 100, 600, 2000, 9000, 40000, 150000, 1 << 20};
    return sizes[(i * 7) % 9];
}

/* Runs the workload with sysalloc failing after n calls; returns 1 if some call failed. */
static int run(long n)
{
    static unsigned char *p[BLOCKS];
    int failed = 0;
    sysalloc_fail_after(n);
    for (int i = 0; i < BLOCKS; i++) {
        errno = 0;
        if (i % 5 == 4 && p[i - 1]) {
            unsigned char *q = sm_realloc(p[i - 1], size_of(i - 1) * 2); /* grows */
            if (!q) {
                cr_assert_eq(errno, ENOMEM, "n=%ld: failed realloc left errno %d", n, errno);
                cr_assert_eq(check_pattern(p[i - 1], size_of(i - 1), i - 1), size_of(i - 1),
                             "n=%ld: a failed realloc damaged the block", n);
                failed = 1;
            } else {
                fill_pattern(q, size_of(i - 1), i - 1);
                p[i - 1] = q;
            }
        }
        p[i] = i % 3 ? sm_malloc(size_of(i)) : sm_calloc(size_of(i), 1);
        if (!p[i]) {
            cr_assert_eq(errno, ENOMEM, "n=%ld: NULL with errno %d", n, errno);
            failed = 1;
            cr_assert_eq(sm_check(), 0, "n=%ld: heap inconsistent after a failure", n);
        } else {
            fill_pattern(p[i], size_of(i), i);
        }
    }
    sysalloc_fail_after(-1);
    for (int i = 0; i < BLOCKS; i++) {
        if (p[i])
            cr_assert_eq(check_pattern(p[i], size_of(i), i), size_of(i), "n=%ld: block %d lost", n,
                         i);
        sm_free(p[i]);
        p[i] = NULL;
    }
    cr_assert_eq(sm_check(), 0, "n=%ld: heap inconsistent after freeing everything", n);
    return failed;
}

Test(oom, sysalloc_failing_at_every_step, .timeout = 300)
{
    long n = 0;
    while (run(n))
        n++;
    cr_assert_gt(n, 0, "the workload never called sysalloc");
    /* And once memory is back, everything works. */
    void *p = sm_malloc(5000);
    cr_assert_not_null(p);
    sm_free(p);
}

Test(oom, failure_from_the_first_call)
{
    sysalloc_fail_after(0);
    errno = 0;
    cr_assert_null(sm_malloc(16));
    cr_assert_eq(errno, ENOMEM);
    cr_assert_null(sm_malloc(1 << 20));
    cr_assert_null(sm_memalign(4096, 100));
    cr_assert_null(sm_calloc(10, 10));
    cr_assert_eq(sm_check(), 0);
    sysalloc_fail_after(-1);
    void *p = sm_malloc(16);
    cr_assert_not_null(p);
    sm_free(p);
}
