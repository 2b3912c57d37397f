# cancuoc — build, test and demo. `make demo` and `make test` do all set-up on a fresh Debian 12.
SHELL := /bin/bash
SWIFT ?= swift
PREFIX ?= /usr/local
DESTDIR ?=
CONFIG ?= debug
BIN = $(shell $(SWIFT) build -c $(CONFIG) --show-bin-path 2>/dev/null)
# What is shipped and benchmarked: release, with the Swift runtime and Foundation linked in, so
# the installed binaries need only Debian's libpcsclite, libssl and libsqlite (not /opt/swift),
# and cancuocd maps less shared-library code (make bench: resident memory).
RELEASE = -c release --static-swift-stdlib

# Debian packages: what runs on a clinic PC (the .deb's Depends/Recommends say the same), what
# builds, what the tests and the demo use; `make deps` installs all three. `make system-test`
# needs more on the host (debootstrap, systemd-nspawn, lintian): DEB_SYSTEM_TEST_PACKAGES.
DEB_RUNTIME_PACKAGES = pcscd libccid sqlite3 pcsc-tools
DEB_BUILD_PACKAGES = libpcsclite-dev libssl-dev libsqlite3-dev libcurl4-openssl-dev pkg-config binutils \
  $(DEB_FACE_BUILD_PACKAGES)
# The face check's matcher (docs/face-check.md): dlib, its image and BLAS libraries,
# OpenJPEG for JPEG 2000 portraits, libseccomp for its sandbox.
DEB_FACE_BUILD_PACKAGES = libdlib-dev libopenblas-dev liblapack-dev libjpeg-dev libpng-dev libopenjp2-7-dev libseccomp-dev
DEB_TEST_PACKAGES = vsmartcard-vpcd opensc python3 util-linux iproute2 systemd curl chromium chromium-driver firefox-esr openssl \
  prometheus prometheus-node-exporter ffmpeg imagemagick python3-bcrypt python3-yaml
DEB_PACKAGES = $(DEB_RUNTIME_PACKAGES) $(DEB_BUILD_PACKAGES) $(DEB_TEST_PACKAGES)
DEB_SYSTEM_TEST_PACKAGES = debootstrap systemd-container lintian dpkg-dev xz-utils reprepro gnupg imagemagick ffmpeg
# Python packages of the browser tests (Tests/Browser): Selenium drives Debian's chromium-driver,
# marionette_driver drives Debian's firefox-esr (no geckodriver needed).
PY_REQUIREMENTS = Tests/Browser/requirements.txt

.PHONY: face-models face-deb prometheus-load-live
.PHONY: all lint format deps build-deps system-test-deps build test unit integration demo clean install bench fuzz soak example-test browser-test prometheus-test prometheus-load install-check deb system-test repo

all: build

# swift-format with the repository's .swift-format (swift-nio's: 120 columns, ordered imports).
# `make format` rewrites in place; `make lint` (run by .ci/run) fails on any difference.
FORMAT_PATHS = Sources Tests Benchmarks Fuzz Package.swift
lint:
	$(SWIFT) format lint --strict --recursive --parallel $(FORMAT_PATHS)

format:
	$(SWIFT) format --in-place --recursive --parallel $(FORMAT_PATHS)

# Installs the Debian packages named in $(1) that are missing (apt-get; sudo when not root). The
# package lists are updated first (quietly): on a fresh machine they are empty or stale and apt
# would report "has no installation candidate".
define apt_install
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq >/dev/null || echo "make deps: apt-get update failed; installing from the package lists at hand" >&2; \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef

deps:
	$(call apt_install,$(DEB_PACKAGES))
	@scripts/face-assets.sh --quiet
	@python3 -c 'import selenium, pytest, marionette_driver' 2>/dev/null || python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore -r $(PY_REQUIREMENTS)

build-deps:
	$(call apt_install,$(DEB_BUILD_PACKAGES))

