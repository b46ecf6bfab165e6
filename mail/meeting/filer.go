package meeting

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/tidings-app/tidings/mail"
	"github.com/tidings-app/tidings/mail/reply"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/templates"
)

// Outgoing is a message the Filer wants sent: a confirmation, the "which
// team?" question or a refusal. IDs are without angle brackets.
type Outgoing struct {
	DedupKey   string // idempotency key: one message per inbound message and kind
	Kind       string // "meeting_confirm", "meeting_ask_team", "meeting_refused"
	To         string
	MemberID   *int64
	TeamID     *int64
	MessageID  string
	InReplyTo  string
	References []string
	ReplyTo    string // empty: the server's From
	Subject    string
	Text       string
	HTML       string
}

// Mailer queues a message inside the caller's transaction (so it is sent
// only if the note is stored). mail/outbound's composer and
// store.(*DB).QueueOutbound satisfy it through a small adapter in cmd.
type Mailer interface {
	// Queue renders headers around m and stores it for delivery; a message
	// with the same DedupKey already queued is not an error.
	Queue(ctx context.Context, tx *store.DB, m Outgoing) error
}

// Options configures a Filer. Addresses, Templates and Mailer are required.
type Options struct {
	Addresses  mail.Addresses
	Templates  *templates.Set
	Mailer     Mailer
	Logger     *slog.Logger          // default: discard
	Registerer prometheus.Registerer // nil: metrics are not registered
	Now        func() time.Time      // default: time.Now
	// DistrustTokens (auth.token_is_proof: false) refuses replies in a
	// note's thread (corrections, the team answer) whose DMARC did not
	// pass, although their In-Reply-To carries our signed Message-ID.
	DistrustTokens bool
}

// Filer files meeting notes sent to the ingest addresses and closes action
// items named in "done:" commands. It is safe for concurrent use.
type Filer struct {
	addr     mail.Addresses
	tmpl     *templates.Set
	mailer   Mailer
	log      *slog.Logger
	now      func() time.Time
	notes    *prometheus.CounterVec
	closed   prometheus.Counter
	purpose  mail.Purpose
	distrust bool // Options.DistrustTokens
}

// New returns a Filer. It fails when a required option is missing, the
// templates lack meeting_confirm or meeting_ask_team, or the metrics are
// already registered.
func New(opts Options) (*Filer, error) {
	if opts.Addresses.Signer == nil || opts.Addresses.Domain == "" || opts.Templates == nil || opts.Mailer == nil {
		return nil, errors.New("meeting: new: Addresses (with Signer), Templates and Mailer are required")
	}
	for _, n := range []string{"meeting_confirm", "meeting_ask_team", "meeting_pending"} {
		if !opts.Templates.Has(n) {
			return nil, fmt.Errorf("meeting: new: %w: %s", templates.ErrNoTemplate, n)
		}
	}
	f := &Filer{addr: opts.Addresses, tmpl: opts.Templates, mailer: opts.Mailer, log: opts.Logger,
		now: opts.Now, purpose: mail.Purpose("meeting"), distrust: opts.DistrustTokens}
	if f.log == nil {
		f.log = slog.New(slog.DiscardHandler)
	}
	if f.now == nil {
		f.now = time.Now
	}
	f.notes = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "tidings_meeting_notes_total",
		Help: "Messages to the meetings addresses, by outcome."}, []string{"outcome"})
	f.closed = prometheus.NewCounter(prometheus.CounterOpts{Name: "tidings_action_items_closed_total",
		Help: "Action items closed by done: replies."})
	if opts.Registerer != nil {
		for _, c := range []prometheus.Collector{f.notes, f.closed} {
			if err := opts.Registerer.Register(c); err != nil {
				return nil, fmt.Errorf("meeting: new: metrics: %w", err)
			}
		}
	}
	return f, nil
}

