/*
 * not_written.c - the message of an unwritten stub (contract in not_written.h).
 */
#include "not_written.h"
#include "diag.h"

#include <stdlib.h>
#include <string.h>

/* The file as the handout names it, folder and name ("phase1_bitmap/bitmap.c"), whatever path
 * the compiler was given. */
static const char *short_path(const char *file)
{
    const char *last = strrchr(file, '/');
    if (!last) return file;
    const char *p = last;
    while (p > file && p[-1] != '/')
        p--;
    return p;
}

void sm_not_written(const char *file, const char *func, int lab, ...)
{
    struct diag_line l = {.len = 0};
    diag_str(&l, "not written yet: ");
    diag_str(&l, short_path(file));
    diag_str(&l, " ");
    diag_str(&l, func);
    diag_str(&l, ", lab ");
    diag_dec(&l, (uint64_t) lab);
    diag_str(&l, " 'Build it'");
    diag_emit(&l);
    abort();
}
