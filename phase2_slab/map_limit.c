/*
 * map_limit.c - the mapping budget (see map_limit.h).
 */
#include "map_limit.h"
#include "sysalloc.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

static uint64_t budget;

/* A decimal number from the start of s, or 0. */
static uint64_t parse(const char *s)
{
    uint64_t v = 0;
    while (*s >= '0' && *s <= '9')
        v = v * 10 + (uint64_t) (*s++ - '0');
    return v;
}

/* /proc/sys/vm/max_map_count with open and read: stdio could call malloc. */
static uint64_t kernel_limit(void)
{
    char buf[32] = {0};
    int fd = open("/proc/sys/vm/max_map_count", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return DEFAULT_MAP_LIMIT;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    uint64_t v = n > 0 ? parse(buf) : 0;
    return v ? v : DEFAULT_MAP_LIMIT;
}

void map_limit_init(void)
{
    const char *env = getenv("SM_MAX_MAP_COUNT"); /* getenv does not allocate */
    uint64_t limit = env && parse(env) ? parse(env) : kernel_limit();
    budget = limit > (uint64_t) 2 * MAP_RESERVE ? limit - MAP_RESERVE : limit / 2;
}

int map_limit_reached(void)
{
    struct sysalloc_counters c;
    sysalloc_counters(&c);
    return c.calls - c.frees >= budget;
}
