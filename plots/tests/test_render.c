/*
 * test_render.c - the render test: each figure script run through plots/render.sh --strict on
 * small CSVs written here into a temporary folder.  A figure passes when render.sh says it drew
 * it, its PNG is a PNG and not empty, its SVG is there and renders, and gnuplot printed nothing (a
 * warning fails the test).  A few figures are also read back: the SVG holds each name as written
 * (`noenhanced`: "phase2_1_batched" is not turned into subscripts) and only the series the
 * figure is meant to hold.  The last tests show that the harness fails: on a gnuplot warning, on
 * a script error, on a CSV whose columns disagree with the scripts.
 *
 * PLOTS_DIR (the plots folder, absolute) and SMBENCH (the benchmark driver, which prints the
 * columns of compare.csv: smbench --header) come from plots/rules.mk.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#ifndef PLOTS_DIR
#error "PLOTS_DIR must name the plots folder (plots/rules.mk sets it)"
#endif
#ifndef SMBENCH
#error "SMBENCH must name the benchmark driver (plots/rules.mk sets it)"
#endif

/* Two traces and one scaling trace (which figures 1 and 2 leave out); phase1_bitmap measured in
 * info mode on one trace, as the seed's Phase 1 figure was; glibc without sysalloc or memory
 * figures, as the benchmark writes it. */
/* compare.csv's rows; its header is the driver's (write_compare). */
static const char compare_csv[] =
    "phase0_original,phase1_pattern,9100,4550,180,170,210,360,1638,5.5e6,40,8.8,400000,300000,"
    "0.75,,,,2,1500,silent\n"
    "phase1_bitmap,phase1_pattern,9100,4550,45,40,60,90,410,2.2e7,3,0.66,524288,300000,0.57,,,,"
    "2,1200,INFO MODE\n"
    "phase2_slab,phase1_pattern,9100,4550,3200,3000,3900,6457,29000,3.1e5,4560,1002,19000000,"
    "300000,0.016,0.309,2040,4645,2,17500,silent\n"
    "phase2_1_batched,phase1_pattern,9100,4550,22,20,30,44,200,4.5e7,2,0.44,16777216,300000,"
    "0.018,0.9,4000,550,2,900,silent\n"
    "glibc,phase1_pattern,9100,4550,30,28,35,60,273,3.3e7,,,,,,,,,,,silent\n"
    "phase0_original,slab_mix,13370,6685,210,190,260,420,2807,4.8e6,55,8.2,600000,450000,0.75,,,"
    ",3,1500,silent\n"
    "phase1_bitmap,slab_mix,13370,6685,40,36,50,80,535,2.5e7,4,0.6,786432,450000,0.57,,,,3,1200,"
    "silent\n"
    "phase2_slab,slab_mix,13370,6685,3300,3100,4000,6600,44000,3.0e5,6700,1002,27000000,450000,"
    "0.017,0.309,2040,4645,3,17500,silent\n"
    "phase2_1_batched,slab_mix,13370,6685,25,22,31,50,334,4.0e7,2,0.3,16777216,450000,0.027,0.9,"
    "6000,685,3,900,silent\n"
    "glibc,slab_mix,13370,6685,28,25,33,56,374,3.6e7,,,,,,,,,,,silent\n"
    "phase1_bitmap,scale_1e3,1000,500,38,35,45,76,38,2.6e7,1,2,262144,40000,0.15,,,,0,1200,"
    "silent\n";

static const char scaling_csv[] = "allocator,ops,ns_per_op\n"
                                  "phase0_original,1000,90\n"
                                  "phase0_original,100000,2400\n"
                                  "phase0_original,10000,450\n"
                                  "phase1_bitmap,1000,40\n"
                                  "phase1_bitmap,10000,41\n"
                                  "phase1_bitmap,100000,42\n"
                                  "glibc,1000,30\n"
                                  "glibc,10000,29\n"
                                  "glibc,100000,,\n";

static const char callgrind_csv[] = "allocator,trace,instructions_per_op\n"
                                    "phase0_original,phase1_pattern,950\n"
                                    "phase1_bitmap,phase1_pattern,130\n"
                                    "phase2_1_batched,phase1_pattern,85\n"
                                    "phase0_original,slab_mix,1100\n"
                                    "phase1_bitmap,slab_mix,140\n"
                                    "phase2_1_batched,slab_mix,90\n";

