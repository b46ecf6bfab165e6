package outbound_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-msgauth/dkim"
	"github.com/tidings-app/tidings/mail/mailtest"
	"github.com/tidings-app/tidings/mail/outbound"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

func members(n int) []store.MemberSpec {
	out := make([]store.MemberSpec, n)
	for i := range out {
		out[i] = store.MemberSpec{Email: fmt.Sprintf("m%03d@example.com", i), Name: fmt.Sprintf("Member %d", i)}
	}
	return out
}

// distinct checks that the sink got want messages, one per recipient.
func distinct(t *testing.T, got []mailtest.Received, want int) {
	t.Helper()
	seen := map[string]int{}
	for _, m := range got {
		seen[m.To[0]]++
	}
	for to, n := range seen {
		if n != 1 {
			t.Errorf("%s got %d messages", to, n)
		}
	}
	if len(got) != want || len(seen) != want {
		t.Errorf("sink got %d messages for %d recipients, want %d", len(got), len(seen), want)
	}
}

// sameAsStored checks that each message the sink got is, byte for byte,
// the stored body of its recipient's outbound message.
func sameAsStored(t *testing.T, db *store.DB, got []mailtest.Received) {
	t.Helper()
	stored, err := db.FindOutbound(context.Background(), store.OutboundFilter{})
	if err != nil {
		t.Fatal(err)
	}
	raw := map[string][]byte{}
	for _, o := range stored {
		raw[o.Recipient] = o.Raw
	}
	for _, m := range got {
		if want := raw[m.To[0]]; len(want) == 0 || !bytes.Equal(m.Data, want) {
			t.Errorf("%s received %d bytes, stored body %d bytes differs", m.To[0], len(m.Data), len(want))
		}
	}
}

func TestConcurrentSchedulersPostgres(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	b := storetest.Backend{Name: "postgres", Open: func(t testing.TB, o store.Options) (*store.DB, string) {
		db, err := store.Open(context.Background(), dsn, o)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db, dsn
	}}
	loc := mustLoc(t, "America/Sao_Paulo")
	e := newEnv(t, b, time.Date(2026, 11, 20, 12, 0, 0, 0, loc), spec("America/Sao_Paulo", daily(8*time.Hour, 0), members(40)...))
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, loc)
	e.clock.Set(now)
	type inst struct {
		p *outbound.Prompter
		d *outbound.Deliverer
	}
	var insts []inst
	for range 3 {
		db, _ := b.Open(t, store.Options{Now: e.clock.Now})
		p, d := e.wire(t, db)
		insts = append(insts, inst{p, d})
	}
	var wg sync.WaitGroup
	errs := make(chan error, 6)
	for _, in := range insts {
		wg.Go(func() {
			if _, err := in.p.SendDue(context.Background(), now); err != nil {
				errs <- err
			}
			if _, err := in.d.Flush(context.Background()); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	// Monday's occurrence expired (window 8h), Tuesday's was sent: one
	// row each per member, whoever created it.
	if s, x, all := len(prompts(t, e.db, store.PromptSent)), len(prompts(t, e.db, store.PromptExpired)), len(prompts(t, e.db, "")); s != 40 || x != 40 || all != 80 {
		t.Errorf("%d sent, %d expired, %d prompts; want 40, 40, 80", s, x, all)
	}
	distinct(t, e.sink.WaitFor(40, 10*time.Second), 40)
}

func TestRestartMidDelivery(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			loc := mustLoc(t, "America/Sao_Paulo")
			e := newEnv(t, b, time.Date(2026, 11, 20, 12, 0, 0, 0, loc), spec("America/Sao_Paulo", daily(8*time.Hour, 0), members(30)...))
			now := time.Date(2026, 11, 24, 9, 0, 0, 0, loc)
			e.clock.Set(now)
			if _, err := e.p.SendDue(context.Background(), now); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			var mu sync.Mutex
			n := 0
			e.sink.FailData(func(mailtest.Received) error { // the process dies after 7 messages
				mu.Lock()
				defer mu.Unlock()
				if n++; n == 7 {
					cancel()
				}
				return nil
			})
			if _, err := e.d.Flush(ctx); err == nil {
				t.Fatal("Flush with a cancelled context returned no error")
			}
			first := len(e.sink.Messages())
			if first < 7 || first >= 30 {
				t.Fatalf("first run delivered %d", first)
			}
			e.d.Close()
			// A new process on the same database finishes the job.
			e.db.Close()
			db2 := reopen(t, e.dsn, e.clock)
			p2, d2 := e.wire(t, db2)
			if _, err := p2.SendDue(context.Background(), now); err != nil {
				t.Fatal(err)
			}
			if _, err := d2.Flush(context.Background()); err != nil {
				t.Fatal(err)
			}
			distinct(t, e.sink.Messages(), 30)
			if n := len(prompts(t, db2, store.PromptSent)); n != 30 {
				t.Errorf("%d prompts sent, want 30", n)
			}
			sameAsStored(t, db2, e.sink.Messages())
		})
	}
}

