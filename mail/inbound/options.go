package inbound

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/tidings-app/tidings/mail"
	"github.com/tidings-app/tidings/mail/outbound"
	"github.com/tidings-app/tidings/mail/reply"
	"github.com/tidings-app/tidings/store"
)

// MeetingFiler files a message received at a meetings ingest address and
// applies action-item commands. mail/meeting implements it.
type MeetingFiler interface {
	// FileMeeting handles a message to meetings@ or meetings+TEAM@; it
	// returns the final inbound status (store.Inbound*) and a reason.
	FileMeeting(ctx context.Context, tx *store.DB, in *store.InboundMessage, msg *reply.Message, rcpt mail.Recipient) (status, reason string, err error)
	// ApplyCommands closes action items named by "done: …" commands in a
	// member's reply and says what it did, for the message's reason. A
	// command that matches nothing is not an error.
	ApplyCommands(ctx context.Context, tx *store.DB, memberID int64, msg *reply.Message) (reason string, err error)
}

// OneOnOneApplier applies replies to one-on-one emails, whose reply
// tokens carry IDs above store.OneOnOneTokenBase. mail/oneonone
// implements it.
type OneOnOneApplier interface {
	ApplyReply(ctx context.Context, tx *store.DB, in *store.InboundMessage, entryID int64) (status, reason string, err error)
}

// Defaults for the zero values of Options.
const (
	DefaultMaxMessageBytes = 25 << 20
	DefaultMaxRecipients   = 50
	DefaultMaxConnections  = 100
	DefaultReadTimeout     = 60 * time.Second
	DefaultWriteTimeout    = 60 * time.Second
	DefaultStoreTimeout    = 10 * time.Second
)

// Options configure a Receiver and a Processor. Addresses is required;
// every other zero value takes the documented default.
type Options struct {
	// Addresses builds and verifies the addresses under our domain.
	Addresses mail.Addresses
	// Hostname is the name in the greeting and Received headers (default
	// Addresses.Domain).
	Hostname string
	// Listen is the address ListenAndServe binds ("127.0.0.1:2525"; default ":25").
	Listen string
	// TLS, when set, enables STARTTLS.
	TLS *tls.Config

	MaxMessageBytes int64 // larger messages get 552 (default 25 MiB)
	MaxRecipients   int   // more RCPTs get 452 (default 50)
	MaxConnections  int   // more concurrent connections get 421 (default 100)
	ReadTimeout     time.Duration
	WriteTimeout    time.Duration
	// StoreTimeout bounds storing one message; slower gives 451 (default 10s).
	StoreTimeout time.Duration

	// Filer files meeting summaries; nil keeps them as ignored.
	Filer MeetingFiler
	// OneOnOnes applies replies to one-on-one emails; nil ignores them.
	OneOnOnes OneOnOneApplier
	// Composer renders the reply to a member's "help" (the list of
	// commands), queued with store.QueueOutbound; nil answers nothing and
	// only notes the request in the message's reason.
	Composer *outbound.Composer
	// TrustedAuthServID is the authserv-id of the MTA in front of us whose
	// Authentication-Results header is believed for SPF and DMARC; empty
	// trusts none.
	TrustedAuthServID string
	// RequireDMARC quarantines replies without dmarc=pass.
	RequireDMARC bool
	// LookupTXT resolves DKIM keys and DMARC policies (default: the system
	// resolver with a 3 s deadline per lookup and a 5-minute cache).
	LookupTXT func(domain string) ([]string, error)

	Logger     *slog.Logger          // default: discard
	Registerer prometheus.Registerer // nil: metrics are not registered
	Now        func() time.Time      // default time.Now
}

func (o Options) withDefaults() (Options, error) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.LookupTXT == nil {
		o.LookupTXT = newTXTResolver(o.Now).LookupTXT
	}
	if o.Addresses.Signer == nil || o.Addresses.Domain == "" {
		return o, errors.New("inbound: options: Addresses needs a Domain and a Signer")
	}
	if o.Hostname == "" {
		o.Hostname = o.Addresses.Domain
	}
	if o.Listen == "" {
		o.Listen = ":25"
	}
	setDefault(&o.MaxMessageBytes, DefaultMaxMessageBytes)
	setDefault(&o.MaxRecipients, DefaultMaxRecipients)
	setDefault(&o.MaxConnections, DefaultMaxConnections)
	setDefault(&o.ReadTimeout, DefaultReadTimeout)
	setDefault(&o.WriteTimeout, DefaultWriteTimeout)
	setDefault(&o.StoreTimeout, DefaultStoreTimeout)
	return o, nil
}

func setDefault[T int | int64 | time.Duration](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}
