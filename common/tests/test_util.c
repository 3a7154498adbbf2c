/*
 * test_util.c - see test_util.h.
 */
#include "test_util.h"
#include "sm.h"

#include <criterion/criterion.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static unsigned char pattern_byte(uint64_t seed, size_t i)
{
    return (unsigned char) ((seed * 131 + i * 7 + (i >> 8)) ^ (seed >> 5));
}

void fill_pattern(void *p, size_t n, uint64_t seed)
{
    unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        b[i] = pattern_byte(seed, i);
}

size_t check_pattern(const void *p, size_t n, uint64_t seed)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i] != pattern_byte(seed, i)) return i;
    return n;
}

static char last_child[1200];

int dies_with_abort(void (*fn)(void *), void *arg, const char *expect)
{
    int fds[2];
    if (pipe(fds) != 0) return 0;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], STDERR_FILENO);
        close(fds[0]);
        signal(SIGABRT, SIG_DFL);
        fn(arg);
        _exit(0); /* fn returned: the allocator did not abort */
    }
    close(fds[1]);
    char out[1024];
    size_t len = 0;
    ssize_t n;
    while (len < sizeof out - 1 && (n = read(fds[0], out + len, sizeof out - 1 - len)) > 0)
        len += (size_t) n;
    out[len] = '\0';
    close(fds[0]);
    int status;
    waitpid(pid, &status, 0);
    int aborted = WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
    snprintf(last_child, sizeof last_child, "child %s %d, stderr: \"%s\"",
             WIFSIGNALED(status) ? "died of signal" : "exited with",
             WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status), out);
    return aborted && strstr(out, expect) != NULL;
}

const char *child_report(void)
{
    return last_child;
}

void expect_caught(const char *what)
{
    cr_expect_eq(sm_check(), -1, "sm_check() missed %s", what);
}
