/*
 * sysalloc.c - anonymous mmap/munmap with counters, info mode and failure injection.
 */
#include "sysalloc.h"
#include "align.h"
#include "diag.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static struct sysalloc_counters counters;
static long fail_countdown = -1; /* < 0: never fail; otherwise calls left before failing */
static int info_mode = -1;       /* -1: not read from the environment yet */
static size_t page_size;

int sysalloc_info_mode(void)
{
    if (info_mode < 0) {
        const char *v = getenv("SM_INFO"); /* getenv does not allocate */
        info_mode = v && v[0] == '1';
    }
    return info_mode;
}

size_t sysalloc_page_size(void)
{
    if (!page_size) page_size = (size_t) sysconf(_SC_PAGESIZE);
    return page_size;
}

size_t sysalloc_rounded(size_t size)
{
    sysalloc_page_size();
    if (size > SIZE_MAX - page_size) return 0;
    return align_up(size, page_size);
}

/* "sysalloc: asked 88 bytes, mapped 4096 at 0x...", and for a move " (from 0x...)". */
static void info_line(const char *call, size_t asked, const char *done, size_t len, void *where,
                      void *from)
{
    struct diag_line l = {.len = 0};
    diag_str(&l, call);
    diag_str(&l, ": asked ");
    diag_dec(&l, asked);
    diag_str(&l, " bytes, ");
    diag_str(&l, done);
    diag_str(&l, " ");
    diag_dec(&l, len);
    diag_str(&l, " at ");
    diag_hex(&l, (uintptr_t) where);
    if (from && from != where) {
        diag_str(&l, " (from ");
        diag_hex(&l, (uintptr_t) from);
        diag_str(&l, ")");
    }
    diag_emit(&l);
}

/* Whether the next call may go ahead (failure injection), counting it down. */
static int may_map(void)
{
    if (fail_countdown == 0) return 0;
    if (fail_countdown > 0) fail_countdown--;
    return 1;
}

/* The bytes mapped grew by len: the peak follows. */
static void count_mapped(size_t len)
{
    counters.mapped += len;
    if (counters.mapped > counters.peak_mapped) counters.peak_mapped = counters.mapped;
}

static void *map(size_t len)
{
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

void *sysalloc(size_t size)
{
    size_t len = sysalloc_rounded(size);
    void *p = len && may_map() ? map(len) : NULL;
    if (!p) {
        errno = ENOMEM;
        return NULL;
    }
    counters.calls++;
    count_mapped(len);
    if (sysalloc_info_mode()) info_line("sysalloc", size, "mapped", len, p, NULL);
    return p;
}

/* The kernel places a mapping at any page, so the aligned part is found inside a larger one. */
void *sysalloc_aligned(size_t size, size_t align)
{
    size_t len = sysalloc_rounded(size), over = len + align - page_size;
    char *base = len && over > len && may_map() ? map(over) : NULL;
    if (!base) {
        errno = ENOMEM;
        return NULL;
    }
    char *p = (char *) (((uintptr_t) base + align - 1) & ~(uintptr_t) (align - 1));
    size_t lead = (size_t) (p - base), tail = over - lead - len;
    if (lead) munmap(base, lead);
    if (tail) munmap(p + len, tail);
    counters.calls++;
    count_mapped(len);
    if (sysalloc_info_mode()) info_line("sysalloc", size, "mapped", len, p, NULL);
    return p;
}

/* The mapping [ptr, ptr + old_len) resized to len bytes with its contents, or NULL. */
static void *move(void *ptr, size_t old_len, size_t len)
{
#ifdef MREMAP_MAYMOVE
    void *p = mremap(ptr, old_len, len, MREMAP_MAYMOVE);
    return p == MAP_FAILED ? NULL : p;
#else
    void *p = map(len);
    if (p) {
        size_t kept = old_len < len ? old_len : len;
        memcpy(p, ptr, kept);
        counters.remap_bytes_copied += kept;
        munmap(ptr, old_len);
    }
    return p;
#endif
}

void *sysremap(void *ptr, size_t old_size, size_t new_size)
{
    size_t old_len = sysalloc_rounded(old_size), len = sysalloc_rounded(new_size);
    void *p = len && may_map() ? move(ptr, old_len, len) : NULL;
    if (!p) {
        errno = ENOMEM;
        return NULL;
    }
    counters.remaps++;
    counters.mapped -= old_len;
    count_mapped(len);
    if (sysalloc_info_mode()) info_line("sysremap", new_size, "remapped", len, p, ptr);
    return p;
}

void sysfree(void *ptr, size_t size)
{
    size_t len = sysalloc_rounded(size);
    if (!ptr) return;
    if (munmap(ptr, len) != 0) sm_bad_pointer("sysfree", "munmap failed for", ptr);
    counters.frees++;
    counters.mapped -= len;
    if (sysalloc_info_mode()) info_line("sysfree", size, "unmapped", len, ptr, NULL);
}

void sysalloc_counters(struct sysalloc_counters *out)
{
    *out = counters;
}

void sysalloc_reset_peak(void)
{
    counters.peak_mapped = counters.mapped;
}

void sysalloc_fail_after(long n)
{
    fail_countdown = n < 0 ? -1 : n;
}
