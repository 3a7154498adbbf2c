/*
 * test_replay.c - the suite replays every kept fuzz input on every phase: the seeds in
 * corpus/ and, in regressions/, each input that once made a phase fail (its name says what it
 * found).  Same interpreter as the fuzzer (sm_ops.c), built with the suite's compiler.
 *
 * The folders are found beside this source file (__FILE__ is the absolute path common.mk
 * compiles), or in SM_FUZZ_DIR when that is set.
 */
#include "sm_ops.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INPUT_LIMIT (1 << 20)

static void fuzz_dir(char *out, size_t len, const char *sub)
{
    const char *env = getenv("SM_FUZZ_DIR");
    if (env) {
        snprintf(out, len, "%s/%s", env, sub);
        return;
    }
    const char *slash = strrchr(__FILE__, '/');
    int dir_len = slash ? (int) (slash - __FILE__) : 1;
    snprintf(out, len, "%.*s/%s", dir_len, slash ? __FILE__ : ".", sub);
}

/* Replays every file of the folder; returns how many there were. */
static int replay_all(const char *sub)
{
    static unsigned char input[INPUT_LIMIT];
    char dir[4096], path[4400];
    fuzz_dir(dir, sizeof dir, sub);
    DIR *d = opendir(dir);
    cr_assert_not_null(d, "cannot open %s", dir);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.') continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "rb");
        cr_assert_not_null(f, "cannot open %s", path);
        size_t len = fread(input, 1, sizeof input, f);
        fclose(f);
        const char *failed = sm_ops_run(input, len);
        cr_assert_null(failed, "%s: %s", path, failed);
        n++;
    }
    closedir(d);
    return n;
}

Test(fuzz_replay, seed_corpus)
{
    cr_assert_gt(replay_all("corpus"), 0, "no seed inputs found");
}

Test(fuzz_replay, regression_inputs)
{
    cr_assert_gt(replay_all("regressions"), 0, "no regression inputs found");
}
