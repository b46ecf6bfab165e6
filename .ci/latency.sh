#!/usr/bin/env bash
# latency.sh: the time from a message's acceptance to its being applied
# (inbound_messages.received_at, stamped when DATA ends, to processed_at),
# p50 and p99, for `tidings serve` on PostgreSQL.
#
#   TIDINGS_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test?sslmode=disable \
#     .ci/latency.sh [N] [C] [BINARY...]
#
# N messages (default 300) are sent over C connections (default 1) with
# PAUSE (default 100ms) between two messages on a connection, so there is
# no backlog and the figure is the pipeline's own latency (job pickup plus
# processing), as meeting notes from a member of the example team. With BINARY arguments (tidings binaries built from other commits,
# e.g. `git worktree add /tmp/old main && go build -o /tmp/tidings-old
# ./cmd/tidings` there), each is measured in turn in the same run;
# without, the working tree is built and measured.
set -euo pipefail

N=${1:-300}
C=${2:-1}
shift 2 || shift $#
BASE=${TIDINGS_BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d)
PID=
DBNAME=bench_latency_$$

cleanup() {
	[ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true
	psql "$BASE" -qc "DROP DATABASE IF EXISTS $DBNAME" >/dev/null 2>&1 || true
	rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

(cd "$ROOT" && go build -o "$WORK/tidings-load" ./cmd/tidings-load)
BINS=("$@")
if [ ${#BINS[@]} -eq 0 ]; then
	(cd "$ROOT" && go build -o "$WORK/tidings" ./cmd/tidings)
	BINS=("$WORK/tidings")
fi
DSN=$(python3 -c 'import sys,urllib.parse as u; p=u.urlparse(sys.argv[1]); print(u.urlunparse(p._replace(path="/"+sys.argv[2])))' "$BASE" "$DBNAME")

echo "N=$N C=$C, 4 KiB meeting notes from a member, $(nproc) CPUs"
for BIN in "${BINS[@]}"; do
	psql "$BASE" -qc "DROP DATABASE IF EXISTS $DBNAME" >/dev/null 2>&1
	psql "$BASE" -qc "CREATE DATABASE $DBNAME" >/dev/null
	TP=$(free_port)
	TIDINGS_DATABASE="$DSN" TIDINGS_DOMAIN=tidings.test TIDINGS_SMTP_LISTEN="127.0.0.1:$TP" \
		TIDINGS_HTTP_LISTEN="127.0.0.1:$(free_port)" TIDINGS_LOG_LEVEL=info \
		TIDINGS_OUTBOX="$WORK/outbox" "$BIN" serve --config "$ROOT/examples/tidings.yaml" 2>"$WORK/serve.log" &
	PID=$!
	for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$TP") 2>/dev/null && break; sleep 0.1; done
	"$WORK/tidings-load" -addr "127.0.0.1:$TP" -from ana@example.com -rcpt meetings@tidings.test -n 20 -c 1 >/dev/null
	sleep 2
	psql "$DSN" -qc "DELETE FROM inbound_messages" >/dev/null
	"$WORK/tidings-load" -label "$(basename "$BIN")" -addr "127.0.0.1:$TP" -from ana@example.com -rcpt meetings@tidings.test -n "$N" -c "$C" -pause "${PAUSE:-100ms}"
	for _ in $(seq 1 300); do
		LEFT=$(psql "$DSN" -tAc "SELECT count(*) FROM inbound_messages WHERE status = 'received'")
		[ "$LEFT" = 0 ] && break
		sleep 0.2
	done
	psql "$DSN" -tAc "SELECT format('%s: 250 -> applied  n=%s  p50=%s ms  p99=%s ms  max=%s ms  (statuses: %s)', '$(basename "$BIN")', count(*),
		round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 1), round(percentile_cont(0.99) WITHIN GROUP (ORDER BY ms)::numeric, 1),
		round(max(ms)::numeric, 1), string_agg(DISTINCT status, ','))
		FROM (SELECT status, extract(epoch FROM processed_at - received_at) * 1000 AS ms FROM inbound_messages) m"
	if grep -q "poll only mode" "$WORK/serve.log"; then echo "$(basename "$BIN"): River logged \"poll only mode\""; else echo "$(basename "$BIN"): River is notified (LISTEN/NOTIFY), no \"poll only mode\""; fi
	kill "$PID"
	wait "$PID" 2>/dev/null || true
	PID=
done
