package outbound

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/tidings-app/tidings/mail"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/templates"
)

// PrompterOptions configures a Prompter.
type PrompterOptions struct {
	Composer  *Composer      // required
	Templates *templates.Set // required: prompt, reminder, welcome
	Addresses mail.Addresses // required: Reply-To tokens
	// PublicURL is the base of unsubscribe links ("https://tidings.example.com").
	PublicURL string
	// PageLink, when set, returns the member's link to the archive page
	// of the update answering the prompt (signed for that member; the page
	// says "not answered yet" until a reply arrives); prompts show it.
	PageLink func(team string, promptID, memberID int64) string
	// CatchUp is how far back a run looks for occurrences it missed while
	// the service was down (default 7 days); older ones are ignored. It
	// also bounds how old a membership QueueMissingWelcomes still welcomes.
	CatchUp time.Duration
	// MaxCatchUp caps the occurrences one run considers per member and
	// check-in (default 7): the latest are kept.
	MaxCatchUp int
	// DefaultWindow is the answer window of a check-in without one
	// (default 12h).
	DefaultWindow time.Duration
	Logger        *slog.Logger
	// Now is the clock of QueueMissingWelcomes (default time.Now); SendDue
	// takes its time as an argument.
	Now func() time.Time
}

// Prompter turns check-in schedules into prompts, reminders and welcome
// mail, queued as OutboundMessages for a Deliverer. It is safe for
// concurrent use, also from several processes on one database: the unique
// indexes on prompts and on outbound dedup keys decide who creates what.
type Prompter struct {
	db   *store.DB
	opts PrompterOptions
	log  *slog.Logger
	locs sync.Map // zone name → *time.Location
}

// Summary counts what one SendDue run did.
type Summary struct {
	Queued    int            // prompts queued for delivery
	Reminders int            // reminders queued
	Expired   int            // occurrences recorded as expired, not sent
	Skipped   map[string]int // prompts recorded as skipped, by reason kind
}

// NewPrompter returns a Prompter; it fails when a required option is
// missing.
func NewPrompter(db *store.DB, opts PrompterOptions) (*Prompter, error) {
	if opts.Composer == nil || opts.Templates == nil || opts.Addresses.Signer == nil {
		return nil, errors.New("outbound: prompter needs a Composer, Templates and Addresses")
	}
	if opts.CatchUp <= 0 {
		opts.CatchUp = 7 * 24 * time.Hour
	}
	if opts.MaxCatchUp <= 0 {
		opts.MaxCatchUp = 7
	}
	if opts.DefaultWindow <= 0 {
		opts.DefaultWindow = 12 * time.Hour
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.PublicURL == "" {
		opts.PublicURL = "https://" + opts.Addresses.Domain
	}
	opts.PublicURL = strings.TrimRight(opts.PublicURL, "/")
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Prompter{db: db, opts: opts, log: opts.Logger.With("component", "prompter")}, nil
}

// SendDue schedules every occurrence due by now: each member gets at most
// one prompt per check-in and period, at the schedule's time in the
// member's zone. An occurrence a run sees late (the service was down, or
// now is ahead of the last run) is still sent while its answer window is
// open and recorded as expired, with that reason, after;
// paused, away, unsubscribed and suppressed members' prompts are recorded
// as skipped. It then queues the reminders that are due. Running it again
// for the same now queues nothing. Errors wrap store errors.
func (p *Prompter) SendDue(ctx context.Context, now time.Time) (Summary, error) {
	return p.sendDue(ctx, &run{now: now})
}

// run is one scheduling pass: its clock, its counts and, for
// SendAndDeliver, where each committed batch of messages goes.
type run struct {
	now time.Time
	mu  sync.Mutex // guards sum: chunks run concurrently
	sum Summary
	// x holds members' own settings, prompt opt-outs and holidays.
	x *store.ScheduleExtras
	// hand, when set, receives the messages this pass created, stored
	// already claimed (status sending, no DeliverArgs job) for delivery in
	// this process; nil leaves them queued, each with its job.
	hand func([]*store.OutboundMessage)
}

// add adds the counts of one committed chunk.
func (r *run) add(s *Summary) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sum.Queued += s.Queued
	r.sum.Expired += s.Expired
	for k, n := range s.Skipped {
		r.sum.Skipped[k] += n
	}
}

// status is what new messages are stored as.
func (r *run) status() string {
	if r.hand != nil {
		return store.OutboundSending
	}
	return store.OutboundQueued
}

// handOff passes the created messages (ID set) of a committed transaction
// on.
func (r *run) handOff(ms []*store.OutboundMessage) {
	if r.hand == nil {
		return
	}
	out := make([]*store.OutboundMessage, 0, len(ms))
	for _, m := range ms {
		if m.ID != 0 {
			out = append(out, m)
		}
	}
	if len(out) > 0 {
		r.hand(out)
	}
}

