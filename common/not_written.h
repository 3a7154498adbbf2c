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
 */
#ifndef NOT_WRITTEN_H
#define NOT_WRITTEN_H

_Noreturn void sm_not_written(const char *file, const char *func, int lab, ...);

#define SM_NOT_WRITTEN(lab, ...) sm_not_written(__FILE__, __func__, (lab), ##__VA_ARGS__)

#endif
