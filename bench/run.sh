#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# bench/run.sh — side-by-side SIPp benchmark of insip against Kamailio 5.6 on this machine.
#
# Two workloads, each run against both servers in one invocation:
#   register  REGISTER -> 401 -> REGISTER+Authorization -> 200             (sipp/register.xml)
#   call      INVITE -> 407 -> ACK, INVITE+Proxy-Authorization -> 100/180/200 -> ACK,
#             BYE -> 200, through the proxy to a SIPp UAS          (sipp/call-uac.xml, call-uas.xml)
# For each (server, workload) a rate search finds the highest rate at which a whole step is
# clean: sipp exit 0, 0 failed calls, 0 retransmissions, achieved >= 97 % of the target.
# The last lines printed are, one per workload:
#   BENCH <workload> insip=<calls/s> kamailio=<calls/s> ratio=<insip/kamailio>
#
# Usage: bench/run.sh --bin PATH/TO/insip [--quick] [--servers "kamailio insip"]
#                     [--workloads "register call"] [--no-install]
# Environment (defaults in brackets; see bench/README.md):
#   BENCH_STEP_S [20; 5 with --quick]   seconds of traffic per step
#   BENCH_USERS [1000; 100 with --quick] subscribers user0000.. (password pw-<user>)
#   BENCH_START_REGISTER [500] BENCH_START_CALL [200]   first rate of each search
#   BENCH_MAX_REGISTER [64000] BENCH_MAX_CALL [16000]    the ramp stops here
#   BENCH_BISECT [3; 1 with --quick]    bisection steps after the first unclean step
#   BENCH_PRECISION [0.125]             stop bisecting when (hi-lo)/hi is at most this
#   BENCH_SETTLE_S [2]                  pause before each step
#   BENCH_CONFIRM [1; 0 with --quick]  extra tries of an unclean rate before it counts as unclean
#   BENCH_KAMAILIO_WORKERS [4]          kamailio -n
#   BENCH_PORT [5060]                   proxy port (the next free one is used if busy)
#   BENCH_RUN_DIR [mktemp -d /tmp/insip-bench.XXXXXX]  where configs, DBs and sipp logs go
# Everything binds to 127.0.0.1. Every process started here is stopped by its PID on exit.

# The whole script is one { ... } block, so bash reads it completely before running any of it:
# editing this file during a run cannot change the run.
{
set -u -o pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BIN=""
QUICK=0
INSTALL=1
SERVERS="kamailio insip"
WORKLOADS="register call"

usage() { awk 'NR > 3 && /^#/ { sub(/^# ?/, ""); print; next } NR > 3 { exit }' "${BASH_SOURCE[0]}"; }

while [ $# -gt 0 ]; do
  case "$1" in
    --bin) BIN=$2; shift 2 ;;
    --quick) QUICK=1; shift ;;
    --servers) SERVERS=$2; shift 2 ;;
    --workloads) WORKLOADS=$2; shift 2 ;;
    --no-install) INSTALL=0; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "run.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done

if [ "$QUICK" = 1 ]; then
  STEP_S=${BENCH_STEP_S:-5}
  USERS=${BENCH_USERS:-100}
  BISECT=${BENCH_BISECT:-1}
else
  STEP_S=${BENCH_STEP_S:-20}
  USERS=${BENCH_USERS:-1000}
  BISECT=${BENCH_BISECT:-3}
fi
START_REGISTER=${BENCH_START_REGISTER:-500}
START_CALL=${BENCH_START_CALL:-200}
MAX_REGISTER=${BENCH_MAX_REGISTER:-64000}
MAX_CALL=${BENCH_MAX_CALL:-16000}
PRECISION=${BENCH_PRECISION:-0.125}
SETTLE_S=${BENCH_SETTLE_S:-2}
CONFIRM=${BENCH_CONFIRM:-$((1 - QUICK))}
KAM_WORKERS=${BENCH_KAMAILIO_WORKERS:-4}
REALM=example.test
HOST=127.0.0.1

for s in $SERVERS; do
  case $s in kamailio | insip) ;; *) echo "run.sh: unknown server '$s'" >&2; exit 2 ;; esac