func reopen(t *testing.T, dsn string, c *clock) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), dsn, store.Options{Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestTemporaryAndPermanentFailures(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			loc := mustLoc(t, "America/Sao_Paulo")
			ms := []store.MemberSpec{{Email: "busy@example.com", Name: "Busy"}, {Email: "gone@example.com", Name: "Gone"}}
			e := newEnv(t, b, time.Date(2026, 11, 20, 12, 0, 0, 0, loc), spec("America/Sao_Paulo", daily(8*time.Hour, 0), ms...))
			e.sink.FailRcpt(func(rcpt string) error {
				switch rcpt {
				case "busy@example.com":
					return mailtest.Temporary("mailbox busy")
				case "gone@example.com":
					return mailtest.Permanent("no such user")
				}
				return nil
			})
			_, res := e.run(t, time.Date(2026, 11, 24, 9, 0, 0, 0, loc))
			if res != (outbound.FlushResult{Deferred: 1, Failed: 1}) {
				t.Fatalf("first flush %+v", res)
			}
			ctx := context.Background()
			if sup, _ := e.db.Suppressed(ctx, "gone@example.com"); !sup {
				t.Error("550 5.1.1 did not suppress the address")
			}
			if sup, _ := e.db.Suppressed(ctx, "busy@example.com"); sup {
				t.Error("451 suppressed the address")
			}
			failed := prompts(t, e.db, store.PromptFailed)
			if len(failed) != 1 || failed[0].MemberEmail != "gone@example.com" || !strings.Contains(failed[0].Reason, "550") {
				t.Errorf("failed prompts %+v", failed)
			}
			// The retry succeeds once the mailbox frees up.
			e.sink.FailRcpt(nil)
			if res, err := e.d.Flush(ctx); err != nil || res != (outbound.FlushResult{Sent: 1}) {
				t.Fatalf("retry flush %+v %v", res, err)
			}
			for _, to := range []string{"busy@example.com", "gone@example.com"} {
				checkAttempts(t, e.db, to)
			}
			if got := e.sink.Messages(); len(got) != 1 || got[0].To[0] != "busy@example.com" {
				t.Errorf("sink got %+v", got)
			}
		})
	}
}

func checkAttempts(t *testing.T, db *store.DB, to string) {
	t.Helper()
	ctx := context.Background()
	out, err := db.FindOutbound(ctx, store.OutboundFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range out {
		if m.Recipient != to {
			continue
		}
		as, err := db.DeliveryAttempts(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, a := range as {
			got = append(got, fmt.Sprintf("%d/%v", a.Code, a.Temporary))
		}
		// A success is recorded on the message row (status, sent_at,
		// attempts, envelope sender), each failed attempt as a row.
		want := map[string]string{"busy@example.com": "[451/true] sent 2 tries, sent_at true, bounces+ true",
			"gone@example.com": "[550/false] suppressed 1 tries, sent_at false, bounces+ true"}[to]
		s := fmt.Sprintf("%v %s %d tries, sent_at %v, bounces+ %v", got, m.Status, m.Attempts, m.SentAt != nil,
			strings.HasPrefix(m.MailFrom, "bounces+"))
		if s != want {
			t.Errorf("%s: attempts and status %s, want %s", to, s, want)
		}
	}
}

func TestUnsubscribeHandler(t *testing.T) {
	b := storetest.Backends(t)[0]
	e := newEnv(t, b, time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC), spec("UTC", daily(time.Hour, 0), ana))
	ctx := context.Background()
	m, err := e.db.MemberByAddress(ctx, ana.Email)
	if err != nil {
		t.Fatal(err)
	}
	h := outbound.UnsubscribeHandler(e.db, e.addrs.Signer, nil)
	path := strings.TrimPrefix(e.p.UnsubscribeURL(m.ID), "https://"+domain)
	do := func(method, p string, body string) int {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(method, p, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	unsub := func() bool {
		m, _ := e.db.MemberByID(ctx, m.ID)
		return m.Unsubscribed
	}
	if code := do(http.MethodGet, path, ""); code != 200 || unsub() {
		t.Fatalf("GET: %d, unsubscribed %v", code, unsub())
	}
	if code := do(http.MethodPost, "/u/"+strings.Repeat("a", 26), "List-Unsubscribe=One-Click"); code != 404 || unsub() {
		t.Fatalf("forged token: %d, unsubscribed %v", code, unsub())
	}
	if code := do(http.MethodPost, path, "List-Unsubscribe=One-Click"); code != 200 || !unsub() {
		t.Fatalf("one-click POST: %d, unsubscribed %v", code, unsub())
	}
}

func TestDKIMSignatureVerifies(t *testing.T) {
	pub, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	c, err := outbound.NewComposer(outbound.ComposerOptions{Domain: domain, From: outbound.Address{Addr: "checkins@" + domain},
		DKIM: &outbound.DKIM{Domain: domain, Selector: "s1", Key: key}})
	if err != nil {
		t.Fatal(err)
	}
	raw, _, err := c.Compose(outbound.Message{To: []outbound.Address{{Name: "Ana", Addr: "ana@example.com"}}, Subject: "Daily check-in · Tue 24 Nov",
		Text: "Hello\n", HTML: "<p>Hello</p>", Headers: []outbound.Header{{"List-Unsubscribe", "<https://" + domain + "/u/x>"},
			{"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"}}})
	if err != nil {
		t.Fatal(err)
	}
	lookup := func(name string) ([]string, error) {
		if name != "s1._domainkey."+domain {
			return nil, fmt.Errorf("no TXT for %s", name)
		}
		return []string{"v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(pub)}, nil
	}
	vs, err := dkim.VerifyWithOptions(bytes.NewReader(raw), &dkim.VerifyOptions{LookupTXT: lookup})
	if err != nil || len(vs) != 1 || vs[0].Err != nil {
		t.Fatalf("verify: %v %+v", err, vs)
	}
	signed := strings.Join(vs[0].HeaderKeys, ",")
	hasAll(t, "signed headers", strings.ToLower(signed), "list-unsubscribe", "list-unsubscribe-post", "from", "subject")
	// Changing a signed header breaks the signature.
	bad := bytes.Replace(raw, []byte("/u/x"), []byte("/u/y"), 1)
	if vs, _ := dkim.VerifyWithOptions(bytes.NewReader(bad), &dkim.VerifyOptions{LookupTXT: lookup}); len(vs) != 1 || vs[0].Err == nil {
		t.Error("tampered List-Unsubscribe still verifies")
	}
}
