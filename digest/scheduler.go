package digest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/tidings-app/tidings/store"
)

// Scheduler finds the digests that are due and enqueues a SendDigestArgs
// job for each; River's unique jobs and the store's digest rows make the
// sends happen once however many instances run it.
type Scheduler struct {
	db      *store.DB
	log     *slog.Logger
	catchUp time.Duration
}

// SchedulerOptions configures a Scheduler.
type SchedulerOptions struct {
	// CatchUp is how late a digest is still sent after its time (an
	// instance was down); default 6h. Later than that the period is left
	// unsent rather than mailing a stale digest.
	CatchUp time.Duration
	Logger  *slog.Logger
}

// NewScheduler returns a Scheduler over db.
func NewScheduler(db *store.DB, opts SchedulerOptions) *Scheduler {
	if opts.CatchUp <= 0 {
		opts.CatchUp = 6 * time.Hour
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Scheduler{db: db, log: opts.Logger, catchUp: opts.CatchUp}
}

// Due lists the digests due at now: for each team with a digest schedule,
// the period whose occurrence passed within CatchUp and is not yet sent;
// for a DigestLocal team, one entry per readers' time zone whose local
// occurrence passed within CatchUp. A team whose schedule does not parse
// is logged and skipped. Members' own digest settings add Cadence sends
// (see dueCadence). Store errors come back wrapped.
func (s *Scheduler) Due(ctx context.Context, now time.Time) ([]store.SendDigestArgs, error) {
	teams, err := s.db.FindTeams(ctx)
	if err != nil {
		return nil, fmt.Errorf("digest: schedule: %w", err)
	}
	var out []store.SendDigestArgs
	for i := range teams {
		t := &teams[i]
		if t.DigestSchedule == "" {
			continue
		}
		sched, loc, err := scheduleOf(t)
		if err != nil {
			s.log.WarnContext(ctx, "digest schedule skipped", "component", "digest", "team", t.Slug, "err", err)
			continue
		}
		// The team's members, read once per team and only when needed.
		var loaded []store.TeamMember
		members := func() ([]store.TeamMember, error) {
			if loaded != nil {
				return loaded, nil
			}
			ms, err := s.db.FindTeamMembers(ctx, t.ID)
			if err != nil {
				return nil, fmt.Errorf("digest: schedule: %w", err)
			}
			loaded = ms
			return ms, nil
		}
		var due []store.SendDigestArgs
		if t.DigestLocal {
			due, err = s.dueLocal(ctx, t, sched, now, members)
		} else {
			due, err = s.dueTeam(ctx, t, sched, loc, now)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, due...)
		extra, err := s.dueCadence(ctx, t, sched, loc, now, members)
		if err != nil {
			return nil, err
		}
		out = append(out, extra...)
	}
	return out, nil
}

func (s *Scheduler) dueTeam(ctx context.Context, t *store.Team, sched store.Schedule, loc *time.Location, now time.Time) ([]store.SendDigestArgs, error) {
	occ := sched.Prev(now, loc)
	if occ.IsZero() || now.Sub(occ) > s.catchUp {
		return nil, nil
	}
	key := sched.Period(occ, loc)
	row, err := s.db.DigestFor(ctx, t.ID, key)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return nil, fmt.Errorf("digest: schedule: %w", err)
	case row.Status == store.DigestSent:
		return nil, nil
	}
	return []store.SendDigestArgs{{TeamID: t.ID, Period: key}}, nil
}

// dueLocal returns one entry per readers' zone whose local occurrence has
// come; the period key is the reader-local one, which names the same
// period in the team's zone for weekly and daily schedules.
func (s *Scheduler) dueLocal(ctx context.Context, t *store.Team, sched store.Schedule, now time.Time, teamMembers func() ([]store.TeamMember, error)) ([]store.SendDigestArgs, error) {
	members, err := teamMembers()
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []store.SendDigestArgs
	for _, m := range members {
		if seen[m.Location] || m.Unsubscribed || m.DigestOff {
			continue
		}
		seen[m.Location] = true
		loc, err := time.LoadLocation(m.Location)
		if err != nil {
			continue // Build sends these readers the team-zone copy
		}
		occ := sched.Prev(now, loc)
		if occ.IsZero() || now.Sub(occ) > s.catchUp {
			continue
		}
		out = append(out, store.SendDigestArgs{TeamID: t.ID, Period: sched.Period(occ, loc), Zone: m.Location})
	}
	return out, nil
}

// SendDue enqueues a SendDigestArgs job for every digest Due at now and
// returns them. Enqueueing a job already enqueued (another instance, an
// earlier run) is a no-op. Store errors come back wrapped.
func (s *Scheduler) SendDue(ctx context.Context, now time.Time) ([]store.SendDigestArgs, error) {
	due, err := s.Due(ctx, now)
	if err != nil {
		return nil, err
	}
	params := make([]river.InsertManyParams, len(due))
	for i, a := range due {
		params[i] = river.InsertManyParams{Args: a}
	}
	if err := s.db.EnqueueMany(ctx, params); err != nil {
		return nil, fmt.Errorf("digest: schedule: %w", err)
	}
	return due, nil
}
