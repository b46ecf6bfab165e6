#!/usr/bin/env bash
# bench-inbound.sh: compare the Tidings SMTP receiver (durable storage on
# PostgreSQL: row + job committed before 250, while the same process's job
# workers process what arrives) with Mailpit on this machine.
#
#   TIDINGS_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test?sslmode=disable \
#     .ci/bench-inbound.sh [N] [C]
#
# It creates a fresh database, starts both servers on free local ports,
# sends N messages over C connections to each with tidings-load (Mailpit
# only once tidings' job workers have processed their backlog, so they do
# not take its CPU), prints a table and a verdict line (tidings rate /
# Mailpit rate; the target is >= 1.00), and cleans up. Mailpit is installed with `go install` when it is
# not in PATH (about two minutes to build).
set -euo pipefail

N=${1:-5000}
C=${2:-16}
BASE=${TIDINGS_BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d)
PIDS=()
DBNAME=bench_inbound_$$

cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	psql "$BASE" -qc "DROP DATABASE IF EXISTS $DBNAME" >/dev/null 2>&1 || true
	rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
	for _ in $(seq 1 100); do
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
		sleep 0.1
	done
	echo "port $1 did not open" >&2
	return 1
}

MAILPIT=$(command -v mailpit || true)
if [ -z "$MAILPIT" ] && [ -x "$(go env GOPATH)/bin/mailpit" ]; then MAILPIT=$(go env GOPATH)/bin/mailpit; fi
if [ -z "$MAILPIT" ]; then
	go install github.com/axllent/mailpit@v1.33.1
	MAILPIT=$(go env GOPATH)/bin/mailpit
fi

(cd "$ROOT" && go build -o "$WORK/tidings-load" ./cmd/tidings-load && go build -o "$WORK/tidings" ./cmd/tidings)
# TIDINGS_BIN measures another build (e.g. of an older commit) instead.
TIDINGS=${TIDINGS_BIN:-$WORK/tidings}

psql "$BASE" -qc "CREATE DATABASE $DBNAME" >/dev/null
DSN=$(python3 -c 'import sys,urllib.parse as u; p=u.urlparse(sys.argv[1]); print(u.urlunparse(p._replace(path="/"+sys.argv[2])))' "$BASE" "$DBNAME")

TP=$(free_port)
TIDINGS_DATABASE="$DSN" TIDINGS_DOMAIN=tidings.test TIDINGS_SMTP_LISTEN="127.0.0.1:$TP" \
	TIDINGS_HTTP_LISTEN="127.0.0.1:$(free_port)" TIDINGS_SMTP_MAX_CONNECTIONS=200 TIDINGS_LOG_LEVEL=warn \
	TIDINGS_OUTBOX="$WORK/outbox" "$TIDINGS" serve --config "$ROOT/examples/tidings.yaml" 2>"$WORK/tidings.log" &
PIDS+=($!)
MP=$(free_port)
MH=$(free_port)
"$MAILPIT" --smtp "127.0.0.1:$MP" --listen "127.0.0.1:$MH" --database "$WORK/mailpit.db" --max 0 >"$WORK/mailpit.log" 2>&1 &
PIDS+=($!)
wait_port "$TP"
wait_port "$MP"

# A short warm-up on each, then the measured runs.
"$WORK/tidings-load" -addr "127.0.0.1:$TP" -rcpt meetings@tidings.test -n 200 -c "$C" >/dev/null
"$WORK/tidings-load" -addr "127.0.0.1:$MP" -rcpt meetings@tidings.test -n 200 -c "$C" >/dev/null

echo "N=$N C=$C, 4 KiB messages, $(nproc) CPUs"
T_OUT=$("$WORK/tidings-load" -label "tidings/pg" -addr "127.0.0.1:$TP" -rcpt meetings@tidings.test -n "$N" -c "$C")
echo "$T_OUT"
# Let tidings' job workers finish processing what arrived before Mailpit
# is measured, so they do not take CPU from it.
DRAIN_START=$(date +%s.%N)
for _ in $(seq 1 600); do
	LEFT=$(psql "$DSN" -tAc "SELECT count(*) FROM inbound_messages WHERE status = 'received'")
	[ "$LEFT" = 0 ] && break
	sleep 0.2
done
awk -v s="$DRAIN_START" -v e="$(date +%s.%N)" -v l="$LEFT" \
	'BEGIN { printf "tidings job workers: backlog processed %.1fs after the load (%d left)\n", e - s, l }'
M_OUT=$("$WORK/tidings-load" -label "mailpit" -addr "127.0.0.1:$MP" -rcpt meetings@tidings.test -n "$N" -c "$C")
echo "$M_OUT"
STORED=$(psql "$DSN" -tAc "SELECT count(*) FROM inbound_messages")
echo "tidings rows stored: $STORED (expected $((N + 200)))"

# The verdict: tidings' rate over Mailpit's; the target is at least 1.00.
rate() { sed -n 's/.* \([0-9][0-9]*\) msg\/s .*/\1/p' <<<"$1"; }
TR=$(rate "$T_OUT")
MR=$(rate "$M_OUT")
awk -v t="$TR" -v m="$MR" -v n="$N" -v c="$C" 'BEGIN {
	r = (m > 0) ? t / m : 0
	printf "verdict N=%d C=%d: tidings %d msg/s / mailpit %d msg/s = %.2f (%s)\n", n, c, t, m, r,
		(r >= 1) ? "target met" : "below target"
}'
