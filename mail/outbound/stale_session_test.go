package outbound_test

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/tidings-app/tidings/mail/mailtest"
	"github.com/tidings-app/tidings/mail/outbound"
	"github.com/tidings-app/tidings/store/storetest"
)

// TestIdleSessionClosedByRelay: a pooled session that the relay has
// closed since its last message (an idle timeout: 421 to MAIL FROM) is
// replaced by a new session and the message is sent on it at once, not
// deferred to a retry minutes later; nothing was sent on the old session,
// so the message arrives once.
func TestIdleSessionClosedByRelay(t *testing.T) {
	b := storetest.Backends(t)[0]
	loc := mustLoc(t, "America/Sao_Paulo")
	e := newEnv(t, b, time.Date(2026, 11, 20, 12, 0, 0, 0, loc), spec("America/Sao_Paulo", daily(8*time.Hour, 0), ana))
	if _, res := e.run(t, time.Date(2026, 11, 23, 9, 0, 0, 0, loc)); res != (outbound.FlushResult{Sent: 1}) {
		t.Fatalf("first day: flush %+v, want 1 sent", res)
	}
	var refused atomic.Int32
	e.sink.FailMail(func(string) error {
		if refused.Add(1) == 1 {
			return mailtest.Reply(421, 4, 4, 2, "Idle timeout, bye bye")
		}
		return nil
	})
	if _, res := e.run(t, time.Date(2026, 11, 24, 9, 0, 0, 0, loc)); res != (outbound.FlushResult{Sent: 1}) {
		t.Fatalf("second day: flush %+v, want 1 sent on a new session", res)
	}
	if n := refused.Load(); n != 2 {
		t.Errorf("MAIL FROM given %d times on the second day, want 2 (the stale session, then a new one)", n)
	}
	if got := len(e.sink.Messages()); got != 2 {
		t.Errorf("sink holds %d messages, want 2 (one a day)", got)
	}
	if got := e.sink.Sessions(); got != 2 {
		t.Errorf("sink saw %d sessions, want 2", got)
	}
}
