# Jiekun — the two commands of the README, and what they are made of.
#   make demo   run the main job (installs what is missing, builds in release mode)
#   make test   build, lint and run every test (installs what is missing)
# Run as root on a fresh Debian machine; Swift is expected at /opt/swift or on PATH.

SHELL := /bin/bash
export PATH := /opt/swift/usr/bin:$(PATH)
SWIFT ?= swift
SOURCES := Package.swift Services Shared Tests $(wildcard Benchmarks)

.PHONY: demo test deps test-deps build build-release lint test-only bench clean powercut-soak

APT_PACKAGES := libzmq3-dev libsqlite3-dev libssl-dev
## The browser test's headless Chromium, its WebDriver and a CJK font for its screenshots (Tests/WorkbenchTests/BrowserTests.swift).
TEST_APT_PACKAGES := chromium chromium-driver fonts-noto-cjk

## deps: install the C libraries (libzmq, SQLite) when missing, refreshing the package lists first.
deps:
	@missing=""; for package in $(APT_PACKAGES); do \
		dpkg -s $$package >/dev/null 2>&1 || missing="$$missing $$package"; done; \
	if [ -n "$$missing" ]; then \
		echo "==> installing$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

## test-deps: what some tests drive or cross-check against (never used by the product): headless Chromium and
## chromium-driver (the workbench's browser test), and for Python the CloudEvents SDK, jsonschema and selenium.
## Debian's own python3 refuses pip installs (PEP 668) unless told otherwise.
test-deps: deps
	@missing=""; for package in $(TEST_APT_PACKAGES); do \
		dpkg -s $$package >/dev/null 2>&1 || missing="$$missing $$package"; done; \
	if [ -n "$$missing" ]; then \
		echo "==> installing$$missing (the browser test)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi
	@for module in cloudevents jsonschema selenium; do \
		python3 -c "import $$module" 2>/dev/null && continue; \
		echo "==> installing $$module for Python (test cross-checks only)"; \
		python3 -m pip --version >/dev/null 2>&1 || { apt-get update -qq && \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-pip >/dev/null; }; \
		python3 -m pip install --quiet $$module 2>/dev/null || \
			python3 -m pip install --quiet --break-system-packages $$module; \
	done

## build: debug build; fails on any warning in the project's own sources.
build: test-deps
	@set -o pipefail; $(SWIFT) build --build-tests 2>&1 | tee build-log.txt
	@if grep -E "/(Services|Shared|Tests|Benchmarks)/[^:]*:[0-9]+:[0-9]+: warning:" build-log.txt; then \
		echo "error: the build printed warnings in the project's own sources (listed above)"; exit 1; fi

build-release: deps
	$(SWIFT) build -c release

lint:
	$(SWIFT) format lint --strict --recursive $(SOURCES)

## test-only: one test at a time. Many tests run real processes and sockets with deadlines; run in parallel on
## two cores they starve each other (and the Swift concurrency pool) and their deadlines become flaky.
test-only:
	$(SWIFT) test --skip-build --no-parallel

test: build lint test-only

## powercut-soak: the power-cut test with many seeds, by hand after `make build` (make test runs seeds 1–3).
##   make powercut-soak SEEDS=30 FIRST_SEED=4 HOUSEHOLDS=200
SEEDS ?= 30
FIRST_SEED ?= 4
HOUSEHOLDS ?= 200
powercut-soak:
	JIEKUN_POWERCUT_SEEDS=$(SEEDS) JIEKUN_POWERCUT_FIRST_SEED=$(FIRST_SEED) JIEKUN_POWERCUT_HOUSEHOLDS=$(HOUSEHOLDS) \
		$(SWIFT) test --skip-build --no-parallel --filter PowerCutTests

demo: build-release
	@./.build/release/jiekun demo

clean:
	rm -rf .build
