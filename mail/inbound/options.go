package inbound

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/tidings-app/tidings/mail"
	"github.com/tidings-app/tidings/mail/outbound"
	"github.com/tidings-app/tidings/mail/reply"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/templates"
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
	DefaultMaxLineBytes    = 64 << 10
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
	MaxLineBytes    int   // a message with a longer line gets 554 5.6.0 (default 64 KiB; lines.go)
	ReadTimeout     time.Duration
	WriteTimeout    time.Duration
	// StoreTimeout bounds storing one message; slower gives 451 (default 10s).
	StoreTimeout time.Duration
	// InflightBytes caps the bytes of all messages being received or
	// waiting to be stored; a message that does not fit gets 452 4.3.1
	// (default: an eighth of the memory available, see DefaultInflightBytes).
	InflightBytes int64
	// SpoolDir holds messages over 256 KiB while they are received (default
	// os.TempDir()); the files are unlinked at creation.
	SpoolDir string

	// Filer files meeting summaries; nil keeps them as ignored.
	Filer MeetingFiler
	// Asks handles asks, answers and FYIs; nil keeps them as ignored.
	Asks AskHandler
	// OKR files replies to key-result prompts; nil ignores them.
	OKR OKRFiler
	// OneOnOnes applies replies to one-on-one emails; nil ignores them.
	OneOnOnes OneOnOneApplier
	// Composer renders the reply to a member's "help" (the list of
	// commands), queued with store.QueueOutbound; nil answers nothing and
	// only notes the request in the message's reason.
	Composer *outbound.Composer
	// Templates renders the receipt that shows a member how a reply was
	// filed (template "receipt"); nil sends no receipts.
	Templates *templates.Set
	// PublicURL is the base of confirmation links in replies to members
	// (default https://DOMAIN).
	PublicURL string
	// TrustedAuthServID is the authserv-id of the MTA in front of us whose
	// Authentication-Results header is believed for SPF and DMARC; empty
	// trusts none.
	TrustedAuthServID string
	// RequireDMARC quarantines every message that would change something
	// (a reply, a command, a meeting note or its confirmation) unless
	// DMARC passed for its From domain. Bounces to bounces+TOKEN are
	// exempt: an MTA writes them, and the VERP token names the message.
	RequireDMARC bool
	// DistrustTokens (auth.token_is_proof: false) refuses a reply that
	// comes with a valid reply token (or prompt reference) from the
	// member's address when DMARC did not pass. By default such a reply
	// is applied and marked store.ProofToken: the token was only ever
	// sent to the member, so whoever answers it has read the member's
	// mail (see docs/security.md for the trade-off).
	DistrustTokens bool
	// LookupTXT resolves DKIM keys and DMARC policies; NewLookupTXT builds
	// one from the auth.dns setting. Nil means no DNS at all: DKIM and
	// the own DMARC evaluation report "none (dns off)", and only a trusted
	// Authentication-Results can prove a sender.
	LookupTXT func(domain string) ([]string, error)
	// Pacer, when set, is told of every arriving message by the receiver
	// and makes the inbound worker wait its turn during a burst (pace.go);
	// nil never holds processing back.
	Pacer *Pacer

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
	setDefault(&o.MaxLineBytes, DefaultMaxLineBytes)
	if o.InflightBytes <= 0 {
		o.InflightBytes = DefaultInflightBytes()
	}
	if o.SpoolDir == "" {
		o.SpoolDir = os.TempDir()
	}
	return o, nil
}

func setDefault[T int | int64 | time.Duration](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}
