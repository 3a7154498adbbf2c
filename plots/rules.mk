# plots/rules.mk - the figures (included by the top Makefile).  See plots/README.md.
#
#   make plots        redraws every figure whose CSV is in plots/data/ into plots/out/ (PNG and
#                     SVG) and says which it skipped; `make compare` ends with it
#   make plots-test   the render test: every script on small CSVs, no gnuplot warning allowed
#                     (part of make test)

PLOTS_TEST := build/plots/test_render

.PHONY: plots plots-test
EXTRA_TESTS += plots-test

plots: deps
	@plots/render.sh

$(PLOTS_TEST): plots/tests/test_render.c
	@mkdir -p $(@D)
	$(CC) -std=c17 -Wall -Wextra -Werror -O2 -g -D_GNU_SOURCE -DPLOTS_DIR='"$(CURDIR)/plots"' \
	    -o $@ $< -lcriterion

plots-test: deps $(PLOTS_TEST)
	@echo "==== plots-test: every figure rendered on small CSVs, no gnuplot warning"
	$(PLOTS_TEST)
