/*
 * diag.c - stack-buffer formatting for allocator messages (see diag.h).
 */
#include "diag.h"
#include "sm_assert.h"
#include "phase.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void diag_str(struct diag_line *l, const char *s)
{
    while (*s && l->len < sizeof l->buf - 1)
        l->buf[l->len++] = *s++;
}

void diag_dec(struct diag_line *l, uint64_t v)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char) ('0' + v % 10);
        v /= 10;
    } while (v);
    while (n > 0 && l->len < sizeof l->buf - 1)
        l->buf[l->len++] = tmp[--n];
}

void diag_hex(struct diag_line *l, uintptr_t v)
{
    char tmp[2 * sizeof v];
    int n = 0;
    do {
        tmp[n++] = "0123456789abcdef"[v & 15];
        v >>= 4;
    } while (v);
    diag_str(l, "0x");
    while (n > 0 && l->len < sizeof l->buf - 1)
        l->buf[l->len++] = tmp[--n];
}

void diag_emit(struct diag_line *l)
{
    l->buf[l->len++] = '\n';
    ssize_t unused = write(STDERR_FILENO, l->buf, l->len);
    (void) unused;
    l->len = 0;
}

_Noreturn void sm_bad_pointer(const char *func, const char *what, const void *ptr)
{
    struct diag_line l = {.len = 0};
    diag_str(&l, func);
    diag_str(&l, "(): ");
    diag_str(&l, what);
    diag_str(&l, " ");
    diag_hex(&l, (uintptr_t) ptr);
    diag_emit(&l);
    abort();
}

int check_failed(const char *what)
{
    struct diag_line l = {.len = 0};
    diag_str(&l, "sm_check: ");
    diag_str(&l, phase_name);
    diag_str(&l, ": ");
    diag_str(&l, what);
    diag_emit(&l);
    return -1;
}

_Noreturn void sm_assert_failed(const char *cond, const char *file, int line, const char *func)
{
    const char *base = strrchr(file, '/');
    struct diag_line l = {.len = 0};
    diag_str(&l, "sm_assert: ");
    diag_str(&l, base ? base + 1 : file);
    diag_str(&l, ":");
    diag_dec(&l, (uint64_t) line);
    diag_str(&l, ": ");
    diag_str(&l, func);
    diag_str(&l, ": precondition failed: ");
    diag_str(&l, cond);
    diag_emit(&l);
    abort();
}
