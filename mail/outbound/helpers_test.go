package outbound_test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	msgmail "github.com/emersion/go-message/mail"
	"github.com/tidings-app/tidings/mail"
	"github.com/tidings-app/tidings/mail/mailtest"
	"github.com/tidings-app/tidings/mail/outbound"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
	"github.com/tidings-app/tidings/templates"
)

const domain = "tidings.example.com"

// clock is a settable clock shared by the store and the code under test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// env is one database with a prompter and a deliverer to a sink.
type env struct {
	db    *store.DB
	dsn   string
	clock *clock
	addrs mail.Addresses
	p     *outbound.Prompter
	d     *outbound.Deliverer
	sink  *mailtest.Sink
}

var questions = []store.Question{
	{Key: "yesterday", Text: "What did you get done yesterday?"},
	{Key: "today", Text: "What are you working on today?"},
	{Key: "blockers", Text: "Anything blocking you?"},
}

func spec(zone string, ci store.CheckInSpec, members ...store.MemberSpec) []store.TeamSpec {
	return []store.TeamSpec{{Slug: "platform", Name: "Platform", Timezone: zone, DigestSchedule: "fri 17:00",
		Members: members, CheckIns: []store.CheckInSpec{ci}}}
}

func daily(window, remind time.Duration) store.CheckInSpec {
	return store.CheckInSpec{Name: "daily", Schedule: "mon-fri 09:00", Window: window, RemindAfter: remind, Questions: questions}
}

// newEnv opens db on backend b with the clock at start, syncs specs and
// wires a Prompter and a relay Deliverer to a fresh sink.
func newEnv(t testing.TB, b storetest.Backend, start time.Time, specs []store.TeamSpec) *env {
	t.Helper()
	e := &env{clock: &clock{t: start}, sink: mailtest.NewSink(t)}
	e.db, e.dsn = b.Open(t, store.Options{Now: e.clock.Now})
	if _, err := e.db.Sync(context.Background(), specs); err != nil {
		t.Fatal(err)
	}
	e.wire(t, e.db)
	return e
}

func (e *env) wire(t testing.TB, db *store.DB) (*outbound.Prompter, *outbound.Deliverer) {
	t.Helper()
	signer, err := mail.NewSigner("test-secret")
	if err != nil {
		t.Fatal(err)
	}
	e.addrs = mail.Addresses{Domain: domain, Signer: signer}
	comp, err := outbound.NewComposer(outbound.ComposerOptions{Domain: domain,
		From: outbound.Address{Name: "Tidings", Addr: "checkins@" + domain}, Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	set, err := templates.Parse(templates.Default())
	if err != nil {
		t.Fatal(err)
	}
	p, err := outbound.NewPrompter(db, outbound.PrompterOptions{Composer: comp, Templates: set, Addresses: e.addrs, Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	d, err := outbound.NewDeliverer(db, outbound.DelivererOptions{Relay: e.sink.URL(), Helo: domain,
		Addresses: e.addrs, Now: e.clock.Now, PoolSize: 4, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if e.p == nil {
		e.p, e.d = p, d
	}
	return p, d
}

// run moves the clock to now, schedules and delivers.
func (e *env) run(t testing.TB, now time.Time) (outbound.Summary, outbound.FlushResult) {
	t.Helper()
	e.clock.Set(now)
	sum, err := e.p.SendDue(context.Background(), now)
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.d.Flush(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return sum, res
}

func mustLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	l, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func prompts(t testing.TB, db *store.DB, status string) []store.PromptRow {
	t.Helper()
	ps, err := db.FindPrompts(context.Background(), store.PromptFilter{Status: status})
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

// parsed is a received message read back with go-message.
type parsed struct {
	h     msgmail.Header
	parts map[string]string // content type → decoded body
	top   string            // top-level content type
}

func parse(t testing.TB, raw []byte) parsed {
	t.Helper()
	r, err := msgmail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	out := parsed{h: r.Header, parts: map[string]string{}}
	out.top, _, _ = r.Header.ContentType()
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		ct, _, _ := p.Header.(*msgmail.InlineHeader).ContentType()
		b, _ := io.ReadAll(p.Body)
		out.parts[ct] = string(b)
	}
	return out
}

func hasAll(t testing.TB, what, s string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(s, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, s)
		}
	}
}
