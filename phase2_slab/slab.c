/*
 * slab.c - the slab caches (see slab.h): allocation, free, the directory, start-up.
 *
 * Hot path costs, once the allocator is up:
 *   hit   pop the cache's free list: a load, a store and two counter updates;
 *   miss  bump `carved` in the newest slab: a multiply and an add; when that slab is full, two
 *         sysalloc calls (descriptor and slab) and an insertion in the directory.
 */
#include "slab.h"
#include "diag.h"
#include "not_written.h"
#include "sm_assert.h"
#include "sm_valgrind.h"
#include "sysalloc.h"

#include <string.h>

#define FIRST_DIRECTORY_CAP 512 /* slabs the first directory holds: 4 KiB, one page */

struct slab_cache *slab_caches[SIZE_CLASSES];

static struct slab **directory; /* sorted by base */
static size_t dir_len, dir_cap;

/* ---- the directory ---------------------------------------------------------------------- */

/* Makes room for one more slab.  -1 with errno = ENOMEM when sysalloc refuses. */
static int directory_reserve(void)
{
    if (dir_len < dir_cap) return 0;
    size_t new_cap = dir_cap ? dir_cap * 2 : FIRST_DIRECTORY_CAP;
    struct slab **bigger = sysalloc(new_cap * sizeof *bigger);
    if (!bigger) return -1;
    if (directory) {
        memcpy(bigger, directory, dir_len * sizeof *bigger);
        sysfree(directory, dir_cap * sizeof *directory);
    }
    directory = bigger;
    dir_cap = new_cap;
    return 0;
}

