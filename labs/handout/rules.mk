# labs/handout/rules.mk - the student's copy (labs/README.md, "The handout").  Not in that copy.
#
#   make handout [STAGE=N]   build/handout/ (a git repository) and build/handout.tar.gz: the
#                            BUILD-IT regions of labs N and later replaced by their stubs
#   make handout-check       generates the copy from a clean checkout, builds it, shows its tests
#                            fail on exactly the stubs and pass elsewhere, puts the reference
#                            regions back and shows every test passes, finds no solution text

STAGE ?= 0
.PHONY: handout handout-check
handout:
	@labs/handout/make.sh $(STAGE)

handout-check: deps
	@labs/handout/check.sh