// FileMeeting handles a message to meetings@ or meetings+TEAM@ (or to a
// note's confirm+TOKEN address) and returns the inbound status
// (store.Inbound*) with a reason. A new note whose DMARC passed
// (in.DMARC) is filed under the team (InboundApplied, confirmation
// queued) or kept unassigned while the forwarder is asked which team
// (InboundApplied); without a DMARC pass it is kept pending and its From
// address asked to confirm (see pending.go); it is quarantined when the
// sender may not post (InboundQuarantined; a notice is queued only when
// the message passed DMARC). A reply to a
// confirmation replaces the note's items and decisions; a reply to the
// question files the note. Auto-replies, bounces and empty messages are
// InboundIgnored and never answered. err is non-nil only for store or
// rendering failures (the job retries).
func (f *Filer) FileMeeting(ctx context.Context, tx *store.DB, in *store.InboundMessage, msg *reply.Message, rcpt mail.Recipient) (status, reason string, err error) {
	switch msg.Kind {
	case reply.KindAutoReply, reply.KindBounce, reply.KindEmpty:
		f.notes.WithLabelValues("ignored").Inc()
		return store.InboundIgnored, fmt.Sprintf("meetings: %s message, not a note", msg.Kind), nil
	}
	if rcpt.Kind == mail.RcptConfirm {
		return f.activate(ctx, tx, in, msg, rcpt.ID)
	}
	sender, err := tx.MemberByAddress(ctx, msg.From)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return "", "", fmt.Errorf("meeting: file: %w", err)
	}
	if id, ok := f.threadNote(msg); ok {
		return f.followUp(ctx, tx, in, msg, rcpt, sender, id)
	}
	teams, allowed, err := f.route(ctx, tx, msg.From, sender, rcpt)
	if err != nil {
		return "", "", fmt.Errorf("meeting: file: %w", err)
	}
	if !allowed {
		return f.quarantine(ctx, tx, in, msg, sender, rcpt)
	}
	if !dmarcPassed(in) {
		return f.filePending(ctx, tx, in, msg, sender, teams, rcpt)
	}
	return f.fileNew(ctx, tx, in, msg, sender, teams)
}

// route returns the teams the note may go to and whether the sender may
// post: meetings+TEAM needs a member of TEAM or an address in its
// AllowedDomains; plain meetings@ offers every team the sender belongs to
// (or whose AllowedDomains hold the sender's domain).
func (f *Filer) route(ctx context.Context, tx *store.DB, from string, sender *store.Member, rcpt mail.Recipient) ([]store.Team, bool, error) {
	var id int64
	if sender != nil {
		id = sender.ID
	}
	_, domain, _ := strings.Cut(strings.ToLower(from), "@")
	teams, err := tx.SenderTeams(ctx, id, domain, rcpt.Team)
	return teams, len(teams) > 0, err
}

// quarantine keeps the note out of every team, and tells the sender only
// when DMARC vouches for the From address (no backscatter to forgeries).
func (f *Filer) quarantine(ctx context.Context, tx *store.DB, in *store.InboundMessage, msg *reply.Message, sender *store.Member, rcpt mail.Recipient) (string, string, error) {
	n := f.buildNote(in, msg, sender)
	n.Status = store.NoteQuarantined
	if err := tx.CreateMeetingNote(ctx, n, nil); err != nil {
		return "", "", fmt.Errorf("meeting: quarantine: %w", err)
	}
	where := f.addr.Meetings(rcpt.Team)
	reason := fmt.Sprintf("meetings: %s may not post to %s", msg.From, where)
	f.notes.WithLabelValues("quarantined").Inc()
	f.log.InfoContext(ctx, "meeting note quarantined", "component", "meeting", "msg_id", msg.MessageID, "team", rcpt.Team)
	if !dmarcPassed(in) {
		return store.InboundQuarantined, reason, nil
	}
	err := f.send(ctx, tx, "meeting_refused", in, msg, nil, confirmData{Refused: true, Address: where})
	if err != nil {
		return "", "", err
	}
	return store.InboundQuarantined, reason, nil
}
