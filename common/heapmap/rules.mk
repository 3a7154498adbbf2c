# common/heapmap/rules.mk - see the heap (included by the top Makefile).  See plots/README.md.
#
#   make phase0 heapmap [TRACE=f.rep] [AT=op,peak,end]   the text map of each phase named, its
#                       heap at AT (default peak,end) as bands and its fragmentation film, drawn
#                       into plots/out/heapmap/<phase>-<trace>/ (an animated GIF too, where
#                       gnuplot has the gif terminal); TRACE defaults to common/traces/slab_mix.rep
#   make heapmap BUILDS="phase1_bitmap phase1_bitmap-first_fit"  the same for build folders by
#                       name, a variant built with make -C <phase> VARIANT=... included
#   make heapmaps [TRACE=f.rep] [AT=peak]   all four phases at the same step on one figure:
#                       plots/out/heapmap/heapmaps-<trace>.png
#   build/<phase>/heapmap --help          the tool alone (common/heapmap/heapmap.c)

HEAPMAP_TRACE := $(or $(TRACE),common/traces/slab_mix.rep)
HEAPMAP_NAME  := $(basename $(notdir $(HEAPMAP_TRACE)))
HEAPMAP_DATA  := build/heapmap
HEAPMAP_OUT   := plots/out/heapmap
HEAPMAP_OBJ   := $(HEAPMAP_DATA)/obj/heapmap.o

.PHONY: heapmap heapmaps

$(HEAPMAP_OBJ): common/heapmap/heapmap.c
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -MMD -MP -c $< -o $@

# Any build folder holding a libsm.a, as for smbench; the trace reader is the benchmark's.
build/%/heapmap: build/%/libsm.a $(HEAPMAP_OBJ) $(BENCH_BUILD)/obj/trace.o
	$(CC) -o $@ $(HEAPMAP_OBJ) $(BENCH_BUILD)/obj/trace.o $<

HEAPMAP_BUILDS := $(or $(BUILDS),$(PHASES))

heapmap: build
	@$(MAKE) --no-print-directory $(foreach p,$(HEAPMAP_BUILDS),build/$(p)/heapmap)
	@set -e; for p in $(HEAPMAP_BUILDS); do \
	    d=$(HEAPMAP_DATA)/$$p-$(HEAPMAP_NAME); o=$(HEAPMAP_OUT)/$$p-$(HEAPMAP_NAME); mkdir -p $$d; \
	    build/$$p/heapmap --at $(or $(AT),peak,end) --csv $$d/heapmap.csv \
	        --film $$d/heapmap_film.csv $(HEAPMAP_TRACE); \
	    plots/render.sh --strict $$d $$o plots/heapmap.gp plots/heapmap_film.gp; \
	    gnuplot -e "data='$$d'; out='$$o'" plots/heapmap_gif.gp 2>&1 \
	        | grep -v 'frames in animation sequence' || :; \
	    if [ -s $$o/heapmap_film.gif ]; then echo "heapmap: $$o/heapmap_film.gif"; fi; \
	done

heapmaps: build
	@$(MAKE) --no-print-directory $(foreach p,$(PRESENT),build/$(p)/heapmap)
	@set -e; d=$(HEAPMAP_DATA)/heapmaps-$(HEAPMAP_NAME); mkdir -p $$d; \
	rm -f $$d/heapmaps.csv; \
	for p in $(PRESENT); do \
	    build/$$p/heapmap --quiet --at $(or $(AT),peak) --csv $$d/$$p.csv $(HEAPMAP_TRACE); \
	    if [ -s $$d/heapmaps.csv ]; then tail -n +2 $$d/$$p.csv >> $$d/heapmaps.csv; \
	    else cp $$d/$$p.csv $$d/heapmaps.csv; fi; \
	done; \
	plots/render.sh --strict $$d $(HEAPMAP_OUT)/heapmaps-$(HEAPMAP_NAME) plots/heapmaps.gp



# The tool's own test (part of make test): common/heapmap/tests/test_heapmap.c.
HEAPMAP_TEST := $(HEAPMAP_DATA)/test_heapmap
EXTRA_TESTS  += heapmap-test
.PHONY: heapmap-test

$(HEAPMAP_TEST): common/heapmap/tests/test_heapmap.c
	@mkdir -p $(@D)
	$(CC) -std=c17 -Wall -Wextra -Werror -O2 -g -D_GNU_SOURCE -DROOT='"$(CURDIR)"' -o $@ $< -lcriterion

heapmap-test: deps
	@$(MAKE) --no-print-directory -C phase0_original
	@$(MAKE) --no-print-directory build/phase0_original/heapmap $(HEAPMAP_TEST)
	@echo "==== heapmap-test: the text map, the CSVs' columns, bad input"
	$(HEAPMAP_TEST)
-include $(HEAPMAP_OBJ:.o=.d)
