/*
 * slab.h - the slab caches: one per size class, each a list of slabs of equal-size objects.
 *
 * Glossary
 *   slab    SLAB_BYTES (64 KiB) from one sysalloc, cut into objects of one class.  Its
 *           descriptor (struct slab) lives in a mapping of its own, never among the objects.
 *   object  one slot of a slab: what a slab allocation hands out.
 *   carved  an object handed out at least once.  A slab is carved from the front, like a bump
 *           allocator; the objects past `carved` have never been touched.
 *   cache   a size class's slabs plus the LIFO list of its freed objects.  An allocation served
 *           from that list is a cache HIT; one that carves a fresh object is a MISS.
 *   directory  every slab, sorted by address, so that free can tell in O(log slabs) whether a
 *           pointer lies in a slab at all, before reading anything.
 *
 * A freed object holds the free-list link in its first 8 bytes.  To Valgrind every byte of a
 * slab that is not a live object is NOACCESS (common/sm_valgrind.h); the cache opens a link just
 * long enough to write or read it.
 *
 * Slabs are never returned before teardown: the cache keeps its memory for the next allocation
 * of the class.  Invariants: README.md, checked by slab_check().
 */
#ifndef PHASE2_SLAB_H
#define PHASE2_SLAB_H

#include "size_class.h"

#include <stddef.h>
#include <stdint.h>

#define SLAB_BYTES ((size_t) 64 * 1024)

struct slab {
    /* ~(the slab's address), SLAB_BYTES page-aligned: the first object starts there, and a
     * plain pointer would make memcheck's leak checker call a leaked first object reachable. */
    uintptr_t base_key;
    struct slab *next;  /* the cache's slabs, newest first */
    uint32_t carved;    /* objects [0, carved) have been handed out at least once */
    uint8_t size_class; /* the cache it belongs to */
};

struct slab_cache {
    size_t object_size;  /* size_class_bytes[class] */
    uint32_t per_slab;   /* SLAB_BYTES / object_size */
    struct slab *slabs;  /* newest first; only the newest may have uncarved objects */
    void *free_objects;  /* freed objects, last freed first; the link is in the object */
    uint64_t free_count; /* length of free_objects */
    uint64_t live;       /* objects handed out and not freed: sum of carved == live + free_count */
    uint64_t hits;       /* allocations served from free_objects */
    uint64_t misses;     /* allocations that carved a fresh object */
};

static inline char *slab_base(const struct slab *s)
{
    return (char *) ~s->base_key;
}

/* NULL until slab_init_all succeeds. */
extern struct slab_cache *slab_caches[SIZE_CLASSES];

/* Eager start-up, as the seed did it: every cache at once, with three sysalloc calls each (the
 * cache descriptor, its first slab's descriptor, the slab) plus one for the directory.  Returns
 * 0, or -1 with errno = ENOMEM and nothing left mapped. */
int slab_init_all(void);

/* An object of class c, counted as a hit or a miss; NULL with errno = ENOMEM when a new slab
 * was needed and sysalloc refused. */
void *slab_alloc(int c);

/* Puts a live object of class c back on its cache's free list. */
void slab_free(int c, void *obj);

/* The slab whose memory holds p, or NULL.  Reads nothing at p. */
struct slab *slab_find(const void *p);

/* Whether p is the first byte of an object of slab s. */
int slab_is_object_start(const struct slab *s, const void *p);

/* Whether p is the first byte of an object of slab s that has been handed out at least once. */
int slab_is_carved_object(const struct slab *s, const void *p);

int slab_check(void);

/* The directory's mapping and the bytes asked for it (NULL before start-up), for the walk. */
const void *slab_directory(size_t *bytes);

/* Unmaps every slab, descriptor, cache and the directory. */
void slab_teardown(void);

#endif
