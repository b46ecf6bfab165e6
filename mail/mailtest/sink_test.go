package mailtest_test

import (
	"errors"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	smtp "github.com/emersion/go-smtp"
	"github.com/google/go-cmp/cmp"
	"github.com/tidings-app/tidings/mail/mailtest"
)

const msg = "From: a@example.com\r\nTo: b@example.com\r\nSubject: hi\r\n\r\nbody\r\n"

func send(t *testing.T, s *mailtest.Sink, from string, to ...string) error {
	t.Helper()
	c, err := smtp.Dial(s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return c.SendMail(from, to, strings.NewReader(msg))
}

func TestSinkRecords(t *testing.T) {
	s := mailtest.NewSink(t)
	if err := send(t, s, "bounces@x.test", "b@example.com", "c@example.com"); err != nil {
		t.Fatal(err)
	}
	got := s.WaitFor(1, 5*time.Second)
	want := []mailtest.Received{{From: "bounces@x.test", To: []string{"b@example.com", "c@example.com"}, Data: []byte(msg)}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("messages (-want +got):\n%s", diff)
	}
	if h := got[0].Header("subject"); h != "hi" {
		t.Errorf("Header(subject) = %q", h)
	}
	if s.Attempts() != 1 || s.Sessions() != 1 {
		t.Errorf("attempts %d sessions %d, want 1 1", s.Attempts(), s.Sessions())
	}
}

func TestSinkFailures(t *testing.T) {
	s := mailtest.NewSink(t)
	s.FailRcpt(func(rcpt string) error {
		if rcpt == "gone@example.com" {
			return mailtest.Permanent("no such user")
		}
		return nil
	})
	err := send(t, s, "a@x.test", "gone@example.com")
	var se *smtp.SMTPError
	if !errors.As(err, &se) || se.Code != 550 || se.EnhancedCode != (smtp.EnhancedCode{5, 1, 1}) {
		t.Fatalf("rcpt error = %v, want 550 5.1.1", err)
	}
	s.FailData(func(m mailtest.Received) error { return mailtest.Temporary("try later") })
	err = send(t, s, "a@x.test", "ok@example.com")
	if !errors.As(err, &se) || se.Code != 451 {
		t.Fatalf("data error = %v, want 451", err)
	}
	if n := len(s.Messages()); n != 0 || s.Attempts() != 1 {
		t.Fatalf("recorded %d messages after refusals, attempts %d", n, s.Attempts())
	}
	s.FailData(nil)
	if err := send(t, s, "a@x.test", "ok@example.com"); err != nil {
		t.Fatal(err)
	}
	if got := s.WaitFor(1, 5*time.Second); got[0].To[0] != "ok@example.com" {
		t.Errorf("got %+v", got)
	}
	s.Reset()
	if len(s.Messages()) != 0 || s.Attempts() != 0 {
		t.Error("Reset kept messages")
	}
}

// TestSinkFailMail proves the MAIL FROM hook sees the envelope sender and
// its reply (any code, from Reply) refuses the transaction before RCPT.
func TestSinkFailMail(t *testing.T) {
	s := mailtest.NewSink(t)
	var rcpts atomic.Int32
	s.FailRcpt(func(string) error { rcpts.Add(1); return nil })
	s.FailMail(func(from string) error {
		if from == "bad@x.test" {
			return mailtest.Reply(553, 5, 1, 8, "sender domain unknown")
		}
		return nil
	})
	err := send(t, s, "bad@x.test", "b@example.com")
	var se *smtp.SMTPError
	if !errors.As(err, &se) || se.Code != 553 || se.EnhancedCode != (smtp.EnhancedCode{5, 1, 8}) {
		t.Fatalf("mail error = %v, want 553 5.1.8", err)
	}
	if rcpts.Load() != 0 || s.Attempts() != 0 {
		t.Errorf("after a refused MAIL FROM: %d RCPT, %d DATA", rcpts.Load(), s.Attempts())
	}
	s.FailMail(nil)
	if err := send(t, s, "bad@x.test", "b@example.com"); err != nil {
		t.Fatalf("hook removed: %v", err)
	}
}

func TestSinkAuth(t *testing.T) {
	s := mailtest.NewSink(t)
	c, err := smtp.Dial(s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Auth(sasl.NewPlainClient("", "relayuser", "pw")); err != nil {
		t.Fatal(err)
	}
	if err := c.SendMail("a@x.test", []string{"b@example.com"}, strings.NewReader(msg)); err != nil {
		t.Fatal(err)
	}
	if got := s.WaitFor(1, 5*time.Second); got[0].User != "relayuser" {
		t.Errorf("User = %q, want relayuser", got[0].User)
	}
}

// fakeT records Fatalf instead of failing the real test.
type fakeT struct {
	testing.TB
	failed bool
}

func (f *fakeT) Fatalf(string, ...any) {
	f.failed = true
	runtime.Goexit()
}

func TestWaitForFailsOnTimeout(t *testing.T) {
	ft := &fakeT{TB: t}
	s := mailtest.NewSink(ft)
	done := make(chan struct{})
	go func() { // Fatalf ends this goroutine, as it would a test's
		defer close(done)
		s.WaitFor(1, 10*time.Millisecond)
	}()
	<-done
	if !ft.failed {
		t.Error("WaitFor returned without failing")
	}
}

func TestTLSSink(t *testing.T) {
	s := mailtest.NewTLSSink(t)
	c, err := smtp.DialStartTLS(s.Addr(), s.ClientTLS())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, ok := c.TLSConnectionState(); !ok {
		t.Fatal("STARTTLS not in effect")
	}
	if err := c.SendMail("a@x.test", []string{"b@example.com"}, strings.NewReader(msg)); err != nil {
		t.Fatal(err)
	}
	if got := s.WaitFor(1, 5*time.Second); !got[0].TLS {
		t.Error("message after STARTTLS not marked TLS")
	}
	if mailtest.NewSink(t).ClientTLS() != nil {
		t.Error("plain sink has a TLS config")
	}
}

func TestImplicitTLSSink(t *testing.T) {
	s := mailtest.NewImplicitTLSSink(t)
	if !strings.HasPrefix(s.URL(), "smtps://") {
		t.Errorf("URL %q, want smtps://", s.URL())
	}
	c, err := smtp.DialTLS(s.Addr(), s.ClientTLS())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.SendMail("a@x.test", []string{"b@example.com"}, strings.NewReader(msg)); err != nil {
		t.Fatal(err)
	}
	if got := s.WaitFor(1, 5*time.Second); !got[0].TLS {
		t.Error("message over implicit TLS not marked TLS")
	}
}