static const char ablation_csv[] = "config,trace,ns_per_op\n"
                                   "all corrections,phase1_pattern,22\n"
                                   "BATCH_METADATA=0,phase1_pattern,3000\n"
                                   "LAZY_INIT=0,phase1_pattern,30\n"
                                   "all corrections,slab_mix,25\n"
                                   "BATCH_METADATA=0,slab_mix,3200\n"
                                   "LAZY_INIT=0,slab_mix,33\n";

static char root[64];        /* the temporary folder: data/ and out/ under it */
static char output[1 << 14]; /* what render.sh printed, stdout and stderr */

static void write_file(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/data/%s", root, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "cannot write %s", path);
    cr_assert_eq(fputs(text, f) >= 0, 1);
    cr_assert_eq(fclose(f), 0);
}

/* compare.csv: the driver's header line (smbench --header, the one source of the columns),
 * then rows. */
static void write_compare(const char *rows)
{
    char header[1024] = "";
    FILE *p = popen(SMBENCH " --header", "r");
    cr_assert_not_null(p, "cannot run %s", SMBENCH);
    cr_assert_not_null(fgets(header, sizeof header, p), "%s --header printed nothing", SMBENCH);
    cr_assert_eq(pclose(p), 0, "%s --header failed", SMBENCH);
    char path[256];
    snprintf(path, sizeof path, "%s/data/compare.csv", root);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "cannot write %s", path);
    cr_assert_eq(fputs(header, f) >= 0 && fputs(rows, f) >= 0, 1);
    cr_assert_eq(fclose(f), 0);
}

static void setup(void)
{
    strcpy(root, "/tmp/plots-test.XXXXXX");
    cr_assert_not_null(mkdtemp(root), "mkdtemp failed");
    char path[128];
    snprintf(path, sizeof path, "%s/data", root);
    cr_assert_eq(mkdir(path, 0700), 0);
    write_compare(compare_csv);
    write_file("scaling.csv", scaling_csv);
    write_file("callgrind.csv", callgrind_csv);
    write_file("ablation.csv", ablation_csv);
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    if (system(cmd) != 0) fprintf(stderr, "test_render: could not remove %s\n", root);
}

/* Runs render.sh --strict on the temporary folder for one script (a path under plots/);
 * returns its exit status, its output in `output`. */
static int render(const char *script)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "'%s/render.sh' --strict '%s/data' '%s/out' '%s/%s' 2>&1", PLOTS_DIR,
             root, root, PLOTS_DIR, script);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p, "cannot run %s", cmd);
    size_t n = fread(output, 1, sizeof output - 1, p);
    output[n] = '\0';
    int status = pclose(p);
    cr_assert(WIFEXITED(status), "render.sh did not exit normally:\n%s", output);
    return WEXITSTATUS(status);
}

/* The whole of out/<file>, NUL-terminated, in a buffer the caller frees; NULL when missing. */
static char *read_output(const char *file, long *size)
{
    char path[256];
    snprintf(path, sizeof path, "%s/out/%s", root, file);
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    *size = ftell(f);
    rewind(f);
    char *text = malloc(*size + 1);
    cr_assert_not_null(text);
    cr_assert_eq(fread(text, 1, *size, f), (size_t) *size);
    text[*size] = '\0';
    fclose(f);
    return text;
}

/* librsvg, a strict SVG renderer, must draw the file: an SVG can be well formed and still
 * unreadable (a point of size 0 writes scale(0), which renderers reject). */
static void expect_svg_renders(const char *file)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rsvg-convert -o '%s/out/from-svg.png' '%s/out/%s'", root, root,
             file);
    int status = system(cmd);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
              "%s does not render (rsvg-convert, from librsvg2-bin: make deps)", file);
}

/* Renders fig<name>.gp and checks what every figure must be.  Returns its SVG text (the caller
 * frees it) for the figure's own checks. */
