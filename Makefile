# insip — top-level entry points. `make demo` and `make test` work on a fresh Debian 12 as root.
SHELL := /bin/bash
BUILD ?= build
JOBS  ?= $(shell nproc)
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo

# Debian packages needed to build, test, demo and benchmark.
PACKAGES := build-essential cmake ninja-build pkg-config clang-14 \
  libboost1.81-dev libssl-dev libsqlite3-dev sqlite3 libtomlplusplus-dev libcli11-dev \
  libspdlog-dev libfmt-dev libgtest-dev libgmock-dev libbenchmark-dev libjemalloc-dev \
  sip-tester sipvicious python3 openssl libxmlsec1-dev libxml2-dev \
  nodejs default-jdk-headless libxml-security-c-dev libxerces-c-dev

.PHONY: setup build test demo bench bench-wssec clean fuzz fuzz-ci fuzz-build test-asan

setup:
	@missing=$$(for p in $(PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -z "$$missing" ]; then echo "setup: all packages present"; \
	elif [ "$$(id -u)" = 0 ]; then echo "setup: installing $$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "setup: missing packages; run as root:"; echo "  apt-get install -y $$missing"; exit 1; fi

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS)

build: setup $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 600

demo: build
	python3 tests/demo/demo.py --bin $(BUILD)/src/app/insip

bench: build
	bash bench/wssec_vs_openssl.sh $(BUILD)/bench/insip_micro_bench
	bash bench/run.sh --bin $(BUILD)/src/app/insip

bench-wssec: build
	bash bench/wssec_vs_openssl.sh $(BUILD)/bench/insip_micro_bench

clean:
	rm -rf $(BUILD)

# --- Hostile input (issue 3): libFuzzer targets (tests/fuzz) and the suite under ASan + UBSan ---
FUZZ_BUILD   ?= build-fuzz
FUZZ_SECONDS ?= 300
FUZZ_CXX     ?= clang++-14
ASAN_BUILD   ?= build-asan

# Configured every time (cheap) so that an existing directory always gets the right options.
fuzz-build: setup
	cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_CXX_COMPILER=$(FUZZ_CXX) -DINSIP_FUZZ=ON -DINSIP_SANITIZE=ON -DINSIP_TESTS=OFF -DINSIP_BENCH=OFF
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzzers

# Replays the committed corpus, then fuzzes each target FUZZ_SECONDS; non-zero exit on a finding.
fuzz: fuzz-build
	bash tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) --replay

fuzz-ci: fuzz-build
	bash tests/fuzz/run.sh $(FUZZ_BUILD) 60 --replay

test-asan: setup
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DINSIP_SANITIZE=ON -DINSIP_BENCH=OFF
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS) --timeout 900
