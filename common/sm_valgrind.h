/*
 * sm_valgrind.h - memcheck client requests, in one place for every phase.
 *
 * Out of the box memcheck cannot see inside an allocator built on mmap: to it, the whole
 * mapping is one defined, addressable region.  These requests tell it where the blocks are.
 * Outside Valgrind each one is a handful of instructions that do nothing.
 *
 * The rule every phase follows: memory that is not inside a live block (headers, footers,
 * free-list links, free slots, unused slab memory) is NOACCESS to the program.  The allocator
 * opens what it is about to touch with SM_VG_OPEN and closes it again with SM_VG_CLOSE.
 */
#ifndef SM_VALGRIND_H
#define SM_VALGRIND_H

#include <valgrind/memcheck.h>

/* The allocator is about to read or write its own bytes [p, p + n). */
#define SM_VG_OPEN(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))
/* The allocator is done with them: any access by the program is an error. */
#define SM_VG_CLOSE(p, n) VALGRIND_MAKE_MEM_NOACCESS((p), (n))

#endif