system-test-deps:
	$(call apt_install,$(DEB_SYSTEM_TEST_PACKAGES))

build: deps
	$(SWIFT) build -c $(CONFIG)

# Unit and integration tests. Integration suites start their own private pcscd + vpcd
# (Tests/TestBench); they need root for `unshare -m` and fail loudly when they cannot.
test: deps
	$(SWIFT) build --build-tests
	d=$$(mktemp -d /tmp/cancuoc-test.XXXXXX) && CANCUOC_BENCH_DIR=$$d PCSCLITE_CSOCK_NAME=$$d/run/pcscd.comm $(SWIFT) test --skip-build
	scripts/example-test.sh "$(BIN)"
	scripts/deps-test.sh
	scripts/browser-test.sh "$(BIN)"
	scripts/prometheus-test.sh "$(BIN)"

# The province inventory through Prometheus (docs/inventory.md): promtool on contrib/prometheus/, then
# three simulated clinics (cancuocd, node_exporter, a Prometheus agent each) remote-writing to
# a province Prometheus; the roll-up from PromQL must equal the roll-up from JSON reports.
prometheus-test: deps
	$(SWIFT) build -c $(CONFIG)
	scripts/prometheus-test.sh "$(BIN)"

# A measurement, not a test (docs/inventory.md): a month of backfilled history (promtool), the roll-up
# from recorded aggregates beside the raw one for a province, 1,000 facilities, and the country
# on a national Prometheus; ends with one line per scenario. Sizes: PROMETHEUS_LOAD_PROVINCE,
# _THOUSAND, _COUNTRY, _PROVINCES, _DAYS, _RAW_INTERVAL, _END_TO_END, _END_TO_END_SIZE, _SCENARIOS;
# PROMETHEUS_LOAD_LOCK=/tmp/cancuoc-heavy.lock holds a lock around the timed roll-ups only
# (scripts/prometheus_scale.py).
prometheus-load: deps
	$(SWIFT) build -c release --product cancuoc
	python3 scripts/prometheus_scale.py "$$($(SWIFT) build -c release --show-bin-path)"

# The live ingestion check of docs/inventory.md: 1,000 synthetic facilities remote-written by a Prometheus
# agent to one province Prometheus (PROMETHEUS_LOAD_FACILITIES=N, PROMETHEUS_LOAD_MINUTES=M).
prometheus-load-live: deps
	$(SWIFT) build -c release --product cancuoc
	python3 scripts/prometheus_load.py "$$($(SWIFT) build -c release --show-bin-path)"

# The browser path alone (docs/security.md): WebSocket protocol, limits and refusals against the real
# daemon, headless Chromium through Selenium, headless Firefox ESR through Marionette.
browser-test: deps
	$(SWIFT) build -c $(CONFIG)
	scripts/browser-test.sh "$(BIN)"

demo: deps
	$(SWIFT) build -c $(CONFIG)
	scripts/demo.sh "$(BIN)"

# Benchmarks (docs/performance.md): release build, reads through a private pcscd + vpcd, a table on
# stdout and JSON under bench-results/ (git-ignored). BENCH_RUNS=N sets the sample count.
bench: deps
	$(SWIFT) build $(RELEASE) --product cancuoc
	$(SWIFT) build $(RELEASE) --product cancuocd
	$(SWIFT) build $(RELEASE) --product CancuocBench
	$(SWIFT) build $(RELEASE) --product cancuoc-face-matcher
	"$$($(SWIFT) build $(RELEASE) --show-bin-path)/CancuocBench"

