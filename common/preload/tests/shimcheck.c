/*
 * shimcheck.c - the C library's allocation contract, called by its plain names, for a run with
 * a phase preloaded (test_preload.c runs it).
 *
 *   shimcheck          every check below; prints "shimcheck: <phase> ok" and exits 0, or names
 *                      the first check that failed and exits 1
 *   shimcheck badfree  frees a stack address: the phase must abort with its message
 *
 * The phase's name comes from sm_name, looked up in the process: it is found only when the
 * shim really is loaded, so a run that silently fell back to the system malloc fails.
 */
#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int failed;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "shimcheck: line %d: %s\n", __LINE__, #cond);                          \
            failed = 1;                                                                            \
        }                                                                                          \
    } while (0)

static int aligned_to(const void *p, size_t a)
{
    return p && ((uintptr_t) p & (a - 1)) == 0;
}

/* Keeps the compiler from reasoning about (and removing) calls on values it can see. */
static size_t opaque(size_t v)
{
    volatile size_t x = v;
    return x;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "badfree") == 0) {
        int on_stack[4];
        void *volatile wild = &on_stack[2]; /* hidden from the compiler's own warning */
        free(wild);
        return 0; /* not reached when the phase checks its pointers */
    }
    const char *(*name)(void) = (const char *(*) (void) ) dlsym(RTLD_DEFAULT, "sm_name");
    if (!name) {
        fprintf(stderr, "shimcheck: sm_name not found: is the shim preloaded?\n");
        return 1;
    }

    /* free keeps errno. */
    void *p = malloc(opaque(100));
    errno = 1234;
    free(p);
    CHECK(errno == 1234);
    errno = 1234;
    free(NULL);
    CHECK(errno == 1234);

    /* Sizes that cannot be served fail with ENOMEM, and nothing breaks. */
    errno = 0;
    CHECK(malloc(opaque(SIZE_MAX - 4096)) == NULL && errno == ENOMEM);
    errno = 0;
    CHECK(calloc(opaque(SIZE_MAX / 2), 3) == NULL && errno == ENOMEM);
    errno = 0;
    CHECK(reallocarray(NULL, opaque(SIZE_MAX / 2), 3) == NULL && errno == ENOMEM);

    /* calloc zeroes a reused block. */
    unsigned char *c = malloc(opaque(200));
    memset(c, 0xAB, 200);
    free(c);
    c = calloc(50, 4);
    size_t nonzero = 0;
    for (int i = 0; i < 200; i++)
        nonzero += c[i] != 0;
    CHECK(nonzero == 0);
    free(c);

    /* realloc keeps the contents and usable sizes cover the request. */
    char *r = malloc(opaque(10));
    memcpy(r, "abcdefghi", 10);
    r = realloc(r, opaque(100000));
    CHECK(r && strcmp(r, "abcdefghi") == 0 && malloc_usable_size(r) >= 100000);
    r = reallocarray(r, 3, opaque(7));
    CHECK(r && memcmp(r, "abcdefghi", 10) == 0 && malloc_usable_size(r) >= 21);
    free(r);
    CHECK(malloc_usable_size(NULL) == 0);

    /* The aligned family. */
    void *a = NULL;
    CHECK(posix_memalign(&a, 4096, opaque(5000)) == 0 && aligned_to(a, 4096));
    free(a);
    errno = 77;
    CHECK(posix_memalign(&a, 24, 10) == EINVAL && errno == 77);
    CHECK(posix_memalign(&a, 4, 10) == EINVAL);
    a = aligned_alloc(256, opaque(1000));
    CHECK(aligned_to(a, 256));
    free(a);
    a = memalign(48, opaque(100)); /* rounded up to 64, as glibc does */
    CHECK(aligned_to(a, 64));
    free(a);
    /* Huge alignments, as glibc serves them: 2 MiB (a huge page) and 1 GiB, through each entry;
     * only a power of two too large for any memory fails, with ENOMEM. */
    static const size_t huge[] = {(size_t) 2 << 20, (size_t) 4 << 20, (size_t) 1 << 30};
    for (int i = 0; i < 3; i++) {
        a = NULL;
        CHECK(posix_memalign(&a, huge[i], opaque(100)) == 0 && aligned_to(a, huge[i]));
        if (a) memset(a, 1, 100);
        free(a);
        a = aligned_alloc(huge[i], opaque(huge[i]));
        CHECK(aligned_to(a, huge[i]) && malloc_usable_size(a) >= huge[i]);
        free(a);
        a = memalign(huge[i] - 1, opaque(10)); /* rounded up to huge[i] */
        CHECK(aligned_to(a, huge[i]));
        free(a);
    }
    CHECK(posix_memalign(&a, (size_t) 1 << 63, 10) == ENOMEM);
    errno = 0;
    CHECK(memalign(opaque(((size_t) 1 << 63) + 1), 10) == NULL && errno == ENOMEM);
    long page = sysconf(_SC_PAGESIZE);
    a = valloc(opaque(10));
    CHECK(aligned_to(a, (size_t) page));
    free(a);
    a = pvalloc(opaque(1));
    CHECK(aligned_to(a, (size_t) page) && malloc_usable_size(a) >= (size_t) page);
    free(a);

    /* Many small blocks, all distinct and writable. */
    enum { N = 5000 };
    static char *many[N];
    for (int i = 0; i < N; i++) {
        many[i] = malloc(opaque((size_t) i % 300));
        memset(many[i], i & 0xff, (size_t) i % 300);
    }
    for (int i = 0; i < N; i++) {
        for (size_t j = 0; j < (size_t) i % 300; j++)
            if ((unsigned char) many[i][j] != (i & 0xff)) {
                CHECK(!"a small block was overwritten");
                break;
            }
        free(many[i]);
    }

    if (failed) return 1;
    printf("shimcheck: %s ok\n", name());
    return 0;
}
