package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	netmail "net/mail"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/tidings-app/tidings/digest"
	"github.com/tidings-app/tidings/mail"
	"github.com/tidings-app/tidings/mail/ask"
	"github.com/tidings-app/tidings/mail/inbound"
	"github.com/tidings-app/tidings/mail/meeting"
	"github.com/tidings-app/tidings/mail/outbound"
	"github.com/tidings-app/tidings/mail/reply"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/templates"
	"github.com/tidings-app/tidings/web"
)

// deps are the parts that every command sending or receiving mail shares,
// built once from the configuration and the store. Its methods build the
// packages' services with consistent options, so serve and the one-shot
// commands (prompts send, ingest, digest send, inbound reprocess) behave the
// same.
type deps struct {
	cfg       *Config
	db        *store.DB
	log       *slog.Logger
	reg       prometheus.Registerer // nil: no metrics
	now       func() time.Time
	addrs     mail.Addresses
	templates *templates.Set
	composer  *outbound.Composer
	meetings  *meeting.Filer   // built once: it registers metrics
	askSvc    *ask.Service     // built once
	inbound   *inbound.Options // built once: the receiver and the processor share it
	secret    string           // the server secret (configured or kept in the store)
	links     *web.Links       // signs the archive links in emails
	web       *web.Server      // built once
}

// newDeps resolves the secret (configured, else kept in the store), parses
// the templates (embedded, overlaid by server.templates) and builds the
// composer (with DKIM when configured). Configuration problems are
// exitError EX_CONFIG; an unreachable store EX_TEMPFAIL.
func newDeps(ctx context.Context, cfg *Config, db *store.DB, log *slog.Logger, reg prometheus.Registerer, now func() time.Time) (*deps, error) {
	d := &deps{cfg: cfg, db: db, log: log, reg: reg, now: now}
	secret := cfg.Server.Secret
	if secret == "" {
		var err error
		if secret, err = db.Secret(ctx); err != nil {
			return nil, &exitError{code: exTempFail, msg: fmt.Sprintf("secret: %v", err)}
		}
	}
	d.secret = secret
	signer, err := mail.NewSigner(secret)
	if err != nil {
		return nil, &exitError{code: exConfig, msg: err.Error()}
	}
	d.addrs = mail.Addresses{Domain: cfg.Server.Domain, Signer: signer, From: mail.FromLocalPart(cfg.FromAddress(), cfg.Server.Domain)}
	if d.links, err = web.NewLinks(secret, cfg.BaseURL()); err != nil {
		return nil, &exitError{code: exConfig, msg: err.Error()}
	}
	fsys := templates.Default()
	if cfg.Server.Templates != "" {
		fsys = templates.Overlay(os.DirFS(cfg.Server.Templates))
	}
	if d.templates, err = templates.Parse(fsys); err != nil {
		return nil, &exitError{code: exConfig, msg: err.Error()}
	}
	if d.composer, err = newComposer(cfg, now); err != nil {
		return nil, err
	}
	return d, nil
}

// deps builds the shared parts for a one-shot command.
func (a *app) deps(ctx context.Context, cfg *Config, db *store.DB, now func() time.Time) (*deps, error) {
	return newDeps(ctx, cfg, db, a.logger(), nil, now)
}

// openDeps loads the configuration, opens the store and builds the shared
// parts for a one-shot command; the caller closes d.db.
func (a *app) openDeps(ctx context.Context, now func() time.Time) (*deps, error) {
	cfg, db, err := a.load(ctx)
	if err != nil {
		return nil, err
	}
	d, err := a.deps(ctx, cfg, db, now)
	if err != nil {
		db.Close()
		return nil, err
	}
	return d, nil
}

func newComposer(cfg *Config, now func() time.Time) (*outbound.Composer, error) {
	from, err := netmail.ParseAddress(cfg.FromAddress())
	if err != nil {
		return nil, &exitError{code: exConfig, msg: "from: " + err.Error()}
	}
	opts := outbound.ComposerOptions{Domain: cfg.Server.Domain, From: outbound.Address{Name: from.Name, Addr: from.Address}, Now: now}
	if k := cfg.Server.DKIM; k.KeyFile != "" {
		key, err := outbound.LoadDKIMKey(k.KeyFile)
		if err != nil {
			return nil, &exitError{code: exConfig, msg: err.Error()}
		}
		dom := k.Domain
		if dom == "" {
			dom = cfg.Server.Domain
		}
		opts.DKIM = &outbound.DKIM{Domain: dom, Selector: k.Selector, Key: key}
	}
	c, err := outbound.NewComposer(opts)
	if err != nil {
		return nil, &exitError{code: exConfig, msg: err.Error()}
	}
	return c, nil
}

// prompter builds the prompt scheduler.
func (d *deps) prompter() (*outbound.Prompter, error) {
	p, err := outbound.NewPrompter(d.db, outbound.PrompterOptions{Composer: d.composer, Templates: d.templates,
		Addresses: d.addrs, PublicURL: d.cfg.BaseURL(), PageLink: d.promptPageLink, Logger: d.log, Now: d.now})
	if err != nil {
		return nil, &exitError{code: exConfig, msg: err.Error()}
	}
	return p, nil
}

