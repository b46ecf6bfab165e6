#!/usr/bin/env bash
# crash-reply.sh: a member's reply stranded by a crash in the middle of a
# flood, and how soon it is applied after the restart.
#
#   .ci/crash-reply.sh [BINARY...]
#
# For each tidings binary (default: the working tree, built), on SQLite with
# the example config: Ana's prompt is sent (--now), `tidings serve` starts,
# tidings-load sends 3,000 notes from a stranger to meetings@ over 4
# connections, Ana's reply goes in by swaks one second into the flood, and
# the instance is killed (SIGKILL) as soon as the reply has its 250, while
# processing is held back (server.jobs.hold_above), so most messages have
# no job yet. Then serve starts again and the script waits until no
# message is left "received". One line per binary: how many messages were
# received and left without a job, how many were applied after the restart
# before the reply, and the seconds from the restart to the reply being
# applied and to the last message being applied. Needs swaks and python3.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d)
PID=

cleanup() {
	[ -n "$PID" ] && kill -9 "$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# q DB SQL: one value from the SQLite database.
q() { python3 -c 'import sqlite3,sys; r=sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone(); print(r[0] if r else "")' "$1" "$2"; }

(cd "$ROOT" && go build -o "$WORK/tidings-load" ./cmd/tidings-load)
BINS=("$@")
if [ ${#BINS[@]} -eq 0 ]; then
	(cd "$ROOT" && go build -o "$WORK/tidings" ./cmd/tidings)
	BINS=("$WORK/tidings")
fi

for BIN in "${BINS[@]}"; do
	D=$(mktemp -d -p "$WORK")
	cp "$ROOT/examples/tidings.yaml" "$D/"
	SMTP=127.0.0.1:$(free_port)
	export TIDINGS_DATABASE=$D/tidings.db TIDINGS_OUTBOX=$D/outbox TIDINGS_SMTP_LISTEN=$SMTP \
		TIDINGS_HTTP_LISTEN=127.0.0.1:$(free_port) TIDINGS_AUTH_DNS=off
	"$BIN" apply -c "$D/tidings.yaml" >/dev/null
	"$BIN" prompts send -c "$D/tidings.yaml" --now 2026-12-02T12:05:00Z >/dev/null 2>&1
	PROMPT=$(ls "$D"/outbox/*prompt.eml | head -1)
	RT=$(grep -i '^Reply-To:' "$PROMPT" | sed 's/.*<\(.*\)>.*/\1/' | tr -d '\r')
	MID=$(grep -i '^Message-Id:' "$PROMPT" | sed 's/.*<\(.*\)>.*/\1/' | tr -d '\r')
	printf 'From: Ana Lima <ana@example.com>\r\nTo: %s\r\nSubject: Re: Platform daily check-in\r\nMessage-ID: <crash-reply@example.com>\r\nIn-Reply-To: <%s>\r\nDate: Wed, 02 Dec 2026 12:10:00 +0000\r\n\r\nYesterday: wrote the crash trial\r\nToday: watch the sweep\r\nBlockers: waiting on the staging database\r\n' \
		"$RT" "$MID" >"$D/reply.eml"

	"$BIN" serve -c "$D/tidings.yaml" >"$D/serve1.log" 2>&1 &
	PID=$!
	for _ in $(seq 50); do (exec 3<>"/dev/tcp/${SMTP%:*}/${SMTP#*:}") 2>/dev/null && break; sleep 0.1; done
	"$WORK/tidings-load" -addr "$SMTP" -c 4 -n 3000 -from stranger@else.example -rcpt meetings@tidings.example.com >"$D/load.log" 2>&1 &
	LOAD=$!
	sleep 1
	swaks --server "$SMTP" --from ana@example.com --to "$RT" --data @"$D/reply.eml" >"$D/swaks.log" 2>&1
	kill -9 "$PID"
	wait "$PID" 2>/dev/null || true
	wait "$LOAD" 2>/dev/null || true

	DB=$D/tidings.db
	RID=$(q "$DB" "SELECT id FROM inbound_messages WHERE message_id = 'crash-reply@example.com'")
	LEFT=$(q "$DB" "SELECT count(*) FROM inbound_messages WHERE status = 'received'")
	# Jobs are unique per message while live, and a live job's message is
	# still "received": the difference is the messages without a job.
	NOJOB=$((LEFT - $(q "$DB" "SELECT count(*) FROM river_job WHERE kind = 'process_inbound'
		AND state IN ('available', 'running', 'retryable', 'scheduled', 'pending')")))
	START=$(date -u +%s.%N)
	STAMP=$(date -u -d "@$START" '+%Y-%m-%d %H:%M:%S.%N')
	"$BIN" serve -c "$D/tidings.yaml" >"$D/serve2.log" 2>&1 &
	PID=$!
	for _ in $(seq 300); do
		sleep 1
		[ "$(q "$DB" "SELECT count(*) FROM inbound_messages WHERE status = 'received'")" = 0 ] && break
	done
	kill "$PID"
	wait "$PID" 2>/dev/null || true
	PID=
	BEFORE=$(q "$DB" "SELECT count(*) FROM inbound_messages WHERE processed_at > '$STAMP'
		AND processed_at < (SELECT processed_at FROM inbound_messages WHERE id = $RID)")
	STATUS=$(q "$DB" "SELECT status FROM inbound_messages WHERE id = $RID")
	SECS=$(python3 - "$DB" "$RID" "$START" <<'EOF'
import re, sqlite3, sys
from datetime import datetime, timezone
db, rid, start = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
c = sqlite3.connect(db)
def secs(v):  # "2026-12-02 09:57:24.235526521+00:00", stored in UTC
    m = re.match(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)(\.\d{1,6})?", v)
    t = datetime.strptime(m.group(1) + (m.group(2) or ".0"), "%Y-%m-%d %H:%M:%S.%f")
    return t.replace(tzinfo=timezone.utc).timestamp() - start
r = c.execute("SELECT processed_at FROM inbound_messages WHERE id = ?", (rid,)).fetchone()[0]
last = c.execute("SELECT max(processed_at) FROM inbound_messages").fetchone()[0]
print(f"{secs(r):.1f} {secs(last):.1f}")
EOF
)
	read -r TREPLY TLAST <<<"$SECS"
	printf '%s: %s received, %s left received at the kill (%s without a job); reply %s, applied after %s others since the restart, %s s after it; last message applied %s s after it; left received now %s\n' \
		"$(basename "$BIN")" "$(q "$DB" "SELECT count(*) FROM inbound_messages")" "$LEFT" "$NOJOB" "$STATUS" "$BEFORE" "$TREPLY" "$TLAST" \
		"$(q "$DB" "SELECT count(*) FROM inbound_messages WHERE status = 'received'")"
done
