package mailtest

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	smtp "github.com/emersion/go-smtp"
)

// Received is one message the sink accepted.
type Received struct {
	From string   // envelope sender (MAIL FROM); empty for <>
	To   []string // envelope recipients (RCPT TO)
	Data []byte   // the message as sent after DATA
	User string   // the AUTH PLAIN user name, empty without AUTH
	TLS  bool     // the session was encrypted (STARTTLS or implicit TLS)
}

// Sink is a recording SMTP server. Its methods are safe for concurrent use.
type Sink struct {
	t      testing.TB
	srv    *smtp.Server
	addr   string
	mu     sync.Mutex
	msgs   []Received
	tried  int // DATA commands seen, accepted or not
	conns  int // sessions opened
	change chan struct{}
	mail   func(from string) error
	rcpt   func(rcpt string) error
	data   func(msg Received) error
	roots  *x509.CertPool // set by NewTLSSink and NewImplicitTLSSink
	scheme string         // of URL: smtp, or smtps for implicit TLS
}

// NewSink starts a sink on 127.0.0.1:0 and stops it when the test ends. It
// fails the test if it cannot listen.
func NewSink(t testing.TB) *Sink {
	t.Helper()
	return newSink(t, nil, false)
}

// newSink starts a sink; with tlsConf it offers STARTTLS, or, when
// implicit, speaks TLS from the first byte.
func newSink(t testing.TB, tlsConf *tls.Config, implicit bool) *Sink {
	t.Helper()
	s := &Sink{t: t, change: make(chan struct{}), scheme: "smtp"}
	s.srv = smtp.NewServer(smtp.BackendFunc(s.newSession))
	s.srv.Domain = "sink.test"
	s.srv.MaxMessageBytes = 32 << 20
	s.srv.MaxRecipients = 1000
	s.srv.ReadTimeout = time.Minute
	s.srv.WriteTimeout = time.Minute
	s.srv.AllowInsecureAuth = true
	s.srv.TLSConfig = tlsConf
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("mailtest: listen: %v", err)
	}
	s.addr = l.Addr().String()
	if implicit {
		s.srv.TLSConfig, s.scheme = nil, "smtps"
		l = tls.NewListener(l, tlsConf)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := s.srv.Serve(l); err != nil && !errors.Is(err, smtp.ErrServerClosed) {
			t.Logf("mailtest: serve: %v", err)
		}
	}()
	t.Cleanup(func() {
		s.srv.Close()
		l.Close() // Close misses a listener Serve has not registered yet
		<-done
	})
	return s
}

// Addr is the sink's host:port.
func (s *Sink) Addr() string { return s.addr }

// URL is the sink as a relay URL ("smtp://127.0.0.1:PORT", or
// "smtps://…" for NewImplicitTLSSink).
func (s *Sink) URL() string { return s.scheme + "://" + s.addr }

// FailMail makes each MAIL FROM call fn first with the envelope sender
// ("" for <>); a non-nil error refuses the transaction. Errors are as for
// FailRcpt. nil removes the hook.
func (s *Sink) FailMail(fn func(from string) error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mail = fn
}

// FailRcpt makes each RCPT TO call fn first; a non-nil error refuses that
// recipient. Return an *smtp.SMTPError (see Temporary and Permanent) to
// choose the reply; any other error becomes a 451. nil removes the hook.
func (s *Sink) FailRcpt(fn func(rcpt string) error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rcpt = fn
}

// FailData makes each message call fn after its data has been read and
// before it is recorded; a non-nil error refuses the message, which is
// then not recorded. Errors are as for FailRcpt. nil removes the hook.
func (s *Sink) FailData(fn func(msg Received) error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.data = fn
}

// Messages returns a copy of the accepted messages in arrival order.
func (s *Sink) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Received, len(s.msgs))
	copy(out, s.msgs)
	return out
}

// Attempts is the number of messages whose data was sent, accepted or
// refused.
func (s *Sink) Attempts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tried
}

// Sessions is the number of SMTP sessions (connections) opened so far.
func (s *Sink) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns
}

