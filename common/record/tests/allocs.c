/*
 * allocs.c - a program with a known allocation history, for test_record.c.
 *
 * The sizes are odd numbers no C library picks for itself, so that the test can find these
 * calls among the library's own.  No stdio: its buffers would be allocations too.
 *
 *   p = malloc(1001)            a P 1001
 *   q = calloc(3, 1003)         a Q 3009
 *   p = realloc(p, 5005)        r P 5005
 *   free(q)                     f Q
 *   m = memalign(64, 1011)      a M 1011
 *   s = realloc(NULL, 1013)     a S 1013
 *   realloc(s, 0)               f S        (glibc frees)
 *   fork: the child mallocs and frees 1017 bytes, in a log of its own
 *   p and m are never freed: the converter frees them at the end.
 */
#include <malloc.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    char *p = malloc(1001);
    char *q = calloc(3, 1003);
    p = realloc(p, 5005);
    free(q);
    void *m = memalign(64, 1011);
    void *s = realloc(NULL, 1013);
    s = realloc(s, 0);
    pid_t pid = fork();
    if (pid == 0) {
        free(malloc(1017));
        exit(0);
    }
    int status = 1;
    waitpid(pid, &status, 0);
    /* Keep p and m reachable to the end. */
    return (p && m && !s && status == 0) ? 0 : 1;
}
