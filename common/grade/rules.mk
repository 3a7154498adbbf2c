# common/grade/rules.mk - the autograder (included by the top Makefile).  See common/grade/README.md.
#
#   make grade [STUDENT=id]          grades this tree's phases (make phase1 grade: one phase):
#                                    the table, and build/grade/<id or self>/results.json
#   make grade-all SUBMISSIONS=dir   every submission in dir (a folder or tarball each): one
#                                    CSV and a summary in build/grade/all/, resumable
#   make gradescope                  the Gradescope autograder archive: build/grade/autograder.zip
#   make grade-test                  the grader's own tests (part of make test)
# Options: GRADE_TRACES=dir (hidden traces, added), GRADE_SET=quick (three small traces),
# GRADE_TIME=N (every time limit times N).

GRADE_DIR := common/grade

.PHONY: grade grade-all gradescope grade-test
# The grader's tests patch the reference code; they are not in the students' copy (labs/README.md).
EXTRA_TESTS += grade-test # INSTRUCTOR-ONLY

grade: deps
	@$(if $(STUDENT),STUDENT_TRACES=1 )$(GRADE_DIR)/grade.sh $(if $(STUDENT),--student $(STUDENT)) $(PHASES)

grade-all: deps
	@test -n "$(SUBMISSIONS)" || { echo "grade-all: SUBMISSIONS=dir names the submissions"; exit 1; }
	@$(GRADE_DIR)/grade_all.sh $(SUBMISSIONS) $(PHASES)

gradescope: deps
	@mkdir -p build/grade
	@GRADE_PHASES="$(PHASES)" $(GRADE_DIR)/pack.sh build/grade/autograder.zip

grade-test: deps
	@echo "==== grade-test: the autograder on a class of good and bad submissions, and Gradescope's layout"
	@$(GRADE_DIR)/tests/test_grade.sh