func (p *Prompter) sendDue(ctx context.Context, r *run) (Summary, error) {
	r.sum.Skipped = map[string]int{}
	heads, err := p.db.FindScheduleHeads(ctx)
	if err != nil {
		return r.sum, fmt.Errorf("outbound: send due: %w", err)
	}
	if r.x, err = p.db.LoadScheduleExtras(ctx); err != nil {
		return r.sum, fmt.Errorf("outbound: send due: %w", err)
	}
	for i := range heads {
		if err := p.scheduleTeam(ctx, &heads[i], r); err != nil {
			return r.sum, err
		}
	}
	if err := p.queueReminders(ctx, r); err != nil {
		return r.sum, err
	}
	return r.sum, nil
}

// scheduleTeam creates the team's prompts that came due since each
// check-in's recorded progress, then records the progress. Members are
// loaded only when some check-in has an occurrence in that span in one
// of the team's zones, so a pass with nothing due costs no member reads.
func (p *Prompter) scheduleTeam(ctx context.Context, h *store.ScheduleHead, r *run) error {
	var due []store.CheckIn
	for _, c := range h.CheckIns {
		if c.Kind == store.CheckInOKR {
			continue // mail/okr prompts key-result owners
		}
		sched, err := store.ParseSchedule(c.Schedule)
		if err != nil {
			p.log.Error("bad schedule", "team", h.Team.Slug, "check_in", c.Name, "err", err)
			continue
		}
		if p.anyDue(sched, h, &c, r) {
			due = append(due, c)
		}
	}
	if len(due) == 0 {
		return nil
	}
	ts, err := p.db.FindTeamSchedule(ctx, h.Team, due)
	if err != nil {
		return fmt.Errorf("outbound: send due: %w", err)
	}
	for j := range ts.CheckIns {
		c := &ts.CheckIns[j]
		if err := p.scheduleCheckIn(ctx, &ts, c, h.DoneThrough[c.ID], r); err != nil {
			return err
		}
		if err := p.db.SetScheduleProgress(ctx, c, r.now); err != nil {
			return fmt.Errorf("outbound: send due: %w", err)
		}
	}
	return nil
}

// anyDue reports whether check-in c has an occurrence since its recorded
// progress in one of the team's zones, at the check-in's own time or at
// any prompt time and working days a member set (members' own settings
// are few, so every distinct one is tried rather than loading members).
func (p *Prompter) anyDue(sched store.Schedule, h *store.ScheduleHead, c *store.CheckIn, r *run) bool {
	from := p.horizon(c, h.DoneThrough[c.ID], r.now)
	scheds := []store.Schedule{sched}
	seen := map[string]bool{}
	for _, pr := range r.x.Prefs {
		k := pr.Days + "|" + pr.PromptAt
		if (pr.Days == "" && pr.PromptAt == "") || seen[k] {
			continue
		}
		seen[k] = true
		if ms, _, err := sched.ForMember(pr.Days, pr.PromptAt); err == nil {
			scheds = append(scheds, ms)
		}
	}
	for _, z := range h.Zones {
		loc, err := p.location(z)
		if err != nil {
			continue // logged with the member when the team is loaded
		}
		for _, sc := range scheds {
			if len(sc.Between(from, r.now, loc, 1)) > 0 {
				return true
			}
		}
	}
	return false
}

// horizon is where a pass starts looking for a check-in's occurrences:
// the latest of the catch-up horizon, the check-in's creation and its
// recorded progress.
func (p *Prompter) horizon(c *store.CheckIn, done, now time.Time) time.Time {
	from := now.Add(-p.opts.CatchUp)
	if c.CreatedAt.After(from) {
		from = c.CreatedAt
	}
	if done.After(from) {
		from = done
	}
	return from
}

// occurrence is one member's prompt to create.
type occurrence struct {
	member *store.ScheduledMember
	loc    *time.Location
	due    time.Time
	period string
	// skipKind and skipReason, when set, record the occurrence as
	// skipped for a reason of the team or check-in (holiday, not a
	// working day, unsubscribed from this check-in).
	skipKind, skipReason string
}

func (p *Prompter) scheduleCheckIn(ctx context.Context, ts *store.TeamSchedule, c *store.CheckIn, done time.Time, r *run) error {
	sched, err := store.ParseSchedule(c.Schedule)
	if err != nil {
		p.log.Error("bad schedule", "team", ts.Team.Slug, "check_in", c.Name, "err", err)
		return nil
	}
	occs, periods := p.occurrences(sched, ts, c, p.horizon(c, done, r.now), r)
	have, err := p.db.PromptKeys(ctx, c.ID, periods)
	if err != nil {
		return fmt.Errorf("outbound: send due: %w", err)
	}
	todo := occs[:0]
	for _, o := range occs {
		if !have[store.PromptKey{MemberID: o.member.ID, Period: o.period}] {
			todo = append(todo, o)
		}
	}
	return p.createChunks(ctx, ts, c, todo, r)
}