# Soak: the card pulled at every APDU index of a full read (short and extended cards, each
# followed by a good read; make test runs a sampled subset), then a measurement outside any
# test time limit: SOAK_READS reads (default 50,000) through the released cancuocd with its
# resident memory sampled every SOAK_EVERY (5,000) (scripts/daemon-soak.sh, docs/troubleshooting.md).
SOAK_READS ?= 50000
soak: deps
	$(SWIFT) build --build-tests
	d=$$(mktemp -d /tmp/cancuoc-test.XXXXXX) && CANCUOC_BENCH_DIR=$$d PCSCLITE_CSOCK_NAME=$$d/run/pcscd.comm SOAK=1 $(SWIFT) test --skip-build --filter "CardFaultsThroughPCSCD"
	$(SWIFT) build $(RELEASE) --product cancuoc
	$(SWIFT) build $(RELEASE) --product cancuocd
	SOAK_READS=$(SOAK_READS) scripts/daemon-soak.sh "$$($(SWIFT) build $(RELEASE) --show-bin-path)"

# The face check's model files and test photos (docs/face-check.md) from PyPI sdists, sha256-checked
# (config/face/assets.sha256), into .build/face (never committed).
face-models:
	scripts/face-assets.sh

clean:
	rm -rf .build bench-results dist .build-deb

# The example HIS client (examples/his_client.py) against a real cancuocd on the simulated card.
example-test: deps
	$(SWIFT) build -c $(CONFIG)
	scripts/example-test.sh "$(BIN)"

# Install (docs/operations.md). PREFIX for binaries and docs; system integration files go where
# systemd, udev and polkit look for them. An existing /etc/cancuoc/cancuocd.json is kept.
# No `deps` here: installing must not pull compilers, -dev packages or a browser onto a clinic
# PC (build elsewhere, or better, install the .deb: make deb). Binaries are stripped.
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib/cancuoc
DOCDIR ?= $(PREFIX)/share/doc/cancuoc
MANDIR ?= $(PREFIX)/share/man
UNITDIR ?= /usr/lib/systemd/system

STRIP ?= strip

