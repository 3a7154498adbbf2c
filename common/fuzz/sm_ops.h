/*
 * sm_ops.h - runs a byte string as a program of allocator operations and checks every result.
 *
 * The fuzzer (fuzz_sm.c) feeds it the inputs libFuzzer invents; the suite (test_replay.c)
 * feeds it the inputs kept in corpus/ and regressions/.  Both use the same interpreter, so an
 * input that once broke a phase is replayed, byte for byte, by every later `make test`.
 *
 * The input is read 4 bytes at a time: one operation each, [op, a, b, c].
 *   op & 7     what to do:  0 malloc   1 calloc   2 realloc   3 memalign   4 free
 *                           5 make sysalloc fail (after a (mod 8) more calls, or never again)
 *                           6 check everything now   7 free every live block
 *   op >> 3    which of the 32 slots (a live block or empty) the operation works on
 *   a, b, c    the size (see op_size in sm_ops.c: tiny, small, medium, or a size next to a power
 *              of two, up to 4 MiB) and, for calloc and memalign, nmemb or the alignment.
 * A trailing part shorter than 4 bytes is ignored.
 *
 * What it checks, after every operation: the block's alignment, that sm_usable_size is at
 * least the size asked for and every usable byte can be written, that the new block overlaps
 * no live block, that calloc memory is zero, that a block's bytes are unchanged when it is
 * freed or resized (each block is filled with its own pattern), that a failure is NULL with
 * errno = ENOMEM (EINVAL for a bad alignment) and happens only while a failure is injected,
 * that a failed realloc left its block intact, and that sm_check() passes.  At the end: the
 * bytes_live counter equals the live blocks' usable sizes, and after freeing everything and
 * sm_teardown() no byte is left mapped (a mapping lost on a failure path would show here).
 */
#ifndef SM_OPS_H
#define SM_OPS_H

#include <stddef.h>
#include <stdint.h>

/* Runs the program in data[0..size) on a fresh heap and tears it down again.  Returns NULL when
 * every check passed, or a message naming the operation and the check that failed (a static
 * buffer, valid until the next call). */
const char *sm_ops_run(const uint8_t *data, size_t size);

#endif