done
for w in $WORKLOADS; do
  case $w in register | call) ;; *) echo "run.sh: unknown workload '$w'" >&2; exit 2 ;; esac
done
if [[ " $SERVERS " == *" insip "* ]]; then
  [ -n "$BIN" ] || { echo "run.sh: --bin PATH/TO/insip is required (or --servers kamailio)" >&2; exit 2; }
  [ -x "$BIN" ] || { echo "run.sh: $BIN is not an executable" >&2; exit 2; }
  BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
fi

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# ------------------------------------------------------------------ process bookkeeping
SERVER_PID=""
SERVER_NAME=""
UAS_PID=""
UAC_PID=""
MADE_POLICY=0

stop_pid() { # pid [grace seconds]: SIGTERM, wait, then SIGKILL
  local pid=$1 grace=${2:-5} i
  [ -n "$pid" ] || return 0
  kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
  kill -TERM "$pid" 2>/dev/null
  for ((i = 0; i < grace * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  return 0
}

cleanup() {
  stop_pid "$UAC_PID" 2; UAC_PID=""
  stop_pid "$UAS_PID" 2; UAS_PID=""
  stop_pid "$SERVER_PID" 5; SERVER_PID=""
  if [ "$MADE_POLICY" = 1 ]; then rm -f /usr/sbin/policy-rc.d; MADE_POLICY=0; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------------ packages
need_pkgs="sip-tester procps iproute2"
[[ " $SERVERS " == *" kamailio "* ]] && need_pkgs="kamailio kamailio-sqlite-modules sqlite3 $need_pkgs"
missing=""
for p in $need_pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  [ "$INSTALL" = 1 ] || die "missing packages:$missing (run without --no-install, as root)"
  [ "$(id -u)" = 0 ] || die "missing packages:$missing; as root: apt-get install -y$missing"
  log "installing:$missing"
  # The kamailio package would start the stock service (listening on every interface);
  # a temporary policy-rc.d forbids that, and is removed again straight after.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    MADE_POLICY=1
  fi
  apt-get update -qq || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing ||
    die "apt-get install failed"
  if [ "$MADE_POLICY" = 1 ]; then rm -f /usr/sbin/policy-rc.d; MADE_POLICY=0; fi
fi
for b in sipp ss awk; do command -v "$b" >/dev/null || die "missing command $b"; done
if [[ " $SERVERS " == *" kamailio "* ]]; then
  for b in kamailio sqlite3; do command -v "$b" >/dev/null || die "missing command $b"; done
fi

# ------------------------------------------------------------------ run directory, ports
RUN=${BENCH_RUN_DIR:-$(mktemp -d /tmp/insip-bench.XXXXXX)}
mkdir -p "$RUN" || die "cannot create $RUN"
RUN=$(cd "$RUN" && pwd)
log "run directory: $RUN"

udp_port_busy() { ss -Hlun "( sport = :$1 )" 2>/dev/null | grep -q .; }
pick_port() { # first port >= $1, in steps of $2, with it and the next two UDP ports free
  local p=$1 step=$2 i
  for ((i = 0; i < 200; i++)); do
    if ! udp_port_busy "$p" && ! udp_port_busy $((p + 1)) && ! udp_port_busy $((p + 2)); then
      echo "$p"
      return 0
    fi
    p=$((p + step))
  done
  return 1
}
# disjoint ranges: proxy from BENCH_PORT, UAC +3.., UAS +10.., media 16000.. / 16100..
PROXY_PORT=$(pick_port "${BENCH_PORT:-5060}" 1) || die "no free UDP port for the proxy"
UAC_PORT=$(pick_port $((PROXY_PORT + 3)) 1) || die "no free UDP port for the sipp UAC"
[ "$UAC_PORT" -lt $((PROXY_PORT + 10)) ] || die "no free UDP port for the sipp UAC"
UAS_PORT=$(pick_port $((PROXY_PORT + 10)) 1) || die "no free UDP port for the sipp UAS"
UAC_MEDIA=$(pick_port 16000 4) || die "no free media port"
UAS_MEDIA=$(pick_port $((UAC_MEDIA + 100)) 4) || die "no free media port"
log "ports: proxy $HOST:$PROXY_PORT  uac $UAC_PORT  uas $UAS_PORT"

# ------------------------------------------------------------------ users
# field3 carries the whole SIPp auth keyword: SIPp 3.6 cannot expand [fieldN] inside it.
USERS_CSV="$RUN/users.csv"
{
  echo "SEQUENTIAL"
  for ((i = 0; i < USERS; i++)); do
    u=$(printf 'user%04d' "$i")
    echo "$u;pw-$u;$REALM;[authentication username=$u password=pw-$u]"
  done
} >"$USERS_CSV"

make_kamailio_db() {
  local db="$RUN/kamailio/subscriber.sqlite"
  mkdir -p "$RUN/kamailio"
  rm -f "$db"
  {
    echo "CREATE TABLE subscriber (id INTEGER PRIMARY KEY, username VARCHAR(64) NOT NULL DEFAULT '',"
    echo "  domain VARCHAR(64) NOT NULL DEFAULT '', password VARCHAR(64) NOT NULL DEFAULT '',"
    echo "  ha1 VARCHAR(128) NOT NULL DEFAULT '', ha1b VARCHAR(128) NOT NULL DEFAULT '',"
    echo "  UNIQUE (username, domain));"
    echo "BEGIN;"
    tail -n +2 "$USERS_CSV" | while IFS=';' read -r u p d _; do
      ha1=$(printf '%s:%s:%s' "$u" "$d" "$p" | md5sum)
      echo "INSERT INTO subscriber (username, domain, password, ha1) VALUES ('$u', '$d', '$p', '${ha1%% *}');"
    done
    echo "COMMIT;"
  } | sqlite3 "$db" || die "cannot build $db"
  log "kamailio: $(sqlite3 "$db" 'SELECT count(*) FROM subscriber') subscribers in $db"
}

INSIP_CFG="$RUN/insip/insip.toml"
make_insip_config() {
  mkdir -p "$RUN/insip"
  cat >"$INSIP_CFG" <<EOF
# generated by bench/run.sh — insip set up like bench/kamailio.cfg
[listen]
address = "$HOST"
port = $PROXY_PORT
udp = true
tcp = false

[auth]
realm = "$REALM"
# MD5 only, like Kamailio's auth module, so both do the same digest work
algorithms = ["MD5"]
nonce_ttl_s = 300
# no lockout (Kamailio has none)
max_failures = 0
credentials_db = "users.sqlite"
secret_file = "secret.key"

[registrar]
min_expires_s = 60
max_expires_s = 3600
default_expires_s = 3600
max_contacts_per_aor = 10
bindings_db = "bindings.sqlite"

[proxy]
domains = ["$REALM"]
record_route = true

[limits]
# Server transactions live on for Timer J (64*T1 = 32 s over UDP, RFC 3261 §17.2.2) after the
# reply; at N registrations/s that is about 64*N transactions, so the default (100000) would
# answer 503 above ~1500 registrations/s. Kamailio's counterpart is its 512 MB of shared memory.
max_transactions = 2000000

[log]
level = "warn"
messages = false
EOF
  local t0=$SECONDS n=0 u
  while IFS=';' read -r u p _ _; do
    [ "$u" = SEQUENTIAL ] && continue
    printf '%s\n' "$p" | "$BIN" user add "$u" --config "$INSIP_CFG" --realm "$REALM" --force \
      >>"$RUN/insip/user-add.log" 2>&1 || { log "insip user add $u failed:"; tail -5 "$RUN/insip/user-add.log" >&2; return 1; }
    n=$((n + 1))
  done <"$USERS_CSV"
  log "insip: $n users added in $((SECONDS - t0)) s ($RUN/insip/users.sqlite)"
}

# ------------------------------------------------------------------ servers
wait_listening() { # pid port: wait until the pid (or its children) listens on the UDP port
  local pid=$1 port=$2 i
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || return 1
    udp_port_busy "$port" && return 0
    sleep 0.1
  done
  return 1
}

start_server() { # kamailio|insip
  local name=$1
  SERVER_NAME=$name
  case $name in
    kamailio)
      local args=(-f "$HERE/kamailio.cfg" -DD -E -n "$KAM_WORKERS" -m 512 -M 32
        -A "BENCH_LISTEN=udp:$HOST:$PROXY_PORT"
        -A "BENCH_DB_URL=\"sqlite://$RUN/kamailio/subscriber.sqlite\""
        -A "BENCH_CTL=\"unix:$RUN/kamailio/kamailio.ctl\"")
      kamailio "${args[@]}" -c >"$RUN/kamailio/check.log" 2>&1 ||
        { cat "$RUN/kamailio/check.log" >&2; die "kamailio rejected bench/kamailio.cfg"; }
      kamailio "${args[@]}" >>"$RUN/kamailio/kamailio.log" 2>&1 &
      SERVER_PID=$!
      ;;
    insip)
      "$BIN" proxy --config "$INSIP_CFG" >>"$RUN/insip/insip.log" 2>&1 &
      SERVER_PID=$!
      ;;
  esac
  if ! wait_listening "$SERVER_PID" "$PROXY_PORT"; then
    log "$name did not come up on $HOST:$PROXY_PORT; last log lines:"
    tail -20 "$RUN/$name/$name.log" >&2
    stop_pid "$SERVER_PID"; SERVER_PID=""
    return 1
  fi
  sleep 0.5
}
stop_server() { stop_pid "$SERVER_PID" 5; SERVER_PID=""; }

server_pids() { # the server and its children (kamailio forks its workers)
  [ -n "$SERVER_PID" ] || return 0
  echo "$SERVER_PID" $(ps -o pid= --ppid "$SERVER_PID" 2>/dev/null)
}

start_uas() {
  mkdir -p "$RUN/uas"
  (cd "$RUN/uas" && exec sipp -sf "$HERE/sipp/call-uas.xml" -i "$HOST" -bind_local -p "$UAS_PORT" \
    -mi "$HOST" -mp "$UAS_MEDIA" -nostdin -buff_size 4194304 -trace_err -error_file uas-errors.log \
    >>uas.log 2>&1) &
  UAS_PID=$!
  wait_listening "$UAS_PID" "$UAS_PORT" || die "the sipp UAS did not start (see $RUN/uas/uas.log)"
}
stop_uas() { stop_pid "$UAS_PID" 2; UAS_PID=""; }

# ------------------------------------------------------------------ CPU accounting
CLK_TCK=$(getconf CLK_TCK)
pid_ticks() { # utime+stime of one pid (all its threads), without forking
  local line rest f
  read -r line 2>/dev/null <"/proc/$1/stat" || { echo 0; return; }
  rest=${line##*) }
  read -ra f <<<"$rest"
  echo $((f[11] + f[12]))
}
sum_ticks() { local t=0 p; for p in "$@"; do t=$((t + $(pid_ticks "$p"))); done; echo "$t"; }
all_ticks() { # "pid ticks starttime" of every process; first line: "now <uptime in ticks>"
  awk -v hz="$CLK_TCK" 'NR == 1 { printf "now %d\n", $1 * hz; next }' /proc/uptime
  awk '{ l = $0; sub(/^.*\) /, "", l); split(l, f, " "); print FILENAME, f[12] + f[13], f[20] }' \
    /proc/[0-9]*/stat 2>/dev/null | sed 's|^/proc/\([0-9]*\)/stat|\1|'
}
other_ticks() { # before after "pids to leave out": ticks used by everything else
  # a process absent from the first snapshot counts only if it started inside the window
  awk -v skip="$3" 'BEGIN { n = split(skip, s, " "); for (i = 1; i <= n; i++) x[s[i]] = 1 }
    FNR == NR { if ($1 == "now") t0 = $2; else b[$1] = $2; next }
    $1 == "now" || ($1 in x) { next }
    ($1 in b) { d += $2 - b[$1]; next }
    $3 >= t0 { d += $2 }
    END { print d + 0 }' "$1" "$2"
}
udp_drops() { # UDP datagrams dropped for a full receive buffer, machine-wide (/proc/net/snmp)
  awk '$1 == "Udp:" && !h { for (i = 2; i <= NF; i++) c[$i] = i; h = 1; next }
       $1 == "Udp:" && h { print $c["RcvbufErrors"] + 0; exit }' /proc/net/snmp 2>/dev/null || echo 0
}
pct() { # ticks wall_seconds -> percent of one core ("-" when a process vanished meanwhile)
  awk -v t="$1" -v w="$2" -v hz="$CLK_TCK" 'BEGIN { if (t < 0) print "-"; else printf "%.0f", (w > 0) ? 100 * t / hz / w : 0 }'
}

# ------------------------------------------------------------------ one step
STEP_FMT='%-9s %-9s %7s %8s %13s %7s %8s %6s %5s %6s %7s %7s  %s\n'
print_step_header() {
  printf "$STEP_FMT" server workload target achieved calls failed retrans drops cpu% sipp% other% rtd1ms result
}

# run_step SERVER WORKLOAD RATE [TRY] -> prints a step line; returns 0 when the step is clean
run_step() {
  local server=$1 wl=$2 rate=$3 try=${4:-1}
  local calls=$((rate * STEP_S)) dir="$RUN/$server/$wl-$rate" sf extra=()
  [ "$try" -gt 1 ] && dir="$dir-try$try"
  rm -rf "$dir"; mkdir -p "$dir"
  case $wl in
    register) sf="$HERE/sipp/register.xml"; extra=(-auth_uri "$REALM") ;;
    call) sf="$HERE/sipp/call-uac.xml"
      extra=(-s bench -key callee_hostport "$HOST:$UAS_PORT" -auth_uri "bench@$HOST:$UAS_PORT") ;;
  esac
  # -auth_uri: the digest uri must name the Request-URI (RFC 2617 §3.2.2.5; insip checks it),
  # and SIPp would otherwise put sip:<proxy ip>:<port> there.
  sleep "$SETTLE_S"
  local spids; spids=$(server_pids)
  local s0 u0 t0 w0 s1 u1 w1 uac=0
  s0=$(sum_ticks $spids); u0=$(sum_ticks $UAS_PID)
  all_ticks >"$dir/ticks0"
  local d0 d1; d0=$(udp_drops)
  w0=$EPOCHREALTIME
  local rc=0 polls=0 stopped=0 bad
  # (bash reports a sipp killed by a signal on stderr: keep that note in the step folder)
  {
    (cd "$dir" && exec sipp "$HOST:$PROXY_PORT" -sf "$sf" -inf "$USERS_CSV" -i "$HOST" -bind_local \
      -p "$UAC_PORT" -mi "$HOST" -mp "$UAC_MEDIA" "${extra[@]}" \
      -r "$rate" -rp 1000 -m "$calls" -l 10000 -nostdin -buff_size 4194304 \
      -recv_timeout 8000 -timeout $((STEP_S * 3 + 30)) -timeout_error \
      -trace_stat -stf stat.csv -fd 1 -trace_rtt -rtt_freq 100 \
      -trace_err -error_file errors.log -trace_screen -screen_file screen.log >sipp.out 2>&1) &
    UAC_PID=$!
    # Poll: sample the UAC's CPU, and stop the step as soon as the statistics file (dumped
    # every second) shows a failed call or a retransmission -- the step is unclean already,
    # and a collapsing step would otherwise take minutes of timeouts.
    while kill -0 "$UAC_PID" 2>/dev/null; do
      t0=$(pid_ticks "$UAC_PID"); [ "$t0" -gt 0 ] && uac=$t0
      sleep 0.5
      polls=$((polls + 1))
      if [ $((polls % 2)) = 0 ] && [ -s "$dir/stat.csv" ]; then
        bad=$(awk -F';' 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next } { last = $0 }
          END { split(last, f, ";"); print f[col["FailedCall(C)"]] + f[col["Retransmissions(C)"]] + 0 }' \
          "$dir/stat.csv" 2>/dev/null)
        if [ "${bad:-0}" -gt 0 ]; then
          stopped=1
          stop_pid "$UAC_PID" 3
          break
        fi
      fi
    done
    wait "$UAC_PID" 2>/dev/null
    rc=$?
  } 2>>"$dir/shell.err"
  [ -s "$dir/shell.err" ] || rm -f "$dir/shell.err"
  [ "$stopped" = 1 ] && rc=stopped
  UAC_PID=""
  w1=$EPOCHREALTIME
  s1=$(sum_ticks $spids); u1=$(sum_ticks $UAS_PID)
  all_ticks >"$dir/ticks1"
  d1=$(udp_drops)
  local wall; wall=$(awk -v a="$w0" -v b="$w1" 'BEGIN { printf "%.3f", b - a }')
  local other; other=$(other_ticks "$dir/ticks0" "$dir/ticks1" "$spids $UAS_PID $$")

  # last cumulative row of the sipp statistics file
  local ok=0 failed=-1 retrans=-1 unexp=-1 elapsed=0
  if [ -s "$dir/stat.csv" ]; then
    read -r ok failed retrans unexp elapsed < <(awk -F';' '
      NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
      { last = $0 }
      END {
        n = split(last, f, ";")
        split(f[col["ElapsedTime(C)"]], t, ":")
        printf "%d %d %d %d %.3f\n", f[col["SuccessfulCall(C)"]], f[col["FailedCall(C)"]],
          f[col["Retransmissions(C)"]], f[col["FailedUnexpectedMessage(C)"]],
          t[1] * 3600 + t[2] * 60 + t[3] + t[4] / 1e6
      }' "$dir/stat.csv")
  fi
  # achieved = successful calls over the time it took to place them all (sipp elapsed)
  local achieved; achieved=$(awk -v o="$ok" -v e="$elapsed" 'BEGIN { printf "%.0f", (e > 0) ? o / e : 0 }')
  local rtd1="-" rtt
  rtt=$(ls "$dir"/*_rtt.csv 2>/dev/null | head -1)
  [ -n "$rtt" ] && rtd1=$(awk -F';' 'NR > 1 && $3 == 1 { s += $2; n++ } END { if (n) printf "%.1f", s / n; else print "-" }' "$rtt")

  local clean=no
  if [ "$rc" = 0 ] && [ "$failed" = 0 ] && [ "$retrans" = 0 ] && [ "$unexp" = 0 ] &&
    [ "$ok" = "$calls" ] && awk -v a="$achieved" -v r="$rate" 'BEGIN { exit !(a >= 0.97 * r) }'; then
    clean=yes
  fi
  local result=clean
  [ "$clean" = yes ] || result="unclean (sipp exit $rc)"
  [ "$rc" = stopped ] && result="unclean (stopped at the first failure/retransmission)"
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    clean=no
    result="unclean: $server EXITED during the step (see $RUN/$server/$server.log)"
  fi
  printf "$STEP_FMT" "$server" "$wl" "$rate" "$achieved" "$ok/$calls" "$failed" "$retrans" $((d1 - d0)) \
    "$(pct $((s1 - s0)) "$wall")" "$(pct $((uac + u1 - u0)) "$wall")" "$(pct "$other" "$wall")" \
    "$rtd1" "$result"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$server" "$wl" "$rate" "$achieved" "$ok" "$failed" \
    "$retrans" "$clean" >>"$RUN/steps.tsv"
  # keep the run directory small
  rm -f "$dir/ticks0" "$dir/ticks1"
  find "$dir" -maxdepth 1 -type f -size +512k -exec gzip -f {} \;
  [ "$clean" = yes ]
}

# ------------------------------------------------------------------ rate search
# Ramp by doubling from the start rate until a step is unclean, then bisect between the
# last clean and the first unclean rate. The server (and the UAS) is restarted after an
# unclean step so that its backlog does not spoil the next one.
restart_all() { # server workload
  stop_uas; stop_server
  start_server "$1" || return 1
  [ "$2" = call ] && start_uas
  return 0
}
grain() { # rounding grain for a rate near $1
  if [ "$1" -ge 4000 ]; then echo 100; elif [ "$1" -ge 1000 ]; then echo 50;
  elif [ "$1" -ge 200 ]; then echo 10; else echo 5; fi
}

# try_rate SERVER WORKLOAD RATE: a step, plus up to CONFIRM more tries (each on a freshly
# restarted server) when it is unclean, so that one burst of neighbour noise on this shared
# machine does not end a search. Returns 0 if any try was clean.
try_rate() {
  local n
  for ((n = 0; n <= CONFIRM; n++)); do
    run_step "$1" "$2" "$3" $((n + 1)) && return 0
    restart_all "$1" "$2" || return 1
  done
  return 1
}

declare -A BEST
search() { # server workload
  local server=$1 wl=$2 start max r lo=0 hi=0 i
  case $wl in
    register) start=$START_REGISTER; max=$MAX_REGISTER ;;
    call) start=$START_CALL; max=$MAX_CALL ;;
  esac
  restart_all "$server" "$wl" || { BEST[$server,$wl]=0; return 1; }
  r=$start
  while [ "$r" -le "$max" ]; do
    if try_rate "$server" "$wl" "$r"; then lo=$r; r=$((r * 2)); else hi=$r; break; fi
  done
  for ((i = 0; i < BISECT && hi > 0; i++)); do
    awk -v l="$lo" -v h="$hi" -v p="$PRECISION" 'BEGIN { exit !((h - l) / h > p) }' || break
    local g; g=$(grain "$hi")
    r=$(((lo + hi) / 2 / g * g))
    [ "$r" -gt "$lo" ] && [ "$r" -lt "$hi" ] || break
    if try_rate "$server" "$wl" "$r"; then lo=$r; else hi=$r; fi
  done
  stop_uas; stop_server
  BEST[$server,$wl]=$lo
  local note=""
  [ "$hi" = 0 ] && note=" (no unclean step up to the ramp limit $max)"
  log "$server $wl: highest clean rate $lo/s, first unclean ${hi/#0/none}$note"
}

# ------------------------------------------------------------------ main
[[ " $SERVERS " == *" kamailio "* ]] && make_kamailio_db
if [[ " $SERVERS " == *" insip "* ]]; then
  make_insip_config || die "could not create the insip users"
fi
{
  echo "date: $(date -Is)"
  echo "kernel: $(uname -r), $(nproc) cpus, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "kamailio: $(dpkg-query -W -f='${Version}' kamailio 2>/dev/null), sipp: $(dpkg-query -W -f='${Version}' sip-tester 2>/dev/null)"
  echo "insip: ${BIN:-none}"
  echo "step ${STEP_S}s, users $USERS, kamailio workers $KAM_WORKERS, bisect $BISECT"
} >"$RUN/env.txt"
cat "$RUN/env.txt" >&2

echo "insip bench: ${STEP_S} s per step; a step is clean with sipp exit 0, 0 failed calls,"
echo "0 retransmissions and achieved >= 97% of target. cpu% is of one core (machine: $(nproc) cores);"
echo "drops = UDP datagrams lost to full receive buffers (any socket); sipp% = UAC+UAS;"
echo "other% = every other process (noise); rtd1 = mean registration / call set-up time."
print_step_header
status=0
for wl in $WORKLOADS; do
  for server in $SERVERS; do
    search "$server" "$wl" || { status=1; log "$server $wl: search failed"; }
  done
done

echo
echo "highest clean rate per workload (calls/s; details in $RUN):"
for wl in $WORKLOADS; do
  line="  $wl:"
  for server in $SERVERS; do line="$line $server=${BEST[$server,$wl]:-0}"; done
  echo "$line"
done
for wl in $WORKLOADS; do
  i=${BEST[insip,$wl]:--}
  k=${BEST[kamailio,$wl]:--}
  ratio=$(awk -v i="$i" -v k="$k" 'BEGIN {
    if (i == "-" || k == "-") print "-"; else if (k + 0 == 0) print "nan"; else printf "%.2f", i / k }')
  echo "BENCH $wl insip=$i kamailio=$k ratio=$ratio"
done
exit $status
}
