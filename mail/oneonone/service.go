package oneonone

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/tidings-app/tidings/mail"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/templates"
)

// Outgoing is a message the service wants sent. IDs are without angle
// brackets.
type Outgoing struct {
	DedupKey   string // one message per key, ever
	Kind       string // "oneonone_prepare", "oneonone_agenda", …
	To         string
	MemberID   *int64
	TeamID     *int64
	MessageID  string
	InReplyTo  string
	References []string
	ReplyTo    string
	Subject    string
	Text       string
	HTML       string
}

// Mailer queues a message inside the caller's transaction, so it is sent
// only when what it reports is stored. A message whose DedupKey is already
// queued is not an error.
type Mailer interface {
	Queue(ctx context.Context, tx *store.DB, m Outgoing) error
}

// Options configures a Service. Addresses (with a Signer), Templates and
// Mailer are required.
type Options struct {
	Addresses mail.Addresses
	Templates *templates.Set
	Mailer    Mailer
	Logger    *slog.Logger     // default: discard
	Now       func() time.Time // default time.Now
}

// Service sends a pair's prompts, agendas and follow-ups and applies the
// replies to them. It is safe for concurrent use; idempotence comes from
// the store's unique keys.
type Service struct {
	db     *store.DB
	addr   mail.Addresses
	tmpl   *templates.Set
	mailer Mailer
	log    *slog.Logger
	now    func() time.Time
}

// New returns a service on db.
func New(db *store.DB, opts Options) (*Service, error) {
	if opts.Addresses.Signer == nil || opts.Addresses.Domain == "" || opts.Templates == nil || opts.Mailer == nil {
		return nil, errors.New("oneonone: new: Addresses (with Signer), Templates and Mailer are required")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Service{db: db, addr: opts.Addresses, tmpl: opts.Templates, mailer: opts.Mailer,
		log: opts.Logger.With("component", "oneonone"), now: opts.Now}, nil
}

// tokenID is the reply-token ID of entry id.
func tokenID(entryID int64) int64 { return store.OneOnOneTokenBase + entryID }

// replyTo is the reply address of an entry.
func (s *Service) replyTo(entryID int64) string { return s.addr.Reply(tokenID(entryID)) }

// threadIDs are the Message-ID of an entry's email and its References key.
func (s *Service) threadIDs(entryID int64) (string, string) {
	return s.addr.ThreadIDs(tokenID(entryID))
}

// send renders template name with data for person to of pair p and queues
// it. entryID, when not zero, gives the Message-ID and thread key;
// data.ReplyTo the Reply-To; inReplyTo threads it under another message.
func (s *Service) send(ctx context.Context, tx *store.DB, p *store.OneOnOnePair, to int64, name, dedup string, entryID int64, inReplyTo string, data pageData) (string, error) {
	person, ok := p.Person(to)
	if !ok {
		return "", fmt.Errorf("oneonone: send %s: person %d is not in the pair", name, to)
	}
	r, err := s.tmpl.Render(name, data)
	if err != nil {
		return "", fmt.Errorf("oneonone: render %s: %w", name, err)
	}
	text := templates.Wrap(strings.TrimRight(r.Text, " \n"), templates.TextWidth) + "\n"
	out := Outgoing{DedupKey: dedup, Kind: name, To: person.Email, MemberID: &person.ID, TeamID: &p.TeamID,
		Subject: strings.TrimSpace(r.Subject), Text: text, HTML: r.HTML, ReplyTo: data.ReplyTo}
	if entryID != 0 {
		id, key := s.threadIDs(entryID)
		out.MessageID, out.References = id, []string{key}
	}
	if inReplyTo != "" {
		out.InReplyTo = inReplyTo
		out.References = append([]string{inReplyTo}, out.References...)
	}
	if err := s.mailer.Queue(ctx, tx, out); err != nil {
		return "", fmt.Errorf("oneonone: queue %s: %w", name, err)
	}
	return out.MessageID, nil
}

// dedup builds an idempotency key.
func dedup(parts ...any) string {
	ss := make([]string, len(parts))
	for i, p := range parts {
		switch v := p.(type) {
		case int64:
			ss[i] = strconv.FormatInt(v, 10)
		default:
			ss[i] = fmt.Sprint(v)
		}
	}
	return strings.Join(ss, ":")
}
