/*
 * sysalloc.c - anonymous mmap/munmap with counters, info mode and failure injection.
 */
#include "sysalloc.h"
#include "diag.h"

#include <errno.h>
#include <stdlib.h>
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
    return (size + page_size - 1) & ~(page_size - 1);
}

/* "sysalloc: asked 88 bytes, mapped 4096 at 0x..." */
static void info_line(const char *call, size_t asked, const char *done, size_t len, void *where)
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
    diag_emit(&l);
}

void *sysalloc(size_t size)
{
    size_t len = sysalloc_rounded(size);
    if (len == 0 || fail_countdown == 0) {
        errno = ENOMEM;
        return NULL;
    }
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        errno = ENOMEM;
        return NULL;
    }
    if (fail_countdown > 0) fail_countdown--;
    counters.calls++;
    counters.mapped += len;
    if (counters.mapped > counters.peak_mapped) counters.peak_mapped = counters.mapped;
    if (sysalloc_info_mode()) info_line("sysalloc", size, "mapped", len, p);
    return p;
}

void sysfree(void *ptr, size_t size)
{
    size_t len = sysalloc_rounded(size);
    if (!ptr) return;
    if (munmap(ptr, len) != 0) sm_bad_pointer("sysfree", "munmap failed for", ptr);
    counters.frees++;
    counters.mapped -= len;
    if (sysalloc_info_mode()) info_line("sysfree", size, "unmapped", len, ptr);
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
