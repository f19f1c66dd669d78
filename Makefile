# Jiekun — the two commands of the README, and what they are made of.
#   make demo   run the main job (installs what is missing, builds in release mode)
#   make test   build, lint and run every test (installs what is missing)
# Run as root on a fresh Debian machine; Swift is expected at /opt/swift or on PATH.

SHELL := /bin/bash
export PATH := /opt/swift/usr/bin:$(PATH)
SWIFT ?= swift
SOURCES := Package.swift Services Shared Tests $(wildcard Benchmarks)

.PHONY: demo test deps build build-release lint test-only bench clean

APT_PACKAGES := libzmq3-dev libsqlite3-dev

## deps: install the C libraries (libzmq, SQLite) when missing, refreshing the package lists first.
deps:
	@missing=""; for package in $(APT_PACKAGES); do \
		dpkg -s $$package >/dev/null 2>&1 || missing="$$missing $$package"; done; \
	if [ -n "$$missing" ]; then \
		echo "==> installing$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi
	@python3 -c 'import cloudevents' 2>/dev/null || { echo "==> installing the CloudEvents Python SDK"; \
		python3 -m pip install --quiet cloudevents; }
	@python3 -c 'import jsonschema' 2>/dev/null || { echo "==> installing jsonschema (the event schema tests)"; \
		python3 -m pip install --quiet jsonschema; }

## build: debug build; fails on any warning in the project's own sources.
build: deps
	@set -o pipefail; $(SWIFT) build --build-tests 2>&1 | tee build-log.txt
	@if grep -E "/(Services|Shared|Tests|Benchmarks)/[^:]*:[0-9]+:[0-9]+: warning:" build-log.txt; then \
		echo "error: the build printed warnings in the project's own sources (listed above)"; exit 1; fi

build-release: deps
	$(SWIFT) build -c release

lint:
	$(SWIFT) format lint --strict --recursive $(SOURCES)

test-only:
	$(SWIFT) test --skip-build

test: build lint test-only

demo: build-release
	@./.build/release/jiekun demo

clean:
	rm -rf .build
