/*
 * shim.c - one phase as the process's malloc, for LD_PRELOAD.
 *
 * Linked with a phase's libsm.a into build/<phase>/libsm_preload.so, it exports the C and
 * glibc allocation functions (malloc, free, calloc, realloc, reallocarray, posix_memalign,
 * aligned_alloc, memalign, valloc, pvalloc, malloc_usable_size) and maps each onto the sm_*
 * API.  Every call in the process, the C library's own included, then goes to the phase.
 *
 * The phases are single-threaded and stay readable that way: the shim puts one mutex around
 * every call.  Cost: an uncontended lock and unlock, two atomic instructions, on top of the
 * phase's work; under contention the threads take turns.
 *
 * Rules an allocator under a real program must keep:
 *   - Nothing here allocates through malloc, during initialization or ever: the lock is
 *     statically initialized, the environment is read with getenv, and messages are written
 *     with write(2) (common/diag.h), never stdio, which may call malloc.
 *   - fork is safe: pthread_atfork takes the lock before fork, so that no other thread is
 *     inside the phase when the address space is copied; the parent unlocks, and the child,
 *     where that thread no longer exists, starts with a fresh lock.
 *   - free preserves errno (POSIX 2024), and posix_memalign leaves it untouched.
 *
 * Environment:
 *   SM_STATS=1        at exit, one line on stderr with the phase's counters (read at load);
 *   SM_FAIL_AFTER=n   sysalloc succeeds n times, then fails: a clean out-of-memory test (read
 *                     at the first call).
 */
#include "diag.h"
#include "sm.h"
#include "sysalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int configured;    /* the environment has been read; written under the lock */
static int stats_fd = -1; /* with SM_STATS=1: a copy of stderr, taken at load */

/* Reads SM_FAIL_AFTER once; called under the lock, before the first call into the phase. */
static void configure(void)
{
    const char *v = getenv("SM_FAIL_AFTER");
    if (v && *v) {
        long n = 0;
        for (; *v >= '0' && *v <= '9'; v++)
            n = n * 10 + (*v - '0');
        sysalloc_fail_after(n);
    }
    configured = 1;
}

static inline void enter(void)
{
    pthread_mutex_lock(&lock);
    if (__builtin_expect(!configured, 0)) configure();
}

static inline void leave(void)
{
    pthread_mutex_unlock(&lock);
}

EXPORT void *malloc(size_t size)
{
    enter();
    void *p = sm_malloc(size);
    leave();
    return p;
}

EXPORT void free(void *ptr)
{
    if (!ptr) return;
    int saved = errno;
    enter();
    sm_free(ptr);
    leave();
    errno = saved;
}

EXPORT void *calloc(size_t nmemb, size_t size)
{
    enter();
    void *p = sm_calloc(nmemb, size);
    leave();
    return p;
}

/* realloc(p, 0) keeps sm_realloc's meaning: a 0-byte block that must still be freed. */
EXPORT void *realloc(void *ptr, size_t size)
{
    enter();
    void *p = sm_realloc(ptr, size);
    leave();
    return p;
}

EXPORT void *reallocarray(void *ptr, size_t nmemb, size_t size)
{
    size_t total;
    if (__builtin_mul_overflow(nmemb, size, &total)) {
        errno = ENOMEM;
        return NULL;
    }
    return realloc(ptr, total);
}

/* Any power of two, 1 GiB included; sm_memalign refuses the rest with EINVAL. */
static void *aligned(size_t align, size_t size)
{
    enter();
    void *p = sm_memalign(align, size);
    leave();
    return p;
}

#include "aligned_entries.h"

/* glibc's memalign takes any alignment and rounds it up to a power of two (one that does not
 * fit a size_t is more than any memory: ENOMEM). */
EXPORT void *memalign(size_t align, size_t size)
{
    size_t a = SM_ALIGN;
    while (a < align && a != 0)
        a <<= 1;
    if (a == 0) {
        errno = ENOMEM;
        return NULL;
    }
    return aligned(a, size);
}

EXPORT size_t malloc_usable_size(void *ptr)
{
    enter();
    size_t n = sm_usable_size(ptr);
    leave();
    return n;
}

static void before_fork(void)
{
    pthread_mutex_lock(&lock);
}

static void after_fork_parent(void)
{
    pthread_mutex_unlock(&lock);
}

static void after_fork_child(void)
{
    pthread_mutex_init(&lock, NULL); /* the default attributes: no allocation */
}

/* Runs when the library is loaded, before main.  glibc keeps its first fork handlers in a
 * static array, so this registration does not call malloc either. */
__attribute__((constructor)) static void shim_init(void)
{
    pthread_atfork(before_fork, after_fork_parent, after_fork_child);
    /* Programs such as sort close stderr in an atexit handler, before the report is written:
     * keep a copy of it, out of the way of the program's own descriptors. */
    const char *v = getenv("SM_STATS");
    if (v && v[0] == '1') stats_fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 200);
}

static void stat_field(struct diag_line *l, const char *name, uint64_t v)
{
    diag_str(l, " ");
    diag_str(l, name);
    diag_str(l, "=");
    diag_dec(l, v);
}

/* "sm_stats: phase1_bitmap sort[1234]: allocations=... sysalloc_calls=...", with SM_STATS=1.
 * Runs after main returns and after the atexit handlers; calls made later still count in the
 * sysalloc layer but are missing from the line. */
__attribute__((destructor)) static void shim_report(void)
{
    const char *v = getenv("SM_STATS");
    if (!v || v[0] != '1') return;
    struct sm_stats s;
    enter();
    sm_stats(&s);
    leave();
    struct diag_line l = {.len = 0};
    diag_str(&l, "sm_stats: ");
    diag_str(&l, sm_name());
    diag_str(&l, " ");
    diag_str(&l, program_invocation_short_name);
    diag_str(&l, "[");
    diag_dec(&l, (uint64_t) getpid());
    diag_str(&l, "]:");
    stat_field(&l, "allocations", s.allocations);
    stat_field(&l, "frees", s.frees);
    stat_field(&l, "reallocs", s.reallocs);
    stat_field(&l, "realloc_bytes_copied", s.realloc_bytes_copied);
    stat_field(&l, "peak_bytes_live", s.peak_bytes_live);
    stat_field(&l, "sysalloc_calls", s.sysalloc_calls);
    stat_field(&l, "sysfree_calls", s.sysfree_calls);
    stat_field(&l, "sysremap_calls", s.sysremap_calls);
    stat_field(&l, "peak_bytes_mapped", s.peak_bytes_mapped);
    l.buf[l.len++] = '\n'; /* diag_line keeps room for it */
    ssize_t unused = write(stats_fd, l.buf, l.len);
    (void) unused;
}
