#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# bench/wssec_vs_openssl.sh — WS-Security throughput on one core (bench/wssec_bench.cpp: sign,
# verify, encrypt, decrypt, verify+decrypt of a ~2 KB InitialDP envelope) printed next to
# `openssl speed -seconds 3 ecdsap256`, the same primitive without XML.
# Rates use CPU time (google-benchmark cpu_time; openssl speed divides by CPU user time too), so
# a loaded machine skews them less. The last line is machine-readable:
#   BENCH wssec sign_verify=<round trips/s> openssl_sign_verify=<pairs/s> ratio=<wssec/openssl>
# where a round trip is BM_WssEcdsaP256SignThenVerify (sign an envelope, verify it) and an openssl
# pair is one sign plus one verify: 1 / (1/sign_per_s + 1/verify_per_s). Target: ratio >= 0.70.
# It also prints the libxml2 floor (BM_XmlFloorParseAndC14N: parse the signed envelope and run
# libxml2's exclusive C14N over Body, Timestamp and SignedInfo, no xmlsec, no crypto) and the best
# ratio any libxml2-based implementation could reach: a round trip does that floor at least twice
# (signer and verifier), so its rate is at most 1 / (1/openssl_pair + 2 * floor_seconds).
#
# Usage: bench/wssec_vs_openssl.sh [PATH/TO/insip_micro_bench]   (default build/bench/...)
# Environment: OPENSSL_SECONDS [3], BENCH_MIN_TIME [1] (google-benchmark --benchmark_min_time).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${1:-$root/build/bench/insip_micro_bench}"
if [[ ! -x "$bin" ]]; then
  echo "usage: $0 PATH/TO/insip_micro_bench (not found: $bin)" >&2
  exit 2
fi
export INSIP_XMLSEC_KEYS="${INSIP_XMLSEC_KEYS:-$root/tests/data/xmlsec/keys}"

csv="$(mktemp)"
trap 'rm -f "$csv"' EXIT
"$bin" --benchmark_filter='Wss|RawEcdsa|XmlFloor' --benchmark_min_time="${BENCH_MIN_TIME:-1}" \
  --benchmark_format=csv >"$csv" 2>/dev/null

# name,iterations,real_time,cpu_time,time_unit,...  -> "name per_second cpu_us"
rates="$(awk -F, '/^"BM_/ {
    gsub(/"/, "", $1); t = $4; u = $5;
    s = (u == "ns") ? t / 1e9 : (u == "us") ? t / 1e6 : (u == "ms") ? t / 1e3 : t;
    printf "%s %.1f %.1f\n", $1, 1 / s, s * 1e6 }' "$csv")"
if [[ -z "$rates" ]]; then
  echo "no benchmark results (is $bin built with wssec_bench.cpp?)" >&2
  exit 1
fi

speed="$(openssl speed -seconds "${OPENSSL_SECONDS:-3}" ecdsap256 2>/dev/null | awk '/ecdsa \(nistp256\)/ { print $(NF-1), $NF }')"
read -r ossl_sign ossl_verify <<<"$speed"
ossl_pair="$(awk -v s="$ossl_sign" -v v="$ossl_verify" 'BEGIN { printf "%.1f", 1 / (1 / s + 1 / v) }')"

printf '%-32s %12s %12s\n' "benchmark (one core, CPU time)" "per second" "us each"
while read -r name per_s us; do
  printf '%-32s %12s %12s\n' "$name" "$per_s" "$us"
done <<<"$rates"
printf '%-32s %12s\n' "openssl speed ecdsap256 sign" "$ossl_sign"
printf '%-32s %12s\n' "openssl speed ecdsap256 verify" "$ossl_verify"
printf '%-32s %12s\n' "openssl sign+verify pair" "$ossl_pair"

rate_of() { awk -v n="$1" '$1 == n { print $2 }' <<<"$rates"; }
wss="$(rate_of BM_WssEcdsaP256SignThenVerify)"
raw="$(rate_of BM_RawEcdsaP256SignVerify)"
floor="$(rate_of BM_XmlFloorParseAndC14N)"
awk -v w="$wss" -v r="$raw" -v o="$ossl_pair" -v f="$floor" 'BEGIN {
  printf "WS-Security sign+verify / in-process raw EVP sign+verify: %.2f\n", w / r
  best = 1 / (1 / o + 2 / f)
  printf "libxml2 floor ceiling: at most %.1f round trips/s, ratio <= %.2f\n", best, best / o
  printf "BENCH wssec sign_verify=%.1f openssl_sign_verify=%.1f ratio=%.2f\n", w, o, w / o }'
