/*
 * test_heapmap.c - the heap map tool (common/heapmap/heapmap.c), run as a student runs it, on
 * phase0 (build/phase0_original/heapmap): the text map says what the heap holds, the CSVs have
 * the columns the figures read (the header is taken from plots/heapmap.gp and
 * plots/heapmap_film.gp, so the tool and the scripts cannot drift apart), and bad input is a
 * clear error.  ROOT (the repository, absolute) comes from common/heapmap/rules.mk.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#ifndef ROOT
#error "ROOT must name the repository (common/heapmap/rules.mk sets it)"
#endif

static char dir[64];
static char output[1 << 16];

static void write_text(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "cannot write %s", path);
    cr_assert_geq(fputs(text, f), 0);
    cr_assert_eq(fclose(f), 0);
}

/* Runs the tool with args (in dir); its stdout and stderr in output; returns its exit status. */
static int heapmap(const char *args)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s/build/phase0_original/heapmap' %s 2>&1", dir, ROOT,
             args);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    size_t n = fread(output, 1, sizeof output - 1, p);
    output[n] = '\0';
    int status = pclose(p);
    cr_assert(WIFEXITED(status), "heapmap did not exit normally:\n%s", output);
    return WEXITSTATUS(status);
}

/* The first line of a file under dir, or the value of `header = "..."` in a plots script. */
static void first_line(const char *path, char *line, size_t len)
{
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "cannot read %s", path);
    cr_assert_not_null(fgets(line, (int) len, f), "%s is empty", path);
    fclose(f);
}

static void header_of_script(const char *script, char *header, size_t len)
{
    char path[256], line[512];
    snprintf(path, sizeof path, "%s/plots/%s", ROOT, script);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "cannot read %s", path);
    header[0] = '\0';
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "header = \"%511[^\"]\"", header) == 1) break;
    fclose(f);
    cr_assert_neq(header[0], '\0', "%s names no header", script);
    strncat(header, "\n", len - strlen(header) - 1);
}

/* Two blocks of 60,000 and 200 bytes, then the first freed. */
static const char tiny[] = "20000\n2\n3\n1\na 0 60000\na 1 200\nf 0\n";

static void setup(void)
{
    strcpy(dir, "/tmp/heapmap-test.XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    write_text("tiny.rep", tiny);
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "test_heapmap: could not remove %s\n", dir);
}

TestSuite(heapmap, .init = setup, .fini = teardown);

Test(heapmap, text_map_says_what_the_heap_holds)
{
    cr_assert_eq(heapmap("--at 2,end --width 32 tiny.rep"), 0, "%s", output);
    /* phase0: payloads of 60,000 and 208 bytes (16-byte granules) in one 256 KiB chunk. */
    cr_expect_not_null(strstr(output, "== phase0_original tiny: op 2 of 3 (op 2): live 58.8 KiB in "
                                      "2 blocks, mapped 256.0 KiB in 1 regions, utilization 23%"),
                       "%s", output);
    cr_expect_not_null(strstr(output, "op 3 of 3 (end): live 0.2 KiB in 1 blocks"), "%s", output);
    const char *bar = strchr(strstr(output, "chunk"), '|');
    cr_assert_not_null(bar, "no map line:\n%s", output);
    const char *end = strchr(bar + 1, '|');
    cr_assert_not_null(end);
    cr_expect_eq(end - bar - 1, 32, "a map line is %td characters wide, not 32", end - bar - 1);
    cr_expect_eq(strncmp(bar + 1, "#######.", 8), 0,
                 "the first block fills 7 cells of 8 KiB, the rest of the chunk is free:\n%s",
                 output);
}

Test(heapmap, csvs_have_the_columns_the_figures_read)
{
    cr_assert_eq(heapmap("--quiet --csv maps.csv --film film.csv --frames 3 tiny.rep"), 0, "%s",
                 output);
    char want[512], got[512], path[256];
    header_of_script("heapmap.gp", want, sizeof want);
    snprintf(path, sizeof path, "%s/maps.csv", dir);
    first_line(path, got, sizeof got);
    cr_expect_str_eq(got, want, "maps.csv and plots/heapmap.gp disagree on the columns");
    header_of_script("heapmap_film.gp", want, sizeof want);
    snprintf(path, sizeof path, "%s/film.csv", dir);
    first_line(path, got, sizeof got);
    cr_expect_str_eq(got, want, "film.csv and plots/heapmap_film.gp disagree on the columns");
    char cmd[320];
    snprintf(cmd, sizeof cmd, "test $(wc -l < '%s') -eq %d", path, 3 * 400 + 1);
    cr_expect_eq(system(cmd), 0, "the film should hold 3 frames of 400 cells");
}

Test(heapmap, bad_trace_names_file_and_line)
{
    write_text("bad.rep", "20000\n2\n3\n1\na 0 100\nx 1 200\nf 0\n");
    cr_assert_eq(heapmap("bad.rep"), 2, "%s", output);
    cr_expect_not_null(strstr(output, "bad.rep:6:"), "the error names the file and line:\n%s",
                       output);
}

Test(heapmap, moment_past_the_end_is_refused)
{
    cr_assert_eq(heapmap("--at 9 tiny.rep"), 1, "%s", output);
    cr_expect_not_null(strstr(output, "--at 9: tiny has only 3 operations"), "%s", output);
    cr_assert_eq(heapmap("--at peak,x tiny.rep"), 1, "%s", output);
    cr_expect_not_null(strstr(output, "--at: \"x\" is not a number"), "%s", output);
}
