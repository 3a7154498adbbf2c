/*
 * switches.h - phase2_1's five build switches, one per correction of the seed's Phase 2.1.
 *
 * Each is 1 by default; 0 restores phase2's behaviour for that part alone, so that a build with
 * one switch off measures what that correction was worth (ablation.sh, make compare).  The list
 * itself is the Makefile's SWITCHES (`make -s -C phase2_1_batched print-switches`); a build with
 * switches off goes to build/phase2_1_batched-no_<switch>[...]/.
 *
 *   BATCH_METADATA  1: no per-allocation record; the slab descriptor describes every block.
 *                   0: phase2's SM_AllocationEnhanced per block: one sysalloc (mmap) per malloc
 *                   and one sysfree (munmap) per free (record.h, over phase2_slab/metadata.c).
 *                   Acts in slab_pop and slab_push (slab.h) and slab_carve (slab.c); the fast
 *                   paths (phase.c) leave such builds to the general paths.
 *   BULK_SLABS      1: a region holds many slabs, a quarter of the heap so far.
 *                   0: phase2's one sysalloc per slab.  Acts in region_carve (region.c).
 *   LAZY_SLABS      1: a class gets a slab at its first allocation, threaded a page at a time.
 *                   0: phase2's eager start-up: every class gets a slab at initialization, every
 *                   block of it threaded.  Acts in slabs_init and thread_batch (slab.c).
 *   FAST_PATH       1: the class is a table load, and malloc pops inline.
 *                   0: phase2's linear search for the class, and every malloc through a call
 *                   to slab_alloc.  Acts in size_class_for (size_class.h) and phase_malloc.
 *   HYBRID          1: slabs up to LARGEST_CLASS, phase1's bitmap pool up to POOL_MAX_REQUEST.
 *                   0: the seed's pure slab allocator: every larger block is a mapping of its
 *                   own.  Acts in the larger_* functions and the pool's calls in phase.c.
 *
 * A switch is tested as a plain C constant (`if (FAST_PATH && ...)`), so that every line
 * compiles in every build and the compiler drops the branch a build does not take; `#if` would
 * be kept for a switch that changed a type's layout, and none does.
 */
#ifndef PHASE2_1_SWITCHES_H
#define PHASE2_1_SWITCHES_H

#ifndef BATCH_METADATA
#define BATCH_METADATA 1
#endif
#ifndef BULK_SLABS
#define BULK_SLABS 1
#endif
#ifndef LAZY_SLABS
#define LAZY_SLABS 1
#endif
#ifndef FAST_PATH
#define FAST_PATH 1
#endif
#ifndef HYBRID
#define HYBRID 1
#endif

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#endif