static char *expect_figure(const char *name)
{
    char script[64], file[64];
    snprintf(script, sizeof script, "%s.gp", name);
    int status = render(script);
    cr_assert_eq(status, 0, "render.sh failed on %s:\n%s", script, output);
    cr_assert_not_null(strstr(output, "1 drawn, 0 skipped, 0 failed, 0 with gnuplot warnings"),
                       "%s was not drawn cleanly:\n%s", script, output);

    long size;
    snprintf(file, sizeof file, "%s.png", name);
    char *png = read_output(file, &size);
    cr_assert_not_null(png, "%s is missing:\n%s", file, output);
    cr_assert_gt(size, 1000, "%s holds only %ld bytes", file, size);
    cr_assert_eq(memcmp(png, "\x89PNG\r\n\x1a\n", 8), 0, "%s is not a PNG", file);
    free(png);

    snprintf(file, sizeof file, "%s.svg", name);
    char *svg = read_output(file, &size);
    cr_assert_not_null(svg, "%s is missing:\n%s", file, output);
    cr_assert_not_null(strstr(svg, "<svg"), "%s is not an SVG", file);
    expect_svg_renders(file);
    return svg;
}

/* Renders the figure (expect_figure) and requires each text of shows in its SVG and none of
 * hides; both lists end with NULL. */
static void expect_figure_text(const char *name, const char *const *shows, const char *const *hides)
{
    char *svg = expect_figure(name);
    for (; *shows; shows++)
        cr_expect_not_null(strstr(svg, *shows), "%s should show \"%s\"", name, *shows);
    for (; *hides; hides++)
        cr_expect_null(strstr(svg, *hides), "%s should not show \"%s\"", name, *hides);
    free(svg);
}

TestSuite(plots, .init = setup, .fini = teardown);

Test(plots, fig1_time_per_op)
{
    expect_figure_text("fig1_time_per_op",
                       (const char *[]){"Time per operation", "time per operation (ns, log scale)",
                                        "phase2_1_batched", "phase1_bitmap [INFO MODE]", "glibc",
                                        "slab_mix", NULL},
                       (const char *[]){"scale_1e3", NULL});
}

Test(plots, fig2_sysalloc)
{
    expect_figure_text("fig2_sysalloc",
                       (const char *[]){"sysalloc calls per 1,000 allocations", "phase2_slab",
                                        "one call per allocation", NULL},
                       (const char *[]){"glibc", "scale_1e3", NULL});
}

Test(plots, fig3_scaling)
{
    expect_figure_text(
        "fig3_scaling",
        (const char *[]){"operations in the trace", "phase0_original", "glibc", NULL},
        (const char *[]){NULL});
}

Test(plots, fig4_memory)
{
    expect_figure_text(
        "fig4_memory",
        (const char *[]){"peak live payload (bytes", "utilization 100%", "phase2_slab", NULL},
        (const char *[]){"glibc", NULL});
}

Test(plots, fig5_instructions)
{
    expect_figure_text("fig5_instructions",
                       (const char *[]){"instructions per operation", "phase2_1_batched", NULL},
                       (const char *[]){NULL});
}

Test(plots, fig6_ablation)
{
    expect_figure_text(
        "fig6_ablation",
        (const char *[]){"phase2_1_batched ablation", "all corrections", "BATCH_METADATA=0", NULL},
        (const char *[]){NULL});
}

Test(plots, missing_csv_is_skipped)
{
    char path[128];
    snprintf(path, sizeof path, "%s/data/ablation.csv", root);
    cr_assert_eq(remove(path), 0);
    cr_assert_eq(render("fig6_ablation.gp"), 0, "a missing CSV is not an error:\n%s", output);
    cr_assert_not_null(strstr(output, "fig6_ablation: skipped, no"), "%s", output);
    long size;
    cr_assert_null(read_output("fig6_ablation.png", &size), "a skipped figure left a PNG");
}

Test(plots, csv_without_rows_is_skipped)
{
    write_compare("glibc,slab_mix,1,1,1,1,1,1,1,1,,,,,,,,,,,silent\n");
    cr_assert_eq(render("fig2_sysalloc.gp"), 0, "%s", output);
    cr_assert_not_null(strstr(output, "fig2_sysalloc: skipped, nothing to draw"), "%s", output);
}

