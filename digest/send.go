package digest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/templates"
)

// Errors returned (wrapped) by Service.
var (
	// ErrAlreadySent means the team's digest for the period was sent and
	// Force was not set.
	ErrAlreadySent = errors.New("digest: already sent")
	// ErrNoSchedule means the team has no (valid) digest schedule.
	ErrNoSchedule = errors.New("digest: no digest schedule")
)

// Header is one extra message header.
type Header struct{ Name, Value string }

// Address is a mailbox with an optional display name.
type Address struct{ Name, Email string }

// Message is one rendered digest for one recipient, ready to be composed
// into MIME and queued.
type Message struct {
	// DedupKey identifies this recipient's copy of this digest: queueing
	// the same key twice must queue one message.
	DedupKey  string
	TeamID    int64
	MemberID  int64
	To        string // address
	ToName    string
	MessageID string    // "<digest.platform.2026-W48.7@domain>"
	ReplyTo   []Address // the team leads; empty when there is none
	Subject   string
	Text      string
	HTML      string
	// Headers are List-Id, List-Unsubscribe(-Post), Auto-Submitted,
	// Precedence and X-Auto-Response-Suppress, in that order.
	Headers []Header
}

// Sender queues messages for delivery; cmd/tidings adapts the outbound
// queue to it.
type Sender interface {
	// Send queues m. It must be idempotent on m.DedupKey: a key already
	// queued returns queued == false and a nil error. An error means m was
	// not queued; wrap store.ErrUnavailable when a retry may succeed.
	Send(ctx context.Context, m Message) (queued bool, err error)
}

// Options configures a Service.
type Options struct {
	// Domain is the right-hand side of Message-IDs and the List-Id.
	Domain string
	// Templates renders the digest; nil uses the embedded templates.
	Templates *templates.Set
	// Unsubscribe returns a member's one-click unsubscribe URL; nil, or an
	// empty URL, leaves List-Unsubscribe out.
	Unsubscribe func(memberID int64) string
	// TeamUnsubscribe, when set, is used instead of Unsubscribe: the URL
	// that stops this team's digests only for the member.
	TeamUnsubscribe func(teamID, memberID int64) string
	// PageLink, when set, returns the recipient's link to the digest of
	// team (slug) for period in the web archive; the digest shows it.
	PageLink func(team, period string, memberID int64) string
	Logger   *slog.Logger // default: discard
	Now      func() time.Time
	// Negative judges whether an answer filed before its Negative verdict
	// was recorded says nothing ("none", "n/a"); cmd passes the reply
	// parser's reply.IsNegative, the judge mail/inbound records verdicts
	// with. nil: only blank answers are left out of such updates.
	Negative func(text string) bool
}

// Service loads, builds, renders and sends digests.
type Service struct {
	db   *store.DB
	out  Sender
	opts Options
}

