/*
 * sysalloc.h - the one door to the operating system.
 *
 * Every byte any phase gets from the OS comes through sysalloc(), which maps anonymous private
 * pages with mmap(2), and goes back through sysfree(), which unmaps them.  Sizes are rounded up
 * to whole pages, so sysalloc(88) maps 4096 bytes: asking the kernel for 88 bytes costs a
 * system call and a page, which is the seed's Phase 2 lesson in one line.
 *
 * The layer counts what it does (sysalloc_counters) so that every phase's stats and the
 * benchmark report the same numbers, and it has the seed's two modes:
 *   - silent (the default);
 *   - info mode, with SM_INFO=1 in the environment: every call prints one line on stderr,
 *       sysalloc: asked 88 bytes, mapped 4096 at 0x7b45ed02f000
 *       sysremap: asked 12288 bytes, remapped 12288 at 0x7b45ed02c000 (from 0x7b45ed02f000)
 *     Printing costs far more than the call itself: never time an allocator in info mode.
 *
 * Failure: when mmap fails, sysalloc returns NULL with errno = ENOMEM; it never exits.
 * sysalloc_fail_after(n) makes it fail on demand, for testing every out-of-memory path.
 */
#ifndef SYSALLOC_H
#define SYSALLOC_H

#include <stddef.h>
#include <stdint.h>

/* Maps at least size bytes, page-aligned and zero-filled.  Returns NULL with errno = ENOMEM
 * when the kernel refuses, when size is 0 or too large, or when a failure was injected. */
void *sysalloc(size_t size);

/* Unmaps what sysalloc(size) returned; size is the same value that was passed to sysalloc. */
void sysfree(void *ptr, size_t size);

/* Maps size bytes aligned to align (a power of two above the page size): maps size + align -
 * page, then unmaps the lead and the tail around the aligned part, so that only the aligned
 * part stays mapped and is counted (one call; strace sees one mmap and up to two munmaps).
 * sysfree(p, size) returns it.  NULL with errno = ENOMEM as sysalloc. */
void *sysalloc_aligned(size_t size, size_t align);

/*
 * Resizes what sysalloc(old_size) returned to new_size bytes, keeping its contents (the first
 * min(old_size, new_size) bytes); the mapping may move.  Returns its address, afterwards the
 * one to pass to sysfree(p, new_size); or NULL with errno = ENOMEM and the old mapping intact.
 *
 * On Linux this is mremap(2) with MREMAP_MAYMOVE: the kernel grows the mapping in place when
 * the addresses after it are free and otherwise moves its page-table entries, not its bytes,
 * so growing a block costs no copy at all.  On a system without mremap it maps the new size,
 * copies and unmaps the old one (counted in remap_bytes_copied); common/bigblock.c grows big
 * blocks geometrically, so that even there a block grown step by step is copied a bounded
 * number of times its final size.
 */
void *sysremap(void *ptr, size_t old_size, size_t new_size);

/* The page size, the unit sysalloc maps in (sysconf(_SC_PAGESIZE), asked once). */
size_t sysalloc_page_size(void);

/* The size sysalloc(size) really maps: size rounded up to a whole number of pages. */
size_t sysalloc_rounded(size_t size);

struct sysalloc_counters {
    uint64_t calls;              /* successful sysalloc calls */
    uint64_t frees;              /* sysfree calls */
    uint64_t mapped;             /* bytes mapped now */
    uint64_t peak_mapped;        /* the most `mapped` has been */
    uint64_t remaps;             /* successful sysremap calls */
    uint64_t remap_bytes_copied; /* bytes sysremap copied (0 where mremap exists) */
};

void sysalloc_counters(struct sysalloc_counters *out);

/* Restarts peak_mapped from the bytes mapped now (the benchmark calls it between runs). */
void sysalloc_reset_peak(void);

/* Test hook: the next n calls (of sysalloc, sysalloc_aligned and sysremap) succeed, every later one
 * fails with ENOMEM.  n < 0 turns failure injection off (the default). */
void sysalloc_fail_after(long n);

/* Whether info mode is on (SM_INFO=1 in the environment, read at the first call). */
int sysalloc_info_mode(void);

#endif