Test(plots, warning_fails_strict_render)
{
    cr_assert_neq(render("tests/warns.gp"), 0, "a gnuplot warning passed:\n%s", output);
    cr_assert_not_null(strstr(output, "warns: gnuplot said:"), "%s", output);
    cr_assert_not_null(strstr(output, "1 with gnuplot warnings"), "%s", output);
}

Test(plots, script_error_fails)
{
    cr_assert_neq(render("tests/fails.gp"), 0, "a failing script passed:\n%s", output);
    cr_assert_not_null(strstr(output, "fails: FAILED"), "%s", output);
}

Test(plots, csv_with_other_columns_fails)
{
    write_file("callgrind.csv", "allocator,workload,instructions_per_op\nglibc,binary,120\n");
    cr_assert_neq(render("fig5_instructions.gp"), 0, "a CSV without `trace` passed:\n%s", output);
    cr_assert_not_null(strstr(output, "no column named \"trace\""), "%s", output);
}

/* ---- The heap maps (plots/heapmap*.gp), from CSVs as common/heapmap/heapmap.c writes them. */

#define HEAPMAP_HEADER                                                                             \
    "phase,trace,op,point,panel,band,label,size,util,kind,start_kib,end_kib,regions,drawn\n"

/* Two moments of phase1: a pool and a big block at the peak, the pool alone at the end. */
static const char heapmap_csv[] = HEAPMAP_HEADER
    "phase1_bitmap,slab_mix,11150,peak,0,0,pool,1.0 MiB,63,meta,0.000,20.000,2,2\n"
    "phase1_bitmap,slab_mix,11150,peak,0,0,pool,1.0 MiB,63,live,20.000,700.000,2,2\n"
    "phase1_bitmap,slab_mix,11150,peak,0,0,pool,1.0 MiB,63,free,700.000,1044.000,2,2\n"
    "phase1_bitmap,slab_mix,11150,peak,0,1,big block,300.0 KiB,100,live,0.000,300.000,"
    "2,2\n"
    "phase1_bitmap,slab_mix,13370,end,1,0,pool,1.0 MiB,0,meta,0.000,20.000,1,1\n"
    "phase1_bitmap,slab_mix,13370,end,1,0,pool,1.0 MiB,0,free,20.000,1044.000,1,1\n";

/* Every phase at the same step; phase2 with more regions than it has bands drawn. */
static const char heapmaps_csv[] = HEAPMAP_HEADER
    "phase0_original,slab_mix,11150,peak,0,0,chunk,256.0 KiB,75,live,0.000,200.000,4,4\n"
    "phase0_original,slab_mix,11150,peak,0,0,chunk,256.0 KiB,75,free,200.000,256.000,4,4\n"
    "phase1_bitmap,slab_mix,11150,peak,0,0,pool,1.0 MiB,63,live,0.000,1044.000,1,1\n"
    "phase2_slab,slab_mix,11150,peak,0,0,SM_AllocationEnhanced x318,4.0 KiB,0,meta,"
    "0.000,0.050,2260,1900\n"
    "phase2_slab,slab_mix,11150,peak,0,0,SM_AllocationEnhanced x318,4.0 KiB,0,unused,"
    "0.050,4.000,2260,1900\n"
    "phase2_slab,slab_mix,11150,peak,0,1,slab 64 B,64.0 KiB,19,live,0.000,12.000,2260,"
    "1900\n"
    "phase2_1_batched,slab_mix,11150,peak,0,0,slab region,260.0 KiB,83,live,0.000,"
    "260.000,5,5\n";

/* The film: frames x 400 cells, cell c of frame f live (c + f) % 3 / 2, the first 40 unmapped. */
static void write_film(const char *phase, int frames)
{
    static char text[1 << 20];
    size_t n = (size_t) snprintf(text, sizeof text,
                                 "phase,trace,op,cell,pos_kib,live,step,frames,extent_kib\n");
    for (int f = 0; f < frames; f++)
        for (int c = 0; c < 400; c++)
            n += (size_t) snprintf(
                text + n, sizeof text - n, "%s,slab_mix,%d,%d,%.2f,%.3f,50,%d,800\n", phase,
                (f + 1) * 50, c, c * 2 + 1.0, c < 40 ? -1.0 : (double) ((c + f) % 3) / 2, frames);
    write_file("heapmap_film.csv", text);
}

