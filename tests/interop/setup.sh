#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Installs the independent WS-Security peers used by tests/integration/test_wss_interop.py:
#   * npm xml-crypto / xml-encryption (exact versions from package-lock.json, `npm ci`),
#   * the JDK 17 XML Signature API (WssPeer.java -> build/classes),
#   * Apache Santuario C++ 2.0 (xsec-peer.cpp -> build/xsec-peer).
# Debian packages (nodejs, default-jdk-headless, libxml-security-c-dev, libxerces-c-dev) come from
# `make setup`; run as root, this script installs any that are missing itself. Idempotent and
# fast when everything is in place; exits non-zero, saying what is missing, when a peer cannot
# be installed.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here"

missing=()
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
{ command -v javac >/dev/null && command -v java >/dev/null; } || missing+=(default-jdk-headless)
command -v g++ >/dev/null || missing+=(g++)
command -v pkg-config >/dev/null || missing+=(pkg-config)
for p in libxml-security-c-dev libxerces-c-dev libssl-dev; do
  dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" != 0 ]; then
    echo "setup.sh: missing ${missing[*]}; run as root: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "setup.sh: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
if ((node_major < 18)); then
  echo "setup.sh: Node >= 18 needed, found $(node --version)" >&2
  exit 1
fi

# npm ci only when the lockfile changed since the last install (stamp inside node_modules).
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
stamp=node_modules/.insip-lock-sha256
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_sum" ]; then
  echo "setup.sh: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_sum" >"$stamp"
fi

mkdir -p build
# Build into a temporary name and rename, so a concurrent or interrupted run never leaves a
# half-written peer behind.
if [ ! -f build/classes/WssPeer.class ] || [ WssPeer.java -nt build/classes/WssPeer.class ]; then
  echo "setup.sh: javac WssPeer.java"
  rm -rf build/classes.tmp
  mkdir -p build/classes.tmp
  javac -Xlint:all -Werror -d build/classes.tmp WssPeer.java
  rm -rf build/classes
  mv build/classes.tmp build/classes
fi
if [ ! -x build/xsec-peer ] || [ xsec-peer.cpp -nt build/xsec-peer ]; then
  echo "setup.sh: g++ xsec-peer.cpp"
  # shellcheck disable=SC2046
  g++ -std=c++17 -O1 -Wall -Wextra -Werror -o build/xsec-peer.tmp xsec-peer.cpp \
    $(pkg-config --cflags --libs xml-security-c xerces-c openssl)
  mv build/xsec-peer.tmp build/xsec-peer
fi
echo "setup.sh: peers ready (node $(node --version), $(javac -version 2>&1), Santuario C++ $(pkg-config --modversion xml-security-c))"
