package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
)

// Digest statuses: a row is created "sending" when an instance claims the
// period and becomes "sent" once every recipient's message is queued.
const (
	DigestSending = "sending"
	DigestSent    = "sent"
)

// DigestData is everything one team's digest for one period needs, loaded
// by LoadDigest in a fixed number of queries whatever the team's size.
type DigestData struct {
	Team Team
	// Members are every membership, ordered by name, with the member
	// fields a digest reads: ID, Email, Name, Timezone, PausedUntil,
	// AwayUntil, Unsubscribed (not Aliases nor timestamps), Role, Location.
	Members  []TeamMember
	CheckIns []CheckIn // in declaration order
	// Prompts are the team's prompts due in [From, To), ordered by due time
	// (then status, member, ID), with ID, CheckInID, MemberID, TeamID,
	// DueAt, Status and Reason filled.
	Prompts []Prompt
	// Updates are the current answers to Prompts, in the order of their
	// prompts, with ID, PromptID, MemberID, TeamID, CheckInID, Answers,
	// HasBlocker, Version and AnsweredAt filled.
	Updates []Update
	// Previous counts the prompts of the period before (the same length of
	// time ending at From).
	Previous PromptCounts
	// Carried are the blockers that were still reported at From: for each
	// member and check-in whose last update due in the look-back window
	// before From reported a blocker, when that run of blocker updates
	// began. See BlockerLookback.
	Carried []CarriedBlocker
	// Streaks maps a member ID to the number of answered prompts due before
	// To since that member's last expired (unanswered) prompt; members
	// without an answered prompt are absent.
	Streaks map[int64]int
	// Notes are the team's filed meeting notes dated in [From, To).
	Notes []MeetingNote
	// Items are the action items of Notes plus every other open item of
	// the team, ordered by due date (undated last) then ID.
	Items []ActionItem
}

// BlockerLookback is how many periods before From LoadDigest searches for
// the start of a blocker still reported at From; the window is at least
// BlockerLookbackMin long, so a daily digest looks back four weeks too.
const (
	BlockerLookback    = 4
	BlockerLookbackMin = 28 * 24 * time.Hour
)

// CarriedBlocker is a run of blocker updates of one member and check-in
// that was still open at the start of a digest period.
type CarriedBlocker struct {
	MemberID  int64
	CheckInID int64
	// Since is when the first update of the run was written.
	Since time.Time
	// Bounded reports that the window held no update without a blocker
	// before the run: the run may have begun before the window, so Since
	// is a lower bound of its age.
	Bounded bool
}

// PromptCounts counts prompts by outcome.
type PromptCounts struct {
	Answered int
	Expired  int
}

// LoadDigest loads the data of team's digest for the period [from, to): its
// members, check-ins, the prompts due in the period with their updates, the
// blockers carried over from earlier periods, the counts of the previous
// period of equal length, answer streaks, meeting notes and action items.
// It runs a constant number of queries (eleven, none per member). A missing
// team gives ErrNotFound; an unreachable database or a cancelled context
// wraps ErrUnavailable.
func (db *DB) LoadDigest(ctx context.Context, teamID int64, from, to time.Time) (*DigestData, error) {
	from, to = from.UTC(), to.UTC()
	team, err := db.TeamByID(ctx, teamID)
	if err != nil {
		return nil, err
	}
	d := &DigestData{Team: *team}
	if d.Members, err = db.loadDigestMembers(ctx, team); err != nil {
		return nil, err
	}
	if d.CheckIns, err = db.FindCheckIns(ctx, teamID); err != nil {
		return nil, err
	}
	if err := db.loadDigestPrompts(ctx, d, from, to); err != nil {
		return nil, err
	}
	if d.Previous, err = db.countPrompts(ctx, teamID, from.Add(-to.Sub(from)), from); err != nil {
		return nil, err
	}
	back := max(BlockerLookback*to.Sub(from), BlockerLookbackMin)
	if d.Carried, err = db.carriedBlockers(ctx, teamID, from.Add(-back), from); err != nil {
		return nil, err
	}
	if d.Streaks, err = db.streaks(ctx, teamID, to); err != nil {
		return nil, err
	}
	if err := db.loadNotes(ctx, d, from, to); err != nil {
		return nil, err
	}
	return d, nil
}

func (db *DB) countPrompts(ctx context.Context, teamID int64, from, to time.Time) (PromptCounts, error) {
	var rows []struct {
		Status string
		N      int
	}
	err := db.gorm.WithContext(ctx).Model(&Prompt{}).Select("status, COUNT(*) AS n").
		Where("team_id = ? AND due_at >= ? AND due_at < ? AND status IN ?", teamID, from, to,
			[]string{PromptAnswered, PromptExpired}).
		Group("status").Scan(&rows).Error
	if err != nil {
		return PromptCounts{}, wrap("count digest prompts", err)
	}
	var c PromptCounts
	for _, r := range rows {
		if r.Status == PromptAnswered {
			c.Answered = r.N
		} else {
			c.Expired = r.N
		}
	}
	return c, nil
}