Test(plots, heapmap)
{
    write_file("heapmap.csv", heapmap_csv);
    expect_figure_text("heapmap",
                       (const char *[]){"phase1_bitmap at peak (op 11150): 2 regions",
                                        "phase1_bitmap at end (op 13370)",
                                        "pool, 1.0 MiB, 63% live", "binned into 400 cells",
                                        "metadata", NULL},
                       (const char *[]){NULL});
}

Test(plots, heapmaps)
{
    write_file("heapmaps.csv", heapmaps_csv);
    expect_figure_text("heapmaps",
                       (const char *[]){"Every phase on slab_mix at peak (op 11150)",
                                        "phase2_slab at peak (op 11150): 2260 regions, 1900 drawn",
                                        "SM_AllocationEnhanced x318, 4.0 KiB, 0% live",
                                        "phase2_1_batched at peak", NULL},
                       (const char *[]){NULL});
}

Test(plots, heapmap_film)
{
    write_film("phase0_original", 4);
    expect_figure_text("heapmap_film",
                       (const char *[]){"phase0_original on slab_mix: the fragmentation film",
                                        "a walk every 50 operations (4 frames)", NULL},
                       (const char *[]){NULL});
}

/* Runs heapmap_gif.gp the way make heapmap does; returns its exit status, stderr in output. */
static int render_gif(const char *extra)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "mkdir -p '%s/out' && gnuplot -e \"data='%s/data'; out='%s/out'%s\" "
             "'%s/heapmap_gif.gp' 2>&1",
             root, root, root, extra, PLOTS_DIR);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    size_t n = fread(output, 1, sizeof output - 1, p);
    output[n] = '\0';
    int status = pclose(p);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

Test(plots, heapmap_gif)
{
    write_film("phase0_original", 3);
    cr_assert_eq(render_gif(""), 0, "%s", output);
    /* The gif terminal's one line when it closes the file; anything else is a warning. */
    cr_assert_str_eq(output, "3 frames in animation sequence\n", "gnuplot said:\n%s", output);
    long size;
    char *gif = read_output("heapmap_film.gif", &size);
    cr_assert_not_null(gif, "no GIF was written");
    cr_assert_eq(memcmp(gif, "GIF89a", 6), 0, "heapmap_film.gif is not a GIF");
    free(gif);
}

Test(plots, heapmap_gif_skipped_without_the_terminal)
{
    write_film("phase0_original", 3);
    cr_assert_eq(render_gif("; nogif=1"), 0, "%s", output);
    cr_assert_not_null(strstr(output, "no gif terminal in this gnuplot: the animation is skipped"),
                       "%s", output);
    long size;
    cr_assert_null(read_output("heapmap_film.gif", &size), "a GIF was written all the same");
}

Test(plots, heapmap_csv_not_a_number_fails_clearly)
{
    char bad[sizeof heapmap_csv];
    memcpy(bad, heapmap_csv, sizeof bad);
    char *util = strstr(bad, ",63,live,");
    util[2] = 'x'; /* "63" becomes "6x" */
    write_file("heapmap.csv", bad);
    cr_assert_neq(render("heapmap.gp"), 0, "a malformed heap map CSV passed:\n%s", output);
    cr_assert_not_null(strstr(output, "heapmap.csv:3: util is \"6x\", not a number"), "%s", output);
}

Test(plots, heapmap_csv_of_another_kind_fails_clearly)
{
    write_film("phase0_original", 2);
    char path[256], cmd[600];
    snprintf(path, sizeof path, "%s/data", root);
    snprintf(cmd, sizeof cmd, "cp '%s/heapmap_film.csv' '%s/heapmaps.csv'", path, path);
    cr_assert_eq(system(cmd), 0);
    cr_assert_neq(render("heapmaps.gp"), 0, "a film CSV drawn as heap maps passed:\n%s", output);
    cr_assert_not_null(strstr(output, "heapmaps.csv:1: not a heap map CSV"), "%s", output);
}

Test(plots, heapmap_csv_without_rows_is_skipped)
{
    write_file("heapmap.csv", HEAPMAP_HEADER);
    cr_assert_eq(render("heapmap.gp"), 0, "%s", output);
    cr_assert_not_null(strstr(output, "heapmap: skipped, nothing to draw"), "%s", output);
}