// New returns a Service. It fails only when the embedded templates do not
// parse.
func New(db *store.DB, out Sender, opts Options) (*Service, error) {
	if opts.Templates == nil {
		set, err := templates.Parse(templates.Default())
		if err != nil {
			return nil, fmt.Errorf("digest: %w", err)
		}
		opts.Templates = set
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Service{db: db, out: out, opts: opts}, nil
}

// Period resolves key for team: "" is the period in progress now,
// otherwise see ParsePeriod. Errors wrap ErrNoSchedule or ErrBadPeriod.
func (s *Service) Period(team *store.Team, key string) (Period, error) {
	return s.CadencePeriod(team, key, "")
}

// CadencePeriod is Period for a Cadence send (store.DigestDaily on a
// weekly team, store.DigestWeekly on a daily one; "" the team's own): the
// period of the derived schedule named by key ("" is the one in progress).
// Errors wrap ErrNoSchedule or ErrBadPeriod (also when the cadence does
// not apply).
func (s *Service) CadencePeriod(team *store.Team, key, cadence string) (Period, error) {
	sched, loc, err := scheduleOf(team)
	if err != nil {
		return Period{}, err
	}
	if cadence != "" {
		if sched, err = cadenceSchedule(sched, cadence); err != nil {
			return Period{}, err
		}
	}
	p := CurrentPeriod(sched, s.opts.Now(), loc)
	if key != "" {
		if p, err = ParsePeriod(sched, key, loc); err != nil {
			return Period{}, err
		}
	}
	p.Cadence = cadence
	return p, nil
}

func scheduleOf(team *store.Team) (store.Schedule, *time.Location, error) {
	if team.DigestSchedule == "" {
		return store.Schedule{}, nil, fmt.Errorf("%w: team %s", ErrNoSchedule, team.Slug)
	}
	sched, err := store.ParseSchedule(team.DigestSchedule)
	if err != nil {
		return store.Schedule{}, nil, fmt.Errorf("%w: team %s: %w", ErrNoSchedule, team.Slug, err)
	}
	loc, err := time.LoadLocation(team.Timezone)
	if err != nil {
		return store.Schedule{}, nil, fmt.Errorf("%w: team %s: time zone: %w", ErrNoSchedule, team.Slug, err)
	}
	return sched, loc, nil
}

// Load loads the team's data for p and builds the digest as of now.
// Store errors (ErrNotFound, ErrUnavailable) come back wrapped.
func (s *Service) Load(ctx context.Context, teamID int64, p Period) (Digest, error) {
	data, err := s.db.LoadDigest(ctx, teamID, p.Start, p.End, s.opts.Now())
	if err != nil {
		return Digest{}, fmt.Errorf("digest: load: %w", err)
	}
	d := BuildJudged(data, p, s.opts.Now(), s.opts.Negative)
	if d.OKR, err = LoadOKRSection(ctx, s.db, teamID, p); err != nil {
		return Digest{}, err
	}
	if d.OKR != nil {
		d.Blockers = append(d.Blockers, d.OKR.Blockers...)
	}
	if d.Asks, err = LoadAsks(ctx, s.db, teamID, p); err != nil {
		return Digest{}, err
	}
	return d, nil
}

// Render renders d for one recipient, times in their zone, with the
// service's templates (see RenderFor for the errors).
func (s *Service) Render(d Digest, to Person) (templates.Rendered, error) {
	return renderFor(s.opts.Templates, d, to.Location, s.unsubscribe(d.TeamID, to.MemberID), s.pageLink(d, to.MemberID))
}

func (s *Service) pageLink(d Digest, memberID int64) string {
	if s.opts.PageLink == nil {
		return ""
	}
	return s.opts.PageLink(d.TeamSlug, sendKey(d.Period), memberID) // the claimed row's key
}

func (s *Service) unsubscribe(teamID, memberID int64) string {
	if s.opts.TeamUnsubscribe != nil {
		return s.opts.TeamUnsubscribe(teamID, memberID)
	}
	if s.opts.Unsubscribe == nil {
		return ""
	}
	return s.opts.Unsubscribe(memberID)
}

// message wraps one recipient's rendering in a Message with its headers.
// resend is empty for the period's first send and distinguishes forced
// resends (their Message-ID and dedup key must differ, or mail clients and
// the queue would drop them).
func (s *Service) message(d Digest, to Person, r templates.Rendered, resend string) Message {
	id := fmt.Sprintf("digest.%s.%s.%d%s", d.TeamSlug, sendKey(d.Period), to.MemberID, resend)
	m := Message{
		DedupKey: fmt.Sprintf("digest:%d:%s:%d%s", d.TeamID, sendKey(d.Period), to.MemberID, resend),
		TeamID:   d.TeamID, MemberID: to.MemberID, To: to.Email, ToName: to.Name,
		MessageID: "<" + id + "@" + s.opts.Domain + ">",
		Subject:   r.Subject, Text: r.Text, HTML: r.HTML,
	}
	for _, l := range d.Leads {
		m.ReplyTo = append(m.ReplyTo, Address{Name: l.Name, Email: l.Email})
	}
	m.Headers = append(m.Headers, Header{"List-Id", "<" + d.TeamSlug + ".digest." + s.opts.Domain + ">"})
	if u := s.unsubscribe(d.TeamID, to.MemberID); u != "" {
		m.Headers = append(m.Headers, Header{"List-Unsubscribe", "<" + u + ">"},
			Header{"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"})
	}
	m.Headers = append(m.Headers, Header{"Auto-Submitted", "auto-generated"},
		Header{"Precedence", "bulk"}, Header{"X-Auto-Response-Suppress", "All"})
	return m
}
