package okr

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/tidings-app/tidings/mail"
	"github.com/tidings-app/tidings/mail/outbound"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/templates"
)

// Outbound message kinds.
const (
	KindPrompt  = "prompt" // the delivery records move a "prompt" message's prompt to sent
	KindReceipt = "okr_receipt"
)

// Options configures a Service. Composer, Templates and Addresses are
// required.
type Options struct {
	Composer  *outbound.Composer
	Templates *templates.Set // okr_prompt, okr_receipt
	Addresses mail.Addresses
	// PublicURL is the base of unsubscribe links (default https://DOMAIN).
	PublicURL string
	// CatchUp is how far back SendDue looks for occurrences it missed
	// (default 7 days); MaxCatchUp caps them per owner (default 2).
	CatchUp    time.Duration
	MaxCatchUp int
	// DefaultWindow is the answer window of a check-in without one
	// (default 72h).
	DefaultWindow time.Duration
	Logger        *slog.Logger
	Now           func() time.Time
}

// Service prompts key-result owners and files their replies. It is safe
// for concurrent use, also from several processes on one database: the
// unique index on prompts decides who creates each prompt.
type Service struct {
	db   *store.DB
	opts Options
	log  *slog.Logger
	locs sync.Map
}

// New returns a Service; it fails when a required option or template is
// missing.
func New(db *store.DB, opts Options) (*Service, error) {
	if opts.Composer == nil || opts.Templates == nil || opts.Addresses.Signer == nil {
		return nil, errors.New("okr: new: Composer, Templates and Addresses are required")
	}
	for _, n := range []string{"okr_prompt", "okr_receipt", "okr_retro", KindRecap, KindConfirm} {
		if !opts.Templates.Has(n) {
			return nil, fmt.Errorf("okr: new: %w: %s", templates.ErrNoTemplate, n)
		}
	}
	if opts.CatchUp <= 0 {
		opts.CatchUp = 7 * 24 * time.Hour
	}
	if opts.MaxCatchUp <= 0 {
		opts.MaxCatchUp = 2
	}
	if opts.DefaultWindow <= 0 {
		opts.DefaultWindow = 72 * time.Hour
	}
	if opts.PublicURL == "" {
		opts.PublicURL = "https://" + opts.Addresses.Domain
	}
	opts.PublicURL = strings.TrimRight(opts.PublicURL, "/")
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Service{db: db, opts: opts, log: opts.Logger.With("component", "okr")}, nil
}

func (s *Service) location(name string) *time.Location {
	if l, ok := s.locs.Load(name); ok {
		return l.(*time.Location)
	}
	l, err := time.LoadLocation(name)
	if err != nil || name == "" {
		l = time.UTC
	}
	s.locs.Store(name, l)
	return l
}

// threadIDs are a prompt's Message-ID and its References key, built as
// mail/outbound builds them, so a reply that lost Reply-To still finds
// its prompt.
func (s *Service) threadIDs(promptID int64) (msgID, key string) {
	tok := s.opts.Addresses.Signer.Token(mail.PurposeReply, promptID)
	at := "@" + s.opts.Addresses.Domain
	return fmt.Sprintf("prompt-%d-%s%s", promptID, tok, at), "reply-" + tok + at
}

func (s *Service) unsubscribeURL(memberID int64) string {
	return s.opts.PublicURL + "/u/" + s.opts.Addresses.Signer.Token(outbound.PurposeUnsubscribe, memberID)
}

// listHeaders are the automated-mail headers every prompt carries.
func listHeaders(unsubURL, reply string) []outbound.Header {
	unsub := "<" + unsubURL + ">"
	if reply != "" {
		unsub += ", <mailto:" + reply + "?subject=unsubscribe>"
	}
	return []outbound.Header{
		{Key: "Auto-Submitted", Value: "auto-generated"},
		{Key: "X-Auto-Response-Suppress", Value: "All"},
		{Key: "List-Unsubscribe", Value: unsub},
		{Key: "List-Unsubscribe-Post", Value: "List-Unsubscribe=One-Click"},
	}
}
