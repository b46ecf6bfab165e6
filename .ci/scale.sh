#!/usr/bin/env bash
# scale.sh: fill a PostgreSQL database with synthetic teams (.ci/scale.sql)
# for scale runs: TEAMS teams of PER_TEAM members (default 2000 x 50 =
# 100,000 members) with DAYS weekdays of prompt history (default 10).
#
#   .ci/scale.sh postgres://postgres@127.0.0.1:5432/scale?sslmode=disable [TEAMS] [PER_TEAM] [DAYS]
#
# The database must exist; its tables are created by opening it with
# tidings (any command does). Then run `tidings serve --no-apply` on it
# (apply would remove teams absent from the configuration): see
# docs/scale-out.md.
set -euo pipefail
DSN=${1:?usage: scale.sh DSN [TEAMS] [PER_TEAM] [DAYS]}
TEAMS=${2:-2000}
PER_TEAM=${3:-50}
DAYS=${4:-10}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
(cd "$ROOT" && go build -o "$TMP/tidings" ./cmd/tidings)
TIDINGS_DATABASE="$DSN" "$TMP/tidings" inbound list --config /dev/null >/dev/null 2>&1 ||
	TIDINGS_DATABASE="$DSN" "$TMP/tidings" inbound list >/dev/null
START=$(date +%s)
psql "$DSN" -q -v teams="$TEAMS" -v per_team="$PER_TEAM" -v days="$DAYS" -f "$ROOT/.ci/scale.sql"
psql "$DSN" -tAc "SELECT format('scale data: %s teams, %s members, %s prompts, %s updates (%s s)',
	(SELECT count(*) FROM teams), (SELECT count(*) FROM members), (SELECT count(*) FROM prompts),
	(SELECT count(*) FROM updates), $(date +%s) - $START)"
