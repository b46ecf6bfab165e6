package outbound

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/textproto"
	"net/url"
	"strconv"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"
	gosmtp "github.com/wneessen/go-mail/smtp"
)

// newRelayClient turns a relay URL into a go-mail client used only to dial
// (DialToSMTPClientWithContext): smtp:// (STARTTLS when offered, port 25),
// smtps:// (implicit TLS, 465), smtp+starttls:// (STARTTLS required, 587);
// user:password in the URL enables AUTH.
func newRelayClient(relay, helo string, timeout time.Duration, tlsConf *tls.Config) (*gomail.Client, error) {
	u, err := url.Parse(relay)
	if err != nil || u.Hostname() == "" {
		return nil, fmt.Errorf("outbound: relay %q: want smtp://host:port, smtps://… or smtp+starttls://…", relay)
	}
	opts := []gomail.Option{gomail.WithTimeout(timeout), gomail.WithoutNoop()}
	port := 25
	switch u.Scheme {
	case "smtp":
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	case "smtps":
		port = 465
		opts = append(opts, gomail.WithSSL())
	case "smtp+starttls":
		port = 587
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	default:
		return nil, fmt.Errorf("outbound: relay %q: unknown scheme %q", relay, u.Scheme)
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("outbound: relay %q: bad port", relay)
		}
	}
	opts = append(opts, gomail.WithPort(port))
	if helo != "" {
		opts = append(opts, gomail.WithHELO(helo))
	}
	if tlsConf != nil {
		opts = append(opts, gomail.WithTLSConfig(tlsConf))
	}
	if u.User != nil {
		pw, _ := u.User.Password()
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(u.User.Username()), gomail.WithPassword(pw))
	}
	c, err := gomail.NewClient(u.Hostname(), opts...)
	if err != nil {
		return nil, fmt.Errorf("outbound: relay %q: %w", u.Redacted(), err)
	}
	return c, nil
}

// pool holds up to size open SMTP sessions to the relay and hands each to
// one sender at a time; go-mail serialises a client, so parallelism comes
// from several sessions.
type pool struct {
	dial    func(ctx context.Context) (*gosmtp.Client, error)
	timeout time.Duration
	slots   chan struct{} // one token per session that may exist
	mu      sync.Mutex
	idle    []*gosmtp.Client
	closed  bool
}

var errPoolClosed = errors.New("outbound: delivery pool closed")

func newPool(size int, timeout time.Duration, dial func(ctx context.Context) (*gosmtp.Client, error)) *pool {
	return &pool{dial: dial, timeout: timeout, slots: make(chan struct{}, size)}
}

// send delivers raw from one session, dialling one when none is idle. A
// session that saw a network error is closed; one that got an SMTP reply is
// reset and kept. An idle session the relay closed meanwhile (its idle
// timeout: a network error or a 421 at MAIL FROM) is replaced by a new one
// and the message sent on it: nothing was sent on the old one, so this
// cannot deliver the message twice, and it is not counted as a failed
// attempt.
func (p *pool) send(ctx context.Context, from, to string, raw []byte) error {
	select {
	case p.slots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-p.slots }()
	c, reused, err := p.take(ctx)
	if err != nil {
		return err
	}
	err = transact(c, p.timeout, from, to, raw)
	if reused && closedByRelay(err) {
		_ = c.Close()
		if c, err = p.dial(ctx); err != nil {
			return err
		}
		err = transact(c, p.timeout, from, to, raw)
	}
	if err != nil && !isReply(err) {
		_ = c.Close()
		return err
	}
	if err != nil {
		if rerr := c.Reset(); rerr != nil {
			_ = c.Close()
			return err
		}
	}
	p.put(c)
	return err
}

// take returns an idle session (reused true) or dials a new one.
func (p *pool) take(ctx context.Context) (c *gosmtp.Client, reused bool, err error) {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil, false, errPoolClosed
	}
	if n := len(p.idle); n > 0 {
		c := p.idle[n-1]
		p.idle = p.idle[:n-1]
		p.mu.Unlock()
		return c, true, nil
	}
	p.mu.Unlock()
	c, err = p.dial(ctx)
	return c, false, err
}

// closedByRelay reports whether err shows that the session had been
// closed by the relay before the transaction began: MAIL FROM failed with
// a network error or with 421 (service closing, as after an idle
// timeout).
func closedByRelay(err error) bool {
	var se *stageError
	if !errors.As(err, &se) || se.stage != StageMail {
		return false
	}
	var tp *textproto.Error
	if errors.As(err, &tp) {
		return tp.Code == 421
	}
	return true
}

func (p *pool) put(c *gosmtp.Client) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		_ = c.Quit()
		return
	}
	p.idle = append(p.idle, c)
}

// close quits every idle session; sessions in use are closed on return.
func (p *pool) close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	var errs []error
	for _, c := range p.idle {
		if err := c.Quit(); err != nil {
			errs = append(errs, c.Close())
		}
	}
	p.idle = nil
	return errors.Join(errs...)
}

// transact runs one MAIL/RCPT/DATA exchange and leaves the session ready
// for the next (RSET only after a refusal: a completed DATA ends the
// transaction).
func transact(c *gosmtp.Client, timeout time.Duration, from, to string, raw []byte) error {
	if err := c.UpdateDeadline(timeout); err != nil {
		return err
	}
	if err := c.Mail(from); err != nil {
		return &stageError{StageMail, err}
	}
	if err := c.Rcpt(to); err != nil {
		return &stageError{StageRcpt, err}
	}
	w, err := c.Data()
	if err != nil {
		return &stageError{StageData, err}
	}
	if _, err := w.Write(raw); err != nil {
		return &stageError{StageData, err}
	}
	if err := w.Close(); err != nil {
		return &stageError{StageData, err}
	}
	return nil
}

// stageError is an error of one command of a transaction.
type stageError struct {
	stage string
	err   error
}

func (e *stageError) Error() string { return e.stage + ": " + e.err.Error() }
func (e *stageError) Unwrap() error { return e.err }

// limiter spaces sends at most rate per second (0: unlimited).
type limiter struct {
	mu       sync.Mutex
	interval time.Duration
	next     time.Time
}

func newLimiter(rate float64) *limiter {
	if rate <= 0 {
		return &limiter{}
	}
	return &limiter{interval: time.Duration(float64(time.Second) / rate)}
}

func (l *limiter) wait(ctx context.Context) error {
	if l.interval == 0 {
		return nil
	}
	l.mu.Lock()
	now := time.Now()
	if l.next.Before(now) {
		l.next = now
	}
	at := l.next
	l.next = l.next.Add(l.interval)
	l.mu.Unlock()
	t := time.NewTimer(time.Until(at))
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
