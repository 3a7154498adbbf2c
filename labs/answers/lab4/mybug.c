/*
 * mybug.c - lab 4, step 3: one answer (instructors only; make labs-check puts it in
 * build/labs/lab4/ when no student's file is there).  A read of memory sm_malloc handed out but
 * nobody wrote: memcheck reports "Conditional jump or move depends on uninitialised value(s)" at
 * the `if`, because sm_api.c registers every new block as undefined.
 */
#include "sm.h"

#include <stdio.h>

int main(void)
{
    int *p = sm_malloc(4 * sizeof *p);
    if (!p) return 1;
    if (p[2] > 0) puts("positive");
    sm_free(p);
    return 0;
}