// streaks counts, per member, the answered prompts due before `to` and after
// the member's last expired one, in one grouped query. Skipped (away,
// paused) and failed prompts neither extend nor break a streak.
func (db *DB) streaks(ctx context.Context, teamID int64, to time.Time) (map[int64]int, error) {
	var rows []struct {
		MemberID int64
		N        int
	}
	err := db.gorm.WithContext(ctx).Raw(`SELECT p.member_id AS member_id, COUNT(*) AS n FROM prompts p
LEFT JOIN (SELECT member_id, MAX(due_at) AS last_miss FROM prompts
           WHERE team_id = ? AND status = ? AND due_at < ? GROUP BY member_id) m
       ON m.member_id = p.member_id
WHERE p.team_id = ? AND p.status = ? AND p.due_at < ?
  AND (m.last_miss IS NULL OR p.due_at > m.last_miss)
GROUP BY p.member_id`, teamID, PromptExpired, to, teamID, PromptAnswered, to).Scan(&rows).Error
	if err != nil {
		return nil, wrap("load digest streaks", err)
	}
	out := make(map[int64]int, len(rows))
	for _, r := range rows {
		out[r.MemberID] = r.N
	}
	return out, nil
}

// carriedBlocker's query selects, per member and check-in, the blocker
// updates whose prompts are due in [since, from) after the last update
// without one: the run still open at from. Only those rows come back, not
// the window's history.
const carriedBlockerSQL = `SELECT u.member_id AS member_id, u.check_in_id AS check_in_id,
       u.answered_at AS answered_at, CASE WHEN c.cleared IS NULL THEN 1 ELSE 0 END AS bounded
FROM updates u JOIN prompts p ON p.id = u.prompt_id
LEFT JOIN (SELECT u2.member_id AS member_id, u2.check_in_id AS check_in_id, MAX(p2.due_at) AS cleared
           FROM updates u2 JOIN prompts p2 ON p2.id = u2.prompt_id
           WHERE p2.team_id = ? AND p2.due_at >= ? AND p2.due_at < ? AND u2.has_blocker = ?
           GROUP BY u2.member_id, u2.check_in_id) c
       ON c.member_id = u.member_id AND c.check_in_id = u.check_in_id
WHERE p.team_id = ? AND p.due_at >= ? AND p.due_at < ? AND u.has_blocker = ?
  AND (c.cleared IS NULL OR p.due_at > c.cleared)
ORDER BY u.member_id, u.check_in_id, u.answered_at`

// carriedBlockers finds the blocker runs open at from that began in
// [since, from), in one query; see carriedBlockerSQL.
func (db *DB) carriedBlockers(ctx context.Context, teamID int64, since, from time.Time) ([]CarriedBlocker, error) {
	var rows []struct {
		MemberID   int64
		CheckInID  int64
		AnsweredAt time.Time
		Bounded    int
	}
	err := db.gorm.WithContext(ctx).Raw(carriedBlockerSQL, teamID, since, from, false, teamID, since, from, true).
		Scan(&rows).Error
	if err != nil {
		return nil, wrap("load digest carried blockers", err)
	}
	var out []CarriedBlocker
	for _, r := range rows {
		n := len(out)
		if n > 0 && out[n-1].MemberID == r.MemberID && out[n-1].CheckInID == r.CheckInID {
			continue // ordered by answer time: the first row is the start
		}
		out = append(out, CarriedBlocker{MemberID: r.MemberID, CheckInID: r.CheckInID,
			Since: r.AnsweredAt, Bounded: r.Bounded == 1})
	}
	return out, nil
}

func (db *DB) loadNotes(ctx context.Context, d *DigestData, from, to time.Time) error {
	g := db.gorm.WithContext(ctx)
	err := g.Where("team_id = ? AND status = ? AND meeting_date >= ? AND meeting_date < ?",
		d.Team.ID, NoteFiled, from, to).Order("meeting_date, id").Find(&d.Notes).Error
	if err != nil {
		return wrap("load digest notes", err)
	}
	ids := make([]int64, len(d.Notes))
	for i, n := range d.Notes {
		ids[i] = n.ID
	}
	q := g.Where("team_id = ? AND status = ?", d.Team.ID, ActionOpen)
	if len(ids) > 0 {
		q = g.Where("note_id IN ?", ids).Or(q)
	}
	err = q.Order("CASE WHEN due IS NULL THEN 1 ELSE 0 END, due, id").Find(&d.Items).Error
	return wrap("load digest items", err)
}

// DigestFor returns the digest row of team for period, or ErrNotFound.
func (db *DB) DigestFor(ctx context.Context, teamID int64, period string) (*Digest, error) {
	var d Digest
	err := db.gorm.WithContext(ctx).Where("team_id = ? AND period = ?", teamID, period).Take(&d).Error
	if err != nil {
		return nil, wrap("find digest", err)
	}
	return &d, nil
}

// ClaimDigest returns the digest row of team for period, creating it with
// status DigestSending when there is none. created reports whether this
// call created it; concurrent callers on several instances agree on one
// row. A row already DigestSent is returned as is: the caller decides
// whether to send again.
func (db *DB) ClaimDigest(ctx context.Context, teamID int64, period string) (d *Digest, created bool, err error) {
	row := Digest{TeamID: teamID, Period: period, Status: DigestSending}
	err = db.CreateDigest(ctx, &row)
	if err == nil {
		return &row, true, nil
	}
	if !errors.Is(err, ErrConflict) {
		return nil, false, err
	}
	d, err = db.DigestFor(ctx, teamID, period)
	return d, false, err
}

// MarkDigestSent records that the digest was sent (again) at t. A missing
// row gives ErrNotFound.
func (db *DB) MarkDigestSent(ctx context.Context, id int64, t time.Time) error {
	res := db.gorm.WithContext(ctx).Model(&Digest{}).Where("id = ?", id).
		Updates(map[string]any{"status": DigestSent, "sent_at": t.UTC()})
	if res.Error == nil && res.RowsAffected == 0 {
		return wrap("mark digest sent", gorm.ErrRecordNotFound)
	}
	return wrap("mark digest sent", res.Error)
}
