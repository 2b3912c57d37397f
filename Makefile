# cancuoc — build, test and demo. `make demo` and `make test` do all set-up on a fresh Debian 12.
SHELL := /bin/bash
SWIFT ?= swift
PREFIX ?= /usr/local
DESTDIR ?=
CONFIG ?= debug
BIN = $(shell $(SWIFT) build -c $(CONFIG) --show-bin-path 2>/dev/null)

# Debian packages the project needs at build, test and run time.
DEB_PACKAGES = pcscd libpcsclite-dev libccid vsmartcard-vpcd opensc libssl-dev libsqlite3-dev pkg-config python3 util-linux

.PHONY: all deps build test unit integration demo clean install bench fuzz soak

all: build

deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  if [ -z "$$(ls -A /var/lib/apt/lists 2>/dev/null | grep -v -e lock -e partial)" ]; then $$SUDO apt-get update -qq; fi; \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing \
	    || { $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; }; \
	fi

build: deps
	$(SWIFT) build -c $(CONFIG)

# Unit and integration tests. Integration suites start their own private pcscd + vpcd
# (Tests/TestBench); they need root for `unshare -m` and fail loudly when they cannot.
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

demo: deps
	$(SWIFT) build -c $(CONFIG)
	scripts/demo.sh "$(BIN)"

# Benchmarks (issue 8): release build, reads through a private pcscd + vpcd, a table on
# stdout and JSON under bench-results/ (git-ignored). BENCH_RUNS=N sets the sample count.
bench: deps
	$(SWIFT) build -c release --product cancuoc
	$(SWIFT) build -c release --product CancuocBench
	"$$($(SWIFT) build -c release --show-bin-path)/CancuocBench"

clean:
	rm -rf .build bench-results

# Fuzzing (issue 9): libFuzzer + ASan build of Fuzz/ (a separate package), every target for
# FUZZ_SECONDS (default 60) each; FUZZ_TARGETS="tlv dg13" picks some. See docs/fuzzing.md.
FUZZ_SECONDS ?= 60
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_TARGETS="$(FUZZ_TARGETS)" SWIFT=$(SWIFT) Fuzz/run.sh