// Reset forgets the recorded messages and counters (not the hooks).
func (s *Sink) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs, s.tried, s.conns = nil, 0, 0
}

// WaitFor waits until at least n messages have been accepted and returns
// them; it fails the test (t.Fatalf) when timeout passes first. Call it
// from the test's goroutine.
func (s *Sink) WaitFor(n int, timeout time.Duration) []Received {
	s.t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		got, ch := len(s.msgs), s.change
		s.mu.Unlock()
		if got >= n {
			return s.Messages()
		}
		select {
		case <-ch:
		case <-deadline.C:
			var seen strings.Builder
			for _, m := range s.Messages() {
				fmt.Fprintf(&seen, "\n  to %s: %q", strings.Join(m.To, ", "), m.Header("Subject"))
			}
			s.t.Fatalf("mailtest: got %d messages after %s, want %d:%s", got, timeout, n, seen.String())
			return nil
		}
	}
}

// Temporary returns a 451 4.3.0 reply with text, for FailRcpt and FailData.
func Temporary(text string) error {
	return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: text}
}

// Permanent returns a 550 5.1.1 reply ("no such user") with text, for
// FailRcpt and FailData.
func Permanent(text string) error {
	return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: text}
}

// Reply returns the reply code with the enhanced status code
// class.subject.detail and text, for FailMail, FailRcpt and FailData:
// Reply(550, 5, 1, 8, "sender domain does not exist").
func Reply(code, class, subject, detail int, text string) error {
	return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{class, subject, detail}, Message: text}
}

func (s *Sink) newSession(c *smtp.Conn) (smtp.Session, error) {
	s.mu.Lock()
	s.conns++
	s.mu.Unlock()
	return &session{sink: s, conn: c}, nil
}

func (s *Sink) hooks() (func(string) error, func(Received) error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rcpt, s.data
}

func (s *Sink) mailHook() func(string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.mail
}

func (s *Sink) record(m Received, accepted bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tried++
	if accepted {
		s.msgs = append(s.msgs, m)
		close(s.change)
		s.change = make(chan struct{})
	}
}

type session struct {
	sink *Sink
	conn *smtp.Conn
	user string
	cur  Received
}

func (se *session) Reset()        { se.cur = Received{} }
func (se *session) Logout() error { return nil }

// AuthMechanisms offers AUTH PLAIN and accepts any credentials, recording
// the user name, so clients that authenticate can be tested.
func (se *session) AuthMechanisms() []string { return []string{sasl.Plain} }

// Auth implements smtp.AuthSession.
func (se *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, _ string) error {
		se.user = user
		return nil
	}), nil
}

func (se *session) Mail(from string, _ *smtp.MailOptions) error {
	if fn := se.sink.mailHook(); fn != nil {
		if err := fn(from); err != nil {
			return err
		}
	}
	_, encrypted := se.conn.TLSConnectionState()
	se.cur = Received{From: from, User: se.user, TLS: encrypted}
	return nil
}

func (se *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if fn, _ := se.sink.hooks(); fn != nil {
		if err := fn(to); err != nil {
			return err
		}
	}
	se.cur.To = append(se.cur.To, to)
	return nil
}

func (se *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m := Received{From: se.cur.From, To: append([]string(nil), se.cur.To...), Data: b, User: se.cur.User, TLS: se.cur.TLS}
	if _, fn := se.sink.hooks(); fn != nil {
		if err := fn(m); err != nil {
			se.sink.record(m, false)
			return err
		}
	}
	se.sink.record(m, true)
	return nil
}

// Header returns the value of the first header field named name in a
// received message (case-insensitive; unfolded), or "".
func (m Received) Header(name string) string {
	head, _, _ := strings.Cut(strings.ReplaceAll(string(m.Data), "\r\n", "\n"), "\n\n")
	head = strings.ReplaceAll(strings.ReplaceAll(head, "\n ", " "), "\n\t", " ")
	for _, line := range strings.Split(head, "\n") {
		k, v, ok := strings.Cut(line, ":")
		if ok && strings.EqualFold(strings.TrimSpace(k), name) {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