/* The index of the first slab whose base is above p. */
static size_t directory_upper(const void *p)
{
    size_t lo = 0, hi = dir_len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if ((const char *) p < slab_base(directory[mid]))
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

static void directory_insert(struct slab *s)
{
    size_t i = directory_upper(slab_base(s));
    memmove(&directory[i + 1], &directory[i], (dir_len - i) * sizeof *directory);
    directory[i] = s;
    dir_len++;
}

struct slab *slab_find(const void *p)
{
    size_t i = directory_upper(p);
    if (i == 0) return NULL;
    struct slab *s = directory[i - 1];
    return (const char *) p < slab_base(s) + SLAB_BYTES ? s : NULL;
}

int slab_is_object_start(const struct slab *s, const void *p)
{
    size_t offset = (size_t) ((const char *) p - slab_base(s));
    size_t size = size_class_bytes[s->size_class];
    return offset % size == 0 && offset / size < slab_caches[s->size_class]->per_slab;
}

int slab_is_carved_object(const struct slab *s, const void *p)
{
    size_t offset = (size_t) ((const char *) p - slab_base(s));
    return slab_is_object_start(s, p) && offset / size_class_bytes[s->size_class] < s->carved;
}

/* ---- slabs and caches ------------------------------------------------------------------ */

/* Maps a new slab for cache c and makes it the newest.  -1 with errno = ENOMEM, nothing
 * changed, when sysalloc refuses. */
static int add_slab(int c)
{
    if (directory_reserve() != 0) return -1;
    struct slab *s = sysalloc(sizeof *s);
    if (!s) return -1;
    char *base = sysalloc(SLAB_BYTES);
    if (!base) {
        sysfree(s, sizeof *s);
        return -1;
    }
    SM_VG_CLOSE(base, SLAB_BYTES); /* nothing in it is a live object yet */
    s->base_key = ~(uintptr_t) base;
    s->size_class = (uint8_t) c;
    s->carved = 0;
    s->next = slab_caches[c]->slabs;
    slab_caches[c]->slabs = s;
    directory_insert(s);
    return 0;
}

int slab_init_all(void)
{
    if (directory_reserve() != 0) return -1;
    for (int c = 0; c < SIZE_CLASSES; c++) {
        /* Eager and one mapping at a time, as Randy's Phase 2 did. */
        struct slab_cache *cache = sysalloc(sizeof *cache);
        if (!cache) {
            slab_teardown();
            return -1;
        }
        cache->object_size = size_class_bytes[c];
        cache->per_slab = (uint32_t) (SLAB_BYTES / cache->object_size);
        slab_caches[c] = cache;
        if (add_slab(c) != 0) {
            slab_teardown();
            return -1;
        }
    }
    return 0;
}

void *slab_alloc(int c)
{
    SM_ASSERT(c >= 0 && c < SIZE_CLASSES && slab_caches[c]);
    struct slab_cache *cache = slab_caches[c];
    /* BUILD-IT begin lab 2 */
    void *obj = cache->free_objects;
    if (obj) {
        /* Hit: pop the free list. */
        SM_VG_OPEN(obj, sizeof(void *));
        cache->free_objects = *(void **) obj;
        SM_VG_CLOSE(obj, sizeof(void *));
        cache->free_count--;
        cache->hits++;
    } else {
        /* Miss: a fresh object from the newest slab, or from a new one. */
        struct slab *s = cache->slabs;
        if (s->carved == cache->per_slab) {
            if (add_slab(c) != 0) return NULL;
            s = cache->slabs;
        }
        obj = slab_base(s) + (size_t) s->carved++ * cache->object_size;
        cache->misses++;
    }
    cache->live++;
    return obj;
    /* BUILD-IT stub: SM_NOT_WRITTEN(2, cache); */
    /* BUILD-IT end */
}

void slab_free(int c, void *obj)
{
    SM_ASSERT(slab_find(obj) && slab_find(obj)->size_class == c);
    struct slab_cache *cache = slab_caches[c];
    /* BUILD-IT begin lab 2 */
    SM_VG_OPEN(obj, sizeof(void *));
    *(void **) obj = cache->free_objects;
    SM_VG_CLOSE(obj, cache->object_size);
    cache->free_objects = obj;
    cache->free_count++;
    cache->live--;
    /* BUILD-IT stub: SM_NOT_WRITTEN(2, cache, obj); */
    /* BUILD-IT end */
}

const void *slab_directory(size_t *bytes)
{
    *bytes = dir_cap * sizeof *directory;
    return directory;
}

/* ---- checking and teardown ------------------------------------------------------------- */

/* The free list of cache c: every entry a carved object of a slab of c; the count agrees. */
static int check_free_list(int c)
{
    struct slab_cache *cache = slab_caches[c];
    uint64_t n = 0;
    for (void *obj = cache->free_objects; obj;) {
        struct slab *s = slab_find(obj);
        if (!s || s->size_class != c || !slab_is_carved_object(s, obj))
            return check_failed("slab: free list holds what is not a carved object of its class");
        if (++n > cache->free_count)
            return check_failed("slab: free list longer than free_count (a cycle?)");
        SM_VG_OPEN(obj, sizeof(void *));
        void *next = *(void **) obj;
        SM_VG_CLOSE(obj, sizeof(void *));
        obj = next;
    }
    if (n != cache->free_count) return check_failed("slab: free list shorter than free_count");
    return 0;
}

static int check_cache(int c, size_t *slabs_seen)
{
    struct slab_cache *cache = slab_caches[c];
    if (cache->object_size != size_class_bytes[c] ||
        cache->per_slab != SLAB_BYTES / cache->object_size)
        return check_failed("slab: cache object size or count disagrees with its class");
    if (!cache->slabs) return check_failed("slab: cache without a slab after start-up");
    uint64_t carved = 0;
    for (struct slab *s = cache->slabs; s; s = s->next) {
        if (s->size_class != c || slab_find(slab_base(s)) != s)
            return check_failed("slab: slab missing from the directory or in the wrong cache");
        if (s->carved > cache->per_slab || (s != cache->slabs && s->carved != cache->per_slab))
            return check_failed("slab: an older slab is not fully carved");
        carved += s->carved;
        ++*slabs_seen;
    }
    if (carved != cache->live + cache->free_count)
        return check_failed("slab: carved objects != live + free");
    return check_free_list(c);
}

int slab_check(void)
{
    if (!slab_caches[0]) return dir_len == 0 ? 0 : check_failed("slab: directory without caches");
    for (size_t i = 0; i + 1 < dir_len; i++)
        if (slab_base(directory[i]) + SLAB_BYTES > slab_base(directory[i + 1]))
            return check_failed("slab: directory not sorted, or slabs overlap");
    size_t slabs_seen = 0;
    for (int c = 0; c < SIZE_CLASSES; c++)
        if (check_cache(c, &slabs_seen) != 0) return -1;
    if (slabs_seen != dir_len) return check_failed("slab: directory holds a slab no cache has");
    return 0;
}

void slab_teardown(void)
{
    for (int c = 0; c < SIZE_CLASSES; c++) {
        struct slab_cache *cache = slab_caches[c];
        if (!cache) continue;
        while (cache->slabs) {
            struct slab *s = cache->slabs;
            cache->slabs = s->next;
            sysfree(slab_base(s), SLAB_BYTES);
            sysfree(s, sizeof *s);
        }
        sysfree(cache, sizeof *cache);
        slab_caches[c] = NULL;
    }
    if (directory) sysfree(directory, dir_cap * sizeof *directory);
    directory = NULL;
    dir_len = dir_cap = 0;
}
