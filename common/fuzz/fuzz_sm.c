/*
 * fuzz_sm.c - the libFuzzer entry point: one input, one program of allocator operations
 * (sm_ops.h).  A failed check prints what failed and aborts, which libFuzzer reports as a
 * crash and saves the input as crash-<hash>.  Built and run by common/fuzz/rules.mk.
 */
#include "sm_ops.h"

#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *failed = sm_ops_run(data, size);
    if (failed) {
        fprintf(stderr, "sm_ops: %s\n", failed);
        abort();
    }
    return 0;
}
