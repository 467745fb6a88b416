# insip — top-level entry points. `make demo` and `make test` work on a fresh Debian 12 as root.
SHELL := /bin/bash
BUILD ?= build
JOBS  ?= $(shell nproc)
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo

# Debian packages needed to build, test, demo and benchmark.
PACKAGES := build-essential cmake ninja-build pkg-config clang-14 \
  libboost1.81-dev libssl-dev libsqlite3-dev sqlite3 libtomlplusplus-dev libcli11-dev \
  libspdlog-dev libfmt-dev libgtest-dev libgmock-dev libbenchmark-dev \
  sip-tester python3 openssl libxmlsec1-dev libxml2-dev

.PHONY: setup build test demo bench clean

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
	bash bench/run.sh --bin $(BUILD)/src/app/insip

clean:
	rm -rf $(BUILD)
