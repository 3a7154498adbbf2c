/*
 * diag.h - messages from inside an allocator, without allocating.
 *
 * An allocator cannot use printf to report a problem: stdio may call malloc, which is the
 * allocator itself, perhaps with its heap half-updated.  These helpers format into a buffer on
 * the stack and hand it to write(2) in one call, so a line is never interleaved with another.
 */
#ifndef DIAG_H
#define DIAG_H

#include <stddef.h>
#include <stdint.h>

/* A line being built on the stack; text past the end is dropped, never overflowed. */
struct diag_line {
    char buf[256];
    size_t len;
};

void diag_str(struct diag_line *l, const char *s);
void diag_dec(struct diag_line *l, uint64_t v);
void diag_hex(struct diag_line *l, uintptr_t v); /* 0x-prefixed */
void diag_emit(struct diag_line *l);             /* adds '\n', writes to stderr */

/* "<func>(): <what> 0x<ptr>" on stderr, then abort().  For invalid and double frees. */
_Noreturn void sm_bad_pointer(const char *func, const char *what, const void *ptr);

/* "sm_check: <phase>: <what>" on stderr; returns -1, so that sm_check can `return
 * check_failed(...)`. */
int check_failed(const char *what);

#endif