# Manual pages come from the commands' own help text: swift-argument-parser's generate-manual
# (the tool behind its `swift package generate-manual` plugin, built here as a product so that
# the plugin's own release build does not relink the binaries being installed), dated by the
# last commit so a rebuilt package is identical.
# Only the two products (a plain `swift build` would also build the benchmark and the test
# support libraries, which nothing installed needs).
install:
	$(SWIFT) build $(RELEASE) --product cancuocd
	$(SWIFT) build $(RELEASE) --product cancuoc
	$(SWIFT) build $(RELEASE) --product generate-manual
	@set -e; bin=$$($(SWIFT) build $(RELEASE) --show-bin-path); \
	man=$$(mktemp -d /tmp/cancuoc-man.XXXXXX); trap 'rm -rf "$$man"' EXIT; \
	date=$$(git log -1 --format=%cs 2>/dev/null || date -u +%F); \
	install -d "$(DESTDIR)$(MANDIR)/man1"; \
	for tool in cancuoc cancuocd; do \
	  "$$bin/generate-manual" "$$bin/$$tool" --date "$$date" --section 1 --output-directory "$$man"; \
	  gzip -9n -c "$$man/$$tool.1" > "$(DESTDIR)$(MANDIR)/man1/$$tool.1.gz"; \
	  chmod 644 "$(DESTDIR)$(MANDIR)/man1/$$tool.1.gz"; \
	done; \
	install -Dm755 -s --strip-program=$(STRIP) "$$bin/cancuocd" "$(DESTDIR)$(BINDIR)/cancuocd"; \
	install -Dm755 -s --strip-program=$(STRIP) "$$bin/cancuoc" "$(DESTDIR)$(LIBDIR)/cancuoc"; \
	rm -rf "$(DESTDIR)$(LIBDIR)/cancuoc_CardSimulator.resources"; \
	cp -r "$$bin/cancuoc_CardSimulator.resources" "$(DESTDIR)$(LIBDIR)/"; \
	ln -sfn "$(LIBDIR)/cancuoc" "$(DESTDIR)$(BINDIR)/cancuoc"; \
	install -d "$(DESTDIR)$(UNITDIR)"; \
	sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|/usr/local/share/doc/cancuoc|$(DOCDIR)|g' systemd/cancuocd.service \
	  > "$(DESTDIR)$(UNITDIR)/cancuocd.service"; \
	sed -e 's|/usr/local/share/doc/cancuoc|$(DOCDIR)|g' systemd/cancuocd.socket > "$(DESTDIR)$(UNITDIR)/cancuocd.socket"; \
	sed -e 's|/usr/local/share/doc/cancuoc|$(DOCDIR)|g' systemd/cancuocd-web.socket > "$(DESTDIR)$(UNITDIR)/cancuocd-web.socket"; \
	chmod 644 "$(DESTDIR)$(UNITDIR)/cancuocd.service" "$(DESTDIR)$(UNITDIR)/cancuocd.socket" "$(DESTDIR)$(UNITDIR)/cancuocd-web.socket"; \
	sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|/usr/local/share/doc/cancuoc|$(DOCDIR)|g' systemd/cancuoc-crl-update.service \
	  > "$(DESTDIR)$(UNITDIR)/cancuoc-crl-update.service"; \
	sed -e 's|/usr/local/share/doc/cancuoc|$(DOCDIR)|g' systemd/cancuoc-crl-update.timer > "$(DESTDIR)$(UNITDIR)/cancuoc-crl-update.timer"; \
	chmod 644 "$(DESTDIR)$(UNITDIR)/cancuoc-crl-update.service" "$(DESTDIR)$(UNITDIR)/cancuoc-crl-update.timer"; \
	install -Dm644 clients/js/cancuoc.js "$(DESTDIR)$(PREFIX)/share/cancuoc/clients/js/cancuoc.js"; \
	for f in index.html reception.js reception.css; do install -Dm644 "clients/web/$$f" "$(DESTDIR)$(PREFIX)/share/cancuoc/clients/web/$$f"; done; \
	install -Dm644 systemd/cancuocd-camera.conf "$(DESTDIR)$(PREFIX)/share/cancuoc/systemd/cancuocd-camera.conf"; \
	install -Dm644 systemd/cancuoc.sysusers "$(DESTDIR)/usr/lib/sysusers.d/cancuoc.conf"; \
	install -Dm644 udev/70-cancuoc.rules "$(DESTDIR)/usr/lib/udev/rules.d/70-cancuoc.rules"; \
	install -Dm644 polkit/60-cancuoc.rules "$(DESTDIR)/usr/share/polkit-1/rules.d/60-cancuoc.rules"; \
	install -d -m755 "$(DESTDIR)/etc/cancuoc" "$(DESTDIR)/etc/cancuoc/trust" "$(DESTDIR)/etc/cancuoc/cancuocd.json.d"; \
	if [ -e "$(DESTDIR)/etc/cancuoc/cancuocd.json" ]; then \
	  echo "keeping $(DESTDIR)/etc/cancuoc/cancuocd.json (the new defaults are in $(DOCDIR)/cancuocd.json)"; \
	else install -m644 config/cancuocd.json "$(DESTDIR)/etc/cancuoc/cancuocd.json"; fi; \
	install -d "$(DESTDIR)$(DOCDIR)"; \
	install -m644 README.md docs/*.md config/cancuocd.json examples/his_client.py "$(DESTDIR)$(DOCDIR)/"; \
	install -d "$(DESTDIR)$(DOCDIR)/contrib/prometheus"; \
	install -m644 contrib/prometheus/* "$(DESTDIR)$(DOCDIR)/contrib/prometheus/"; \
	echo "installed into $(DESTDIR)$(PREFIX); next: systemd-sysusers, udevadm control --reload, systemctl daemon-reload, systemctl enable --now cancuocd.socket cancuocd-web.socket"

# A DESTDIR install, checked with systemd-analyze verify and security (exposure ≤ 2.0).
install-check:
	rm -rf "$(CURDIR)/.build-install-check"
	$(MAKE) install DESTDIR="$(CURDIR)/.build-install-check"
	scripts/verify-units.sh "$(CURDIR)/.build-install-check" "$(UNITDIR)"

# The Debian package (docs/operations.md): a staged `make install` with PREFIX=/usr, the
# maintainer scripts of debian/, dpkg-deb. → dist/cancuoc_VERSION_ARCH.deb, checked by lintian.
VERSION := $(shell sed -n 's/.*static let version = "\(.*\)"/\1/p' Sources/CardService/Product.swift)
DEB_VERSION ?= $(VERSION)+git$(shell git rev-list --count HEAD 2>/dev/null || echo 0)
DEB_STAGE = $(CURDIR)/.build-deb/stage

deb: build-deps system-test-deps
	@[ -n "$(VERSION)" ] || { echo "make deb: no version in Sources/CardService/Product.swift" >&2; exit 1; }
	rm -rf "$(DEB_STAGE)" "$(CURDIR)"/dist/cancuoc_*.deb
	$(MAKE) --no-print-directory install DESTDIR="$(DEB_STAGE)" PREFIX=/usr
	deb=$$(scripts/make-deb.sh "$(DEB_STAGE)" "$(DEB_VERSION)" "$(CURDIR)/dist") && \
	  ls -l "$$deb" && lintian --fail-on error "$$deb"
	$(MAKE) --no-print-directory face-deb

# The second package, cancuoc-face (docs/face-check.md): the sandboxed matcher (release, libdlib.a linked
# in) and the two checked model files. → dist/cancuoc-face_VERSION_ARCH.deb, checked by lintian.
face-deb: build-deps system-test-deps
	rm -f "$(CURDIR)"/dist/cancuoc-face_*.deb
	@scripts/face-assets.sh --quiet
	$(SWIFT) build $(RELEASE) --product cancuoc-face-matcher
	deb=$$(scripts/make-face-deb.sh "$$($(SWIFT) build $(RELEASE) --show-bin-path)/cancuoc-face-matcher" \
	  "$(CURDIR)/.build/face/models" "$(DEB_VERSION)" "$(CURDIR)/dist") && \
	  ls -l "$$deb" && lintian --fail-on error "$$deb"

# The province's signed apt repository (docs/fleet.md): reprepro, bookworm and trixie, signed by
# REPO_KEY (a key id or fingerprint in GNUPGHOME; never committed), for clinics that reach it at
# REPO_URL; also dist/cancuoc-repo-PROVINCE_1_all.deb, the clinic package with the key and the
# deb822 .sources. → dist/repo/ (publish it) and dist/repo-state/ (keep it with the key).
PROVINCE ?= province
repo: deb
	@[ -n "$(REPO_KEY)" ] && [ -n "$(REPO_URL)" ] || { echo "make repo: set REPO_KEY=FINGERPRINT and REPO_URL=https://… (docs/fleet.md)" >&2; exit 2; }
	scripts/make-repo.sh --key "$(REPO_KEY)" --url "$(REPO_URL)" --province "$(PROVINCE)" \
	  "$(CURDIR)/dist/cancuoc_$(DEB_VERSION)_$$(dpkg --print-architecture).deb"

# The .deb installed and run under a real systemd: Debian 12 and 13 roots (debootstrap, cached
# in .build-system-test/), booted with systemd-nspawn. SYSTEM_TEST_RELEASES picks releases.
SYSTEM_TEST_RELEASES ?= bookworm trixie
system-test: deb
	scripts/system-test.sh "$(CURDIR)/dist/cancuoc_$(DEB_VERSION)_$$(dpkg --print-architecture).deb" $(SYSTEM_TEST_RELEASES)

# Fuzzing (docs/fuzzing.md): libFuzzer + ASan build of Fuzz/ (a separate package), every target for
# FUZZ_SECONDS (default 60) each; FUZZ_TARGETS="tlv dg13" picks some. See docs/fuzzing.md.
FUZZ_SECONDS ?= 60
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_TARGETS="$(FUZZ_TARGETS)" SWIFT=$(SWIFT) Fuzz/run.sh
