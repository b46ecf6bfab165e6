package store

import (
	"context"
	"time"
)

// How the digest counts prompts (digest.Build classifies the period's own
// prompts the same way; the queries below must agree with it):
//   - answered: the prompt has an update (even one written after its
//     window closed), or its status is answered;
//   - missed: sent (status sent), no update, and its answer window closed
//     (ExpiresAt not after now);
//   - excused: skipped (away, paused, "skip"), failed (undeliverable), or
//     never sent (status expired: the scheduler first saw it after its
//     window, e.g. after downtime; or still pending when its window
//     closed) — the member was never asked, so it is not their miss;
//   - open: sent or pending and its window still open.

// streakSQL counts, per member, the answered prompts due before `to` after
// the member's last missed one (see above), in one grouped query.
const streakSQL = `SELECT p.member_id AS member_id, COUNT(*) AS n
FROM prompts p LEFT JOIN updates u ON u.prompt_id = p.id
LEFT JOIN (SELECT p2.member_id AS member_id, MAX(p2.due_at) AS last_miss
           FROM prompts p2 LEFT JOIN updates u2 ON u2.prompt_id = p2.id
           WHERE p2.team_id = ? AND p2.due_at < ? AND p2.status = ? AND p2.expires_at <= ? AND u2.id IS NULL
           GROUP BY p2.member_id) m ON m.member_id = p.member_id
WHERE p.team_id = ? AND p.due_at < ? AND (u.id IS NOT NULL OR p.status = ?)
  AND (m.last_miss IS NULL OR p.due_at > m.last_miss)
GROUP BY p.member_id`

// streaks counts each member's answered prompts since their last miss as
// of now, among prompts due before to. Excused and open prompts neither
// extend nor break a streak.
func (db *DB) streaks(ctx context.Context, teamID int64, to, now time.Time) (map[int64]int, error) {
	var rows []struct {
		MemberID int64
		N        int
	}
	err := db.gorm.WithContext(ctx).Raw(streakSQL, teamID, to, PromptSent, now, teamID, to, PromptAnswered).
		Scan(&rows).Error
	if err != nil {
		return nil, wrap("load digest streaks", err)
	}
	out := make(map[int64]int, len(rows))
	for _, r := range rows {
		out[r.MemberID] = r.N
	}
	return out, nil
}

// The previous period's prompts, with the time of their update if any.
const (
	previousSelect = `SELECT p.id, p.check_in_id, p.member_id, p.status, COALESCE(p.reason, ''), `
	previousFrom   = `
FROM prompts p LEFT JOIN updates u ON u.prompt_id = p.id
WHERE p.team_id = ? AND p.due_at >= ? AND p.due_at < ?
ORDER BY p.due_at, p.status, p.member_id, p.id`
	previousPostgres = previousSelect + `p.due_at, p.expires_at, p.sent_at, u.answered_at` + previousFrom
	previousSQLite   = previousSelect + `CAST(p.due_at AS TEXT), CAST(p.expires_at AS TEXT), CAST(p.sent_at AS TEXT), CAST(u.answered_at AS TEXT)` + previousFrom
)

// previousPrompts loads the prompts due in [from, to) for
// DigestData.PreviousPrompts, in one query.
func (db *DB) previousPrompts(ctx context.Context, teamID int64, from, to time.Time) ([]Prompt, error) {
	q := previousSQLite
	if db.postgres {
		q = previousPostgres
	}
	rows, err := db.gorm.WithContext(ctx).Raw(q, teamID, from, to).Rows()
	if err != nil {
		return nil, wrap("load digest previous prompts", err)
	}
	defer rows.Close()
	var out []Prompt
	for rows.Next() {
		p := Prompt{TeamID: teamID}
		var due, expires, sent, answered scanTime
		if err := rows.Scan(&p.ID, &p.CheckInID, &p.MemberID, &p.Status, &p.Reason, &due, &expires, &sent, &answered); err != nil {
			return nil, wrap("load digest previous prompts", err)
		}
		p.DueAt, p.ExpiresAt = time.Time(due), time.Time(expires)
		p.SentAt, p.AnsweredAt = optTime(sent), optTime(answered)
		out = append(out, p)
	}
	return out, wrap("load digest previous prompts", rows.Err())
}

// optTime is nil for a NULL (zero) time.
func optTime(t scanTime) *time.Time {
	if time.Time(t).IsZero() {
		return nil
	}
	v := time.Time(t)
	return &v
}
