# labs/rules.mk - the lab handouts' targets (included by the top Makefile).  See labs/README.md.
#
#   make labs-check     runs every command of every handout's ```sh blocks, lab0 to lab5 in
#                       order (labs/run_handouts.sh), then every labN-check; .ci/run runs it
#   make lab2-check     checks that a student's run of lab 2 left the files and figures the lab
#                       asks for, in build/labs/lab2/ (labs/check.sh)
#   make labs-list      prints the commands labs-check would run, with their handout lines

LABS := lab0 lab1 lab2 lab3 lab4 lab5

.PHONY: labs-check labs-list $(LABS:%=%-check)

$(LABS:%=%-check):
	@labs/check.sh $(@:-check=)

labs-list:
	@labs/run_handouts.sh --list $(LABS)

labs-check: deps-check
	@labs/run_handouts.sh $(LABS)
	@failed=""; for l in $(LABS); do labs/check.sh $$l || failed="$$failed $$l"; done; \
	if [ -n "$$failed" ]; then echo "labs-check FAILED:$$failed"; exit 1; fi

# The student's copy and its check (labs/handout/, left out of that copy).
-include labs/handout/rules.mk