// occurrences lists each member's occurrences between from (see horizon)
// and now, and since the member's joining, at the member's own prompt
// time and working days when they set them (see
// store.Schedule.ForMember); period keys come from the check-in's
// schedule, so a changed setting never makes a second prompt for a day.
func (p *Prompter) occurrences(sched store.Schedule, ts *store.TeamSchedule, c *store.CheckIn, from time.Time, r *run) ([]occurrence, []string) {
	now := r.now
	byZone := map[string][]time.Time{}
	var out []occurrence
	seen := map[string]bool{}
	var periods []string
	for i := range ts.Members {
		m := &ts.Members[i]
		loc, err := p.location(m.Location)
		if err != nil {
			p.log.Error("bad time zone", "team", ts.Team.Slug, "member", m.Email, "zone", m.Location)
			continue
		}
		prefs := r.x.Prefs[m.ID]
		msched, work, err := sched.ForMember(prefs.Days, prefs.PromptAt)
		if err != nil {
			p.log.Error("bad member setting", "team", ts.Team.Slug, "member", m.Email, "err", err)
		}
		key := m.Location + "|" + prefs.Days + "|" + prefs.PromptAt
		times, ok := byZone[key]
		if !ok {
			times = msched.Between(from, now, loc, p.opts.MaxCatchUp)
			byZone[key] = times
		}
		for _, t := range times {
			if t.Before(m.JoinedAt) {
				continue
			}
			per := sched.Period(t, loc)
			o := occurrence{member: m, loc: loc, due: t, period: per}
			o.skipKind, o.skipReason = p.teamSkip(ts, c, m, t, loc, work, r.x)
			out = append(out, o)
			if !seen[per] {
				seen[per] = true
				periods = append(periods, per)
			}
		}
	}
	return out, periods
}

// teamSkip says why an occurrence is skipped whoever the member is: the
// team's holiday, the member's day off, or the member stopped this
// check-in's prompts ("" to go on).
func (p *Prompter) teamSkip(ts *store.TeamSchedule, c *store.CheckIn, m *store.ScheduledMember, t time.Time, loc *time.Location,
	work uint64, x *store.ScheduleExtras) (kind, reason string) {
	if h, ok := x.Holidays[ts.Team.ID][t.In(loc).Format("2006-01-02")]; ok {
		reason = store.HolidayReason
		if h.Name != "" {
			reason += " (" + h.Name + ")"
		}
		return "holiday", reason
	}
	if !store.OnWorkingDay(t, loc, work) {
		return "day off", "not one of the member's working days (" + x.Prefs[m.ID].Days + ")"
	}
	if x.Optouts[c.ID][m.ID] {
		return "unsubscribed", "member stopped this check-in's prompts"
	}
	return "", ""
}

func (p *Prompter) location(name string) (*time.Location, error) {
	if l, ok := p.locs.Load(name); ok {
		return l.(*time.Location), nil
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	p.locs.Store(name, l)
	return l, nil
}

// newPrompt decides the status of one occurrence: skipped for a holiday,
// a day off or an opt-out from the check-in, expired when its window
// closed before now, skipped when the member gets no mail, else pending.
func (p *Prompter) newPrompt(ts *store.TeamSchedule, c *store.CheckIn, o occurrence, now time.Time, suppressed bool) (*store.Prompt, string) {
	window := c.Window
	if window <= 0 {
		window = p.opts.DefaultWindow
	}
	pr := &store.Prompt{CheckInID: c.ID, MemberID: o.member.ID, TeamID: ts.Team.ID, Period: o.period,
		DueAt: o.due.UTC(), ExpiresAt: o.due.Add(window).UTC(), Status: store.PromptPending}
	if o.skipKind != "" {
		pr.Status, pr.Reason = store.PromptSkipped, o.skipReason
		return pr, o.skipKind
	}
	if !now.Before(pr.ExpiresAt) {
		pr.Status = store.PromptExpired
		// Say only what is known: the scheduler first saw the occurrence
		// after its window (downtime, a clock set forward, a check-in
		// created with a catch-up horizon).
		pr.Reason = fmt.Sprintf("not sent: its answer window had closed (%s) when the scheduler ran (%s)",
			pr.ExpiresAt.In(o.loc).Format("Mon 2 Jan 15:04 MST"), now.In(o.loc).Format("Mon 2 Jan 15:04 MST"))
		return pr, ""
	}
	kind, reason := memberSkip(&o.member.Member, now, suppressed)
	if kind != "" {
		pr.Status, pr.Reason = store.PromptSkipped, reason
	}
	return pr, kind
}

// memberSkip says why a member gets no mail now: kind is "unsubscribed",
// "paused", "away" or "suppressed" ("" to send) and reason the detail.
func memberSkip(m *store.Member, now time.Time, suppressed bool) (kind, reason string) {
	switch {
	case m.Unsubscribed:
		return "unsubscribed", "member unsubscribed"
	case m.PausedUntil != nil && m.PausedUntil.After(now):
		return "paused", "paused until " + m.PausedUntil.UTC().Format("2006-01-02 15:04 MST")
	case m.AwayUntil != nil && m.AwayUntil.After(now):
		return "away", "away until " + m.AwayUntil.UTC().Format("2006-01-02 15:04 MST")
	case suppressed:
		return "suppressed", "address suppressed after a hard bounce or complaint"
	}
	return "", ""
}
