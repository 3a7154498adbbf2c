/*
 * recorder.c - writes down every allocation a real program makes (LD_PRELOAD).
 *
 * Built as build/record/librecord.so.  It exports malloc, calloc, realloc, reallocarray, free
 * and the aligned family; each is served by the C library's own allocator (glibc's __libc_*
 * entry points, so no dlsym, which itself allocates) and logged as a fixed-size binary record:
 *
 *   'a' ptr size       a block of size bytes now lives at ptr (malloc, calloc, memalign...)
 *   'r' old ptr size   the block at old was resized to size bytes and now lives at ptr
 *   'f' ptr            the block at ptr was freed (also realloc(ptr, 0), which glibc frees)
 *
 * rep_from_raw turns a log into a .rep trace (addresses become dense ids, blocks still live at
 * exit are freed).  One log per process: $SM_RECORD_DIR/<program>.<pid>.<n>.raw, opened at the
 * first call; a child of fork starts its own, and so does a program started by exec.
 *
 * Ordering: the call into glibc and the logging happen under one lock, so the log's order is
 * the order in which addresses were really handed out and taken back, even with threads.  The
 * recorder never allocates: records collect in a static buffer written out with write(2) when
 * full and at exit (a process ended by _exit or a signal loses its last buffer; the converter
 * then frees whatever is left live).  Failed calls are not recorded.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))

/* glibc's own allocator, under the names it exports for exactly this use.  The names are
 * reserved, to glibc, which is who defines them (NOLINT for clang-tidy's reserved-name checks). */
// NOLINTBEGIN(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp)
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void __libc_free(void *);
// NOLINTEND(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp)

/* One event; the layout rep_from_raw.c reads (32 bytes). */
struct record {
    uint64_t op; /* 'a', 'r' or 'f' */
    uint64_t old;
    uint64_t ptr;
    uint64_t size;
};

#define BUFFERED 2048 /* records, 64 KiB */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct record buf[BUFFERED];
static size_t used;
static int fd = -1;    /* the log; -1 before the first record, -2 when it cannot be opened */
static int unbuffered; /* after the exit-time flush: write each record at once */

static void append_dec(char *s, size_t *n, size_t cap, unsigned long v)
{
    char tmp[24];
    int k = 0;
    do
        tmp[k++] = (char) ('0' + v % 10);
    while ((v /= 10) != 0);
    while (k > 0 && *n < cap - 1)
        s[(*n)++] = tmp[--k];
}

static void append_str(char *s, size_t *n, size_t cap, const char *t)
{
    while (*t && *n < cap - 1)
        s[(*n)++] = *t++;
}

/* Opens <dir>/<program>.<pid>.<n>.raw with the first n not taken. */
static void open_log(void)
{
    const char *dir = getenv("SM_RECORD_DIR");
    fd = -2;
    if (!dir || !*dir) return;
    for (unsigned n = 0; n < 100 && fd == -2; n++) {
        char path[4096];
        size_t len = 0;
        append_str(path, &len, sizeof path, dir);
        append_str(path, &len, sizeof path, "/");
        append_str(path, &len, sizeof path, program_invocation_short_name);
        append_str(path, &len, sizeof path, ".");
        append_dec(path, &len, sizeof path, (unsigned long) getpid());
        append_str(path, &len, sizeof path, ".");
        append_dec(path, &len, sizeof path, n);
        append_str(path, &len, sizeof path, ".raw");
        path[len] = '\0';
        int f = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (f >= 0)
            fd = f;
        else if (errno != EEXIST)
            return;
    }
}

static void flush(void)
{
    if (fd == -1) open_log();
    const char *p = (const char *) buf;
    size_t left = used * sizeof buf[0];
    while (fd >= 0 && left > 0) {
        ssize_t n = write(fd, p, left);
        if (n <= 0 && errno != EINTR) break;
        if (n > 0) p += n, left -= (size_t) n;
    }
    used = 0;
}

/* Called under the lock. */
static void log_op(uint64_t op, const void *old, const void *ptr, size_t size)
{
    buf[used++] = (struct record){op, (uintptr_t) old, (uintptr_t) ptr, size};
    if (used == BUFFERED || unbuffered) flush();
}

EXPORT void *malloc(size_t size)
{
    pthread_mutex_lock(&lock);
    void *p = __libc_malloc(size);
    if (p) log_op('a', NULL, p, size);
    pthread_mutex_unlock(&lock);
    return p;
}

EXPORT void *calloc(size_t nmemb, size_t size)
{
    pthread_mutex_lock(&lock);
    void *p = __libc_calloc(nmemb, size);
    if (p) log_op('a', NULL, p, nmemb * size); /* no overflow: glibc checked it */
    pthread_mutex_unlock(&lock);
    return p;
}

EXPORT void free(void *ptr)
{
    if (!ptr) return;
    int saved = errno;
    pthread_mutex_lock(&lock);
    __libc_free(ptr);
    log_op('f', NULL, ptr, 0);
    pthread_mutex_unlock(&lock);
    errno = saved;
}

EXPORT void *realloc(void *ptr, size_t size)
{
    pthread_mutex_lock(&lock);
    void *p = __libc_realloc(ptr, size);
    if (!ptr && p)
        log_op('a', NULL, p, size);
    else if (ptr && size == 0 && !p)
        log_op('f', NULL, ptr, 0); /* glibc's realloc(p, 0) frees p */
    else if (p)
        log_op('r', ptr, p, size);
    pthread_mutex_unlock(&lock);
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

static void *aligned(size_t align, size_t size)
{
    pthread_mutex_lock(&lock);
    void *p = __libc_memalign(align, size);
    if (p) log_op('a', NULL, p, size);
    pthread_mutex_unlock(&lock);
    return p;
}

#include "../preload/aligned_entries.h"

EXPORT void *memalign(size_t align, size_t size)
{
    return aligned(align, size);
}

static void before_fork(void)
{
    pthread_mutex_lock(&lock);
}

static void after_fork_parent(void)
{
    pthread_mutex_unlock(&lock);
}

/* The child keeps none of the parent's log: its buffered records are the parent's to write. */
static void after_fork_child(void)
{
    used = 0;
    if (fd >= 0) close(fd);
    fd = -1;
    pthread_mutex_init(&lock, NULL);
}

__attribute__((constructor)) static void recorder_init(void)
{
    pthread_atfork(before_fork, after_fork_parent, after_fork_child);
}

__attribute__((destructor)) static void recorder_fini(void)
{
    pthread_mutex_lock(&lock);
    flush();
    unbuffered = 1;
    pthread_mutex_unlock(&lock);
}
