/*
 * not_written.h - what a stub in the student's copy calls (labs/README.md, "The handout").
 *
 * `make handout` replaces each region marked BUILD-IT in the phases' sources with the stub the
 * marker names, and every stub ends in SM_NOT_WRITTEN(lab).  Called, it prints
 *
 *   not written yet: phase1_bitmap/bitmap.c bitmap_find_run, lab 1 'Build it'
 *
 * on stderr and aborts, so that an unwritten function fails the test that reached it, by name,
 * instead of returning a wrong answer that fails somewhere else later.  It never returns, so a
 * stub needs no return value; the function's parameters passed after the lab number count as
 * used, so a stub compiles under -Werror without a cast for each:
 *
 *   SM_NOT_WRITTEN(1, map, nbits, from, n, align);
 *
 * A function whose caller has a slower but correct way around it (lab 5's bigblock_remap:
 * without it, sm_realloc copies) must not stop the program, which would then stop every real
 * program a student runs.  Its stub calls SM_NOT_WRITTEN_NOTE instead, which keeps the same
 * message, prints nothing and returns, and then gives the caller its "cannot" answer:
 *
 *   SM_NOT_WRITTEN_NOTE(5, p, size, usable);
 *   return NULL;
 *
 * A test that measures what such a stub leaves undone (the bytes realloc copied) puts
 * sm_not_written_noted() in its failure, so that it too names the function to write.
 */
#ifndef NOT_WRITTEN_H
#define NOT_WRITTEN_H

_Noreturn void sm_not_written(const char *file, const char *func, int lab, ...);

#define SM_NOT_WRITTEN(lab, ...) sm_not_written(__FILE__, __func__, (lab), ##__VA_ARGS__)

void sm_not_written_note(const char *file, const char *func, int lab, ...);

#define SM_NOT_WRITTEN_NOTE(lab, ...) sm_not_written_note(__FILE__, __func__, (lab), ##__VA_ARGS__)

/* The message of the first SM_NOT_WRITTEN_NOTE stub that ran in this process, or NULL when
 * none has. */
const char *sm_not_written_noted(void);

#endif
