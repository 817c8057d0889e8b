# riskmc - Monte Carlo risk scenarios.
#
#   make            build bin/riskmc
#   make run        install missing Debian packages, build, run the baseline scenario
#   make check      install missing Debian packages, build, run every test
#   make bench      measure speed (riskmc at 1 and 2 threads against NumPy)
#   make asan       the test suite under AddressSanitizer
#   make ubsan      the test suite under UndefinedBehaviorSanitizer
#   make fuzz       run the libFuzzer harnesses for FUZZ_SECONDS each
#   make MPI=1      build bin/riskmc with Open MPI
#   make clean

VERSION := 0.1.0
COMMIT := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)

CC ?= cc
ifeq ($(origin CC),default)
CC := gcc
endif
ifeq ($(MPI),1)
CC := mpicc
BUILD := build/mpi
else
BUILD := build/std
endif

PKGS := gsl inih cmocka
WARN := -Wall -Wextra -Wshadow -Wconversion -Wstrict-prototypes -Wmissing-prototypes
OPT ?= -O2 -g
CFLAGS_ALL := -std=c11 $(OPT) $(WARN) -fopenmp \
	-DRISKMC_VERSION='"$(VERSION)"' -DRISKMC_COMMIT='"$(COMMIT)"' \
	-DRISKMC_SCENARIO_DIR='"$(CURDIR)/scenarios"' -DRISKMC_SHARE_DIR='"$(CURDIR)"' \
	-DHAVE_INLINE -Isim -Imodels $(if $(filter 1,$(MPI)),-DSIM_MPI) $(EXTRA_CFLAGS)
LDLIBS_ALL := -lgsl -lgslcblas -linih -lcsv -lm -fopenmp $(EXTRA_LDFLAGS)

# the objects that print the git commit are rebuilt when it changes
COMMIT_STAMP := $(BUILD)/commit.stamp
$(COMMIT_STAMP): FORCE
	@mkdir -p $(@D); echo '$(COMMIT)' | cmp -s - $@ || echo '$(COMMIT)' > $@
$(BUILD)/sim/results.o $(BUILD)/sim/main.o $(BUILD)/sim/checkpoint.o: $(COMMIT_STAMP)
.PHONY: FORCE
FORCE:

SIM_SRC := $(filter-out sim/main.c,$(wildcard sim/*.c))
MODEL_SRC := $(wildcard models/*.c)
LIB_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(SIM_SRC) $(MODEL_SRC))
MAIN_OBJ := $(BUILD)/sim/main.o
TEST_SRC := $(wildcard tests/test_*.c)
TEST_BIN := $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_SRC))
BIN ?= bin/riskmc

.PHONY: all run check deps test unit e2e mpibin bench asan ubsan valgrind fuzz fuzz-replay clean
.SECONDARY:
.DEFAULT_GOAL := all

all: $(BIN)

# ---------------------------------------------------------------- set-up
# Debian packages the build, the tests and the charts need. Installed only
# when missing, with sudo when not root.
DEB_PACKAGES := libgsl-dev libcsv-dev libinih-dev librandom123-dev libcmocka-dev gnuplot-nox pkg-config \
	fonts-dejavu-core openmpi-bin libopenmpi-dev python3-numpy clang valgrind
deps:
	@missing=""; \
	command -v pkg-config >/dev/null 2>&1 || missing="$$missing pkg-config"; \
	pkg-config --exists gsl 2>/dev/null || missing="$$missing libgsl-dev"; \
	pkg-config --exists inih 2>/dev/null || missing="$$missing libinih-dev"; \
	pkg-config --exists cmocka 2>/dev/null || missing="$$missing libcmocka-dev"; \
	[ -f /usr/include/csv.h ] || missing="$$missing libcsv-dev"; \
	[ -f /usr/include/Random123/philox.h ] || missing="$$missing librandom123-dev"; \
	command -v gnuplot >/dev/null 2>&1 || missing="$$missing gnuplot-nox"; \
	[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing="$$missing fonts-dejavu-core"; \
	command -v mpicc >/dev/null 2>&1 || missing="$$missing openmpi-bin libopenmpi-dev"; \
	/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1 || missing="$$missing python3-numpy"; \
	command -v clang >/dev/null 2>&1 || missing="$$missing clang"; \
	command -v valgrind >/dev/null 2>&1 || missing="$$missing valgrind"; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:$$missing"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

# ---------------------------------------------------------------- build
$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

# which build a binary was linked from: switching between `make` and
# `make MPI=1` relinks it
BIN_FROM := $(dir $(BIN)).$(notdir $(BIN)).from
$(BIN_FROM): FORCE
	@mkdir -p $(@D); echo '$(BUILD)' | cmp -s - $@ || echo '$(BUILD)' > $@

$(BIN): $(LIB_OBJ) $(MAIN_OBJ) $(BIN_FROM)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $(LIB_OBJ) $(MAIN_OBJ) $(LDLIBS_ALL)

$(BUILD)/tests/%: tests/%.c $(LIB_OBJ) tests/testutil.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Itests -o $@ $< $(LIB_OBJ) $(LDLIBS_ALL) -lcmocka

-include $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d)

# ---------------------------------------------------------------- use
RUN_TRIALS ?= 20000
run: deps
	@$(MAKE) --no-print-directory all
	$(BIN) run scenarios/baseline.ini -n $(RUN_TRIALS) --force
	$(BIN) plot results/baseline
	$(BIN) report results/baseline

# ---------------------------------------------------------------- tests
check: deps
	@$(MAKE) --no-print-directory all test fuzz-replay valgrind

test: unit e2e

unit: $(TEST_BIN)
	@set -e; for t in $(TEST_BIN); do echo "== $$t"; $$t; done

e2e: $(BIN) mpibin
	@MPI_BIN=build/mpi/riskmc tests/e2e.sh $(BIN)

# the same program built with Open MPI, for the test that runs it on 2 ranks
mpibin:
	@$(MAKE) --no-print-directory MPI=1 BUILD=build/mpi OPT="-O2 -g" EXTRA_CFLAGS= EXTRA_LDFLAGS= \
		BIN=build/mpi/riskmc all

# ---------------------------------------------------------------- sanitizers
# The whole suite (unit tests and e2e) with a sanitized build in build/asan
# or build/ubsan.
asan: deps
	@$(MAKE) --no-print-directory BUILD=build/asan BIN=build/asan/riskmc OPT="-O1 -g" \
		EXTRA_CFLAGS="-fsanitize=address -fno-omit-frame-pointer" EXTRA_LDFLAGS="-fsanitize=address" all test

ubsan: deps
	@$(MAKE) --no-print-directory BUILD=build/ubsan BIN=build/ubsan/riskmc OPT="-O1 -g" \
		EXTRA_CFLAGS="-fsanitize=undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
		EXTRA_LDFLAGS="-fsanitize=undefined" all test

# A small scenario under valgrind: no errors, no leaks.
valgrind: $(BIN)
	valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=9 \
		--suppressions=tests/valgrind.supp \
		$(BIN) run scenarios/hindcast-2026q1.ini -n 40 -j 2 -o build/valgrind-run --force -q
	@rm -rf build/valgrind-run

# ---------------------------------------------------------------- fuzzing
# libFuzzer harnesses (tests/fuzz/fuzz_*.c) built with clang, AddressSanitizer
# and UndefinedBehaviorSanitizer. `make fuzz` runs each for FUZZ_SECONDS,
# starting from the corpus in tests/fuzz/corpus/<harness>/ and saving new
# inputs beside it in build/fuzz/; crashes go to tests/fuzz/crashes/.
# `make fuzz-replay` (part of `make check`) runs every corpus input once.
FUZZ_SECONDS ?= 120
FUZZ_CC := clang
FUZZ_CFLAGS := -std=c11 -g -O1 -fopenmp -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=undefined -DRISKMC_VERSION='"$(VERSION)"' -DRISKMC_COMMIT='"$(COMMIT)"' \
	-DRISKMC_SCENARIO_DIR='"$(CURDIR)/scenarios"' -DRISKMC_SHARE_DIR='"$(CURDIR)"' -Isim -Imodels
FUZZ_OBJ := $(patsubst %.c,build/fuzz/obj/%.o,$(SIM_SRC) $(MODEL_SRC))
FUZZ_HARNESS := scenario dist set

build/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJ)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $^ -o $@ -lgsl -lgslcblas -linih -lcsv -lm

build/fuzz/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(FUZZ_OBJ)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $^ -o $@ -lgsl -lgslcblas -linih -lcsv -lm

fuzz: deps $(addprefix build/fuzz/fuzz_,$(FUZZ_HARNESS))
	@mkdir -p tests/fuzz/crashes
	@set -e; for h in $(FUZZ_HARNESS); do \
		mkdir -p build/fuzz/corpus-$$h; \
		echo "== fuzz_$$h for $(FUZZ_SECONDS) s"; \
		build/fuzz/fuzz_$$h -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=4096 -max_len=65536 \
			-artifact_prefix=tests/fuzz/crashes/$$h- -print_final_stats=1 \
			build/fuzz/corpus-$$h tests/fuzz/corpus/$$h 2>&1 | grep -E '^(#|==|stat::|INFO: Seed)' | tail -6; \
	done

fuzz-replay: $(addprefix build/fuzz/replay_,$(FUZZ_HARNESS))
	@set -e; for h in $(FUZZ_HARNESS); do \
		printf 'fuzz corpus %-9s ' $$h; \
		ASAN_OPTIONS=detect_leaks=1 build/fuzz/replay_$$h tests/fuzz/corpus/$$h/*; \
	done

bench: deps
	@$(MAKE) --no-print-directory all
	bench/bench.sh $(BIN)

clean:
	rm -rf build bin
