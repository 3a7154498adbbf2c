# plots/rules.mk - the figures (included by the top Makefile).  See plots/README.md.
#
#   make plots        redraws every figure whose CSV is in plots/data/ into plots/out/ (PNG and
#                     SVG) and says which it skipped; `make compare` ends with it
#                     (PLOTS="plots/fig1_time_per_op.gp ..." draws only those)
#   make plots-test   the render test: every script on small CSVs, no gnuplot warning allowed
#                     (part of make test)

PLOTS_TEST := build/plots/test_render

.PHONY: plots plots-test
EXTRA_TESTS += plots-test

plots:
	@plots/render.sh $(if $(PLOTS),plots/data plots/out $(PLOTS))

$(PLOTS_TEST): plots/tests/test_render.c
	@mkdir -p $(@D)
	$(CC) $(C_FLAGS) -DPLOTS_DIR='"$(CURDIR)/plots"' -DSMBENCH='"$(CURDIR)/build/system/smbench"' \
	    -o $@ $< -lcriterion

plots-test: deps-check $(PLOTS_TEST) build/system/smbench
	@echo "==== plots-test: every figure rendered on small CSVs, no gnuplot warning"
	$(PLOTS_TEST)