// deliverer builds the relay (or outbox) delivery; the caller closes it.
func (d *deps) deliverer() (*outbound.Deliverer, error) {
	s := d.cfg.Server
	del, err := outbound.NewDeliverer(d.db, outbound.DelivererOptions{Relay: s.Relay, Outbox: s.Outbox,
		Helo: s.Domain, PoolSize: s.Pool.Size, Rate: s.Pool.Rate, Timeout: time.Duration(s.SMTP.WriteTimeout),
		ClaimLease: time.Duration(s.Jobs.DeliveryLease), Addresses: d.addrs, Logger: d.log, Registerer: d.reg, Now: d.now})
	if err != nil {
		return nil, &exitError{code: exConfig, msg: err.Error()}
	}
	return del, nil
}

// filer returns the meeting-note filer, which queues its confirmations
// through the composer.
func (d *deps) filer() (*meeting.Filer, error) {
	if d.meetings != nil {
		return d.meetings, nil
	}
	f, err := meeting.New(meeting.Options{Addresses: d.addrs, Templates: d.templates,
		Mailer: meetingMailer{composer: d.composer}, Logger: d.log,
		Registerer: d.reg, Now: d.now, DistrustTokens: !d.cfg.Server.Auth.TokenIsProof})
	if err != nil {
		return nil, &exitError{code: exConfig, msg: err.Error()}
	}
	d.meetings = f
	return f, nil
}

// inboundOptions are the receiver's and processor's options: limits, TLS,
// sender authentication and the meeting filer.
func (d *deps) inboundOptions() (inbound.Options, error) {
	if d.inbound != nil {
		return *d.inbound, nil
	}
	s := d.cfg.Server
	filer, err := d.filer()
	if err != nil {
		return inbound.Options{}, err
	}
	asks, err := d.asks()
	if err != nil {
		return inbound.Options{}, err
	}
	okrs, err := d.okrService()
	if err != nil {
		return inbound.Options{}, err
	}
	o := inbound.Options{
		Addresses: d.addrs, Listen: s.SMTPListen, Filer: filer, Asks: asks, OKR: okrs, Composer: d.composer, Templates: d.templates,
		PublicURL:       d.cfg.BaseURL(),
		MaxMessageBytes: s.SMTP.MaxMessageBytes, MaxRecipients: s.SMTP.MaxRecipients,
		MaxConnections: s.SMTP.MaxConnections, ReadTimeout: time.Duration(s.SMTP.ReadTimeout),
		WriteTimeout: time.Duration(s.SMTP.WriteTimeout), StoreTimeout: time.Duration(s.SMTP.StoreTimeout),
		InflightBytes:     s.SMTP.InflightBytes,
		TrustedAuthServID: s.Auth.TrustedAuthServID, RequireDMARC: s.Auth.RequireDMARC,
		DistrustTokens: !s.Auth.TokenIsProof, LookupTXT: d.cfg.lookupTXT(d.now),
		Logger: d.log, Registerer: d.reg, Now: d.now,
	}
	n := s.Jobs.WorkersWhileReceiving
	if n <= 0 || n > s.Workers {
		n = s.Workers // no limit beyond the workers there are
	}
	if n < s.Workers || s.Jobs.HoldAbove > 0 { // else the pacer would never hold anyone back
		o.Pacer = inbound.NewPacer(inbound.PacerOptions{Slots: n, HoldAbove: s.Jobs.HoldAbove})
	}
	if o.OneOnOnes, err = d.oneOnOnes(); err != nil {
		return inbound.Options{}, err
	}
	if s.TLS.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(s.TLS.CertFile, s.TLS.KeyFile)
		if err != nil {
			return inbound.Options{}, &exitError{code: exConfig, msg: fmt.Sprintf("tls: %v", err)}
		}
		o.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	d.inbound = &o
	return o, nil
}

// processor builds the inbound processor (the job's synchronous core).
func (d *deps) processor() (*inbound.Processor, error) {
	opts, err := d.inboundOptions()
	if err != nil {
		return nil, err
	}
	p, err := inbound.NewProcessor(d.db, opts)
	if err != nil {
		return nil, &exitError{code: exConfig, msg: err.Error()}
	}
	return p, nil
}

// digestService builds the digest service; it queues through the outbound
// queue.
func (d *deps) digestService() (*digest.Service, error) {
	signer := d.addrs.Signer
	svc, err := digest.New(d.db, &outboundSender{db: d.db, composer: d.composer}, digest.Options{
		Domain: d.cfg.Server.Domain, Templates: d.templates, Logger: d.log, Now: d.now,
		Negative: reply.IsNegative, // judges answers filed before mail/inbound recorded verdicts
		Unsubscribe: func(id int64) string {
			return d.cfg.BaseURL() + "/u/" + signer.Token(outbound.PurposeUnsubscribe, id)
		},
		TeamUnsubscribe: func(teamID, id int64) string {
			return outbound.DigestUnsubscribeURL(d.cfg.BaseURL(), signer, teamID, id)
		},
		PageLink: d.digestPageLink,
	})
	if err != nil {
		return nil, &exitError{code: exConfig, msg: err.Error()}
	}
	return svc, nil
}
