// Package ask runs questions, feedback requests and FYIs sent to a team by
// email: a member writes to ask+TEAM@ (or ask@ when in one team) and every
// member gets the question with a signed reply address of their own;
// answers are read by reply.ReadVote; one results email goes out at the
// deadline, when everyone answered, or when the asker replies "close".
// FYIs to fyi+TEAM@ are held for the digest, or sent at once when the
// subject says "urgent".
//
// Proof before trust: an ask or FYI reaches other members only when its
// message passed DMARC or the sender confirmed it by replying to a
// message sent to the From address (asker+TOKEN, which a forger never
// sees). Strangers are quarantined without any reply.
//
// It is called by mail/inbound's process job through Service.Handle inside
// the job's store transaction, and by its own periodic job (Sweep) for
// reminders and deadlines. It imports store, templates, mail and
// mail/reply; never mail/inbound, mail/outbound or digest.
package ask

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/tidings-app/tidings/mail"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/templates"
)

// Attachment is a file to attach to an outgoing message.
type Attachment struct {
	Filename    string
	ContentType string
	Data        []byte
}

// Outgoing is a message the Service wants sent. IDs are without angle
// brackets.
type Outgoing struct {
	DedupKey   string // idempotency key
	Kind       string // "ask_confirm", "ask_question", "ask_reminder", "ask_results", "fyi"
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
	// Attachments go with the message (already within MaxAttachBytes).
	Attachments []Attachment
}

// Mailer queues a message inside the caller's transaction.
type Mailer interface {
	// Queue renders headers around m and stores it for delivery; a message
	// with the same DedupKey already queued is not an error.
	Queue(ctx context.Context, tx *store.DB, m Outgoing) error
}

// DefaultMaxAttachBytes is the default total size of the attachments an
// ask forwards to each member; larger files are named, not attached.
const DefaultMaxAttachBytes = 5 << 20

// Options configures a Service. Addresses, Templates and Mailer are
// required.
type Options struct {
	Addresses mail.Addresses
	Templates *templates.Set
	Mailer    Mailer
	// MaxAttachBytes caps the attachments forwarded with each copy
	// (default DefaultMaxAttachBytes; negative: never attach).
	MaxAttachBytes int64
	Logger         *slog.Logger     // default: discard
	Now            func() time.Time // default: time.Now
}

// Service handles asks and FYIs. It is safe for concurrent use.
type Service struct {
	addr     mail.Addresses
	tmpl     *templates.Set
	mailer   Mailer
	maxBytes int64
	log      *slog.Logger
	now      func() time.Time
}

// New returns a Service; it fails when a required option is missing or
// the templates lack one of the ask messages.
func New(opts Options) (*Service, error) {
	if opts.Addresses.Signer == nil || opts.Addresses.Domain == "" || opts.Templates == nil || opts.Mailer == nil {
		return nil, errors.New("ask: new: Addresses (with Signer), Templates and Mailer are required")
	}
	for _, n := range []string{"ask_confirm", "ask_question", "ask_results", "fyi"} {
		if !opts.Templates.Has(n) {
			return nil, errors.Join(errors.New("ask: new"), templates.ErrNoTemplate, errors.New(n))
		}
	}
	s := &Service{addr: opts.Addresses, tmpl: opts.Templates, mailer: opts.Mailer, maxBytes: opts.MaxAttachBytes,
		log: opts.Logger, now: opts.Now}
	if s.maxBytes == 0 {
		s.maxBytes = DefaultMaxAttachBytes
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.log = s.log.With("component", "ask")
	return s, nil
}
