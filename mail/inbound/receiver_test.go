package inbound_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/emersion/go-smtp"
	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

func TestReplyBecomesUpdate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, nil)
		to := f.addrs.Reply(f.prompt.ID)
		raw := message(t, "gmail_reply.eml", map[string]string{"FROM": "ana@example.com", "TO": to, "MSGID": msgID(t, "gmail")})
		if err := send(t, f.addr, "ana@example.com", []string{strings.ToUpper(to)}, raw); err != nil {
			t.Fatalf("send: %v", err)
		}
		msgs := f.processAll(t)
		if len(msgs) != 1 || msgs[0].Status != store.InboundApplied || msgs[0].Attempts != 1 || msgs[0].Kind != "reply" {
			t.Fatalf("inbound = %+v", msgs)
		}
		ups, err := db.FindUpdates(context.Background(), store.UpdateFilter{TeamID: f.team.ID})
		if err != nil || len(ups) != 1 {
			t.Fatalf("updates = %v, %v", ups, err)
		}
		u := ups[0]
		says := false // each answer says something: the verdict recorded with it
		want := []store.Answer{
			{Key: "done", Question: "What did you get done yesterday?", Text: "finished the rate limiter review and merged the retry patch.", Negative: &says},
			{Key: "today", Question: "What are you working on today?", Text: "pairing with Ben on the schema migration.", Negative: &says},
			{Key: "blockers", Question: "Anything blocking you?", Text: "waiting on staging credentials from IT.", Negative: &says},
		}
		if diff := cmp.Diff(want, u.Answers); diff != "" {
			t.Errorf("answers (-want +got):\n%s", diff)
		}
		if !u.HasBlocker || u.Version != 1 || u.MemberEmail != "ana@example.com" || u.InboundID != msgs[0].ID {
			t.Errorf("update = %+v", u)
		}
		rows, err := db.FindPrompts(context.Background(), store.PromptFilter{})
		if err != nil || len(rows) != 1 || rows[0].Status != store.PromptAnswered {
			t.Errorf("prompt after reply = %+v, %v", rows, err)
		}
		for name, c := range map[string]float64{"tidings_inbound_accepted_total": 1, "tidings_inbound_stored_total": 1, "tidings_inbound_applied_total": 1} {
			if got := gather(t, f, name); got != c {
				t.Errorf("%s = %v, want %v", name, got, c)
			}
		}
	})
}

func gather(t *testing.T, f *fixture, name string) float64 {
	t.Helper()
	n, err := testutil.GatherAndCount(f.reg, name)
	if err != nil || n != 1 {
		t.Fatalf("metric %s: %d series, %v", name, n, err)
	}
	mfs, _ := f.reg.Gather()
	for _, mf := range mfs {
		if mf.GetName() == name {
			return mf.GetMetric()[0].GetCounter().GetValue()
		}
	}
	return -1
}

func TestRecipientsCheckedAtRcpt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, nil)
		reply := f.addrs.Reply(f.prompt.ID)
		at := strings.IndexByte(reply, '@')
		flipped := []byte(reply)
		flipped[8] ^= 1 // a different base32 letter in the token
		refused := []struct {
			addr string
			enh  smtp.EnhancedCode
		}{
			{"ana@" + domain, smtp.EnhancedCode{5, 1, 1}},
			{string(flipped), smtp.EnhancedCode{5, 1, 1}},
			{reply[:at-3] + reply[at:], smtp.EnhancedCode{5, 1, 1}},
			{strings.Replace(f.addrs.Bounce(f.prompt.ID), "bounces+", "reply+", 1), smtp.EnhancedCode{5, 1, 1}},
			{"meetings+ghosts@" + domain, smtp.EnhancedCode{5, 1, 1}},
			{strings.Replace(reply, domain, "elsewhere.example", 1), smtp.EnhancedCode{5, 7, 1}},
			{"someone@gmail.com", smtp.EnhancedCode{5, 7, 1}},
		}
		c, err := smtp.Dial(f.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if err := c.Mail("sender@example.net", nil); err != nil {
			t.Fatal(err)
		}
		for _, r := range refused {
			wantCode(t, c.Rcpt(r.addr, nil), 550, r.enh)
		}
		for _, ok := range []string{reply, strings.ToUpper(reply), f.addrs.Bounce(7), "meetings@" + domain,
			"Meetings+Platform@" + domain, "postmaster@" + domain} {
			if err := c.Rcpt(ok, nil); err != nil {
				t.Errorf("Rcpt(%s) = %v", ok, err)
			}
		}
		if got := testutilCount(t, f, "tidings_inbound_rejected_total"); got != float64(len(refused)) {
			t.Errorf("rejected = %v, want %d", got, len(refused))
		}
	})
}

func testutilCount(t *testing.T, f *fixture, name string) float64 {
	mfs, err := f.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for _, mf := range mfs {
		if mf.GetName() == name {
			for _, m := range mf.GetMetric() {
				sum += m.GetCounter().GetValue()
			}
		}
	}
	return sum
}

func TestOversizeIs552(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, nil) // 64 KiB limit
		raw := message(t, "gmail_reply.eml", map[string]string{"FROM": "ana@example.com", "TO": f.addrs.Reply(f.prompt.ID), "MSGID": msgID(t, "big")})
		raw = append(raw, bytes.Repeat([]byte(strings.Repeat("x", 76)+"\r\n"), 1000)...)
		wantCode(t, send(t, f.addr, "ana@example.com", []string{f.addrs.Reply(f.prompt.ID)}, raw), 552, smtp.EnhancedCode{5, 3, 4})
		if msgs := f.processAll(t); len(msgs) != 0 {
			t.Errorf("oversize message stored: %+v", msgs)
		}
	})
}

func TestDuplicateMessageIDAppliedOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, nil)
		to := f.addrs.Reply(f.prompt.ID)
		raw := message(t, "gmail_reply.eml", map[string]string{"FROM": "ana@example.com", "TO": to, "MSGID": msgID(t, "dup")})
		for i := 0; i < 2; i++ {
			if err := send(t, f.addr, "ana@example.com", []string{to}, raw); err != nil {
				t.Fatalf("send %d: %v", i, err)
			}
		}
		if msgs := f.processAll(t); len(msgs) != 1 {
			t.Fatalf("stored %d messages, want 1", len(msgs))
		}
		ups, err := db.FindUpdates(context.Background(), store.UpdateFilter{})
		if err != nil || len(ups) != 1 || ups[0].Version != 1 {
			t.Fatalf("updates = %+v, %v", ups, err)
		}
		if a, s := testutilCount(t, f, "tidings_inbound_accepted_total"), testutilCount(t, f, "tidings_inbound_stored_total"); a != 2 || s != 1 {
			t.Errorf("accepted %v stored %v, want 2 and 1", a, s)
		}
	})
}

func TestSecondReplyKeepsRevision(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, nil)
		to := f.addrs.Reply(f.prompt.ID)
		first := message(t, "gmail_reply.eml", map[string]string{"FROM": "ana@example.com", "TO": to, "MSGID": msgID(t, "first")})
		second := message(t, "outlook_reply.eml", map[string]string{"FROM": "ana.lima@personal.example", "TO": to, "MSGID": msgID(t, "second")})
		for _, raw := range [][]byte{first, second} {
			if err := send(t, f.addr, "ana@example.com", []string{to}, raw); err != nil {
				t.Fatal(err)
			}
			f.processAll(t)
		}
		ups, err := db.FindUpdates(ctx, store.UpdateFilter{})
		if err != nil || len(ups) != 1 {
			t.Fatalf("updates = %+v, %v", ups, err)
		}
		u := ups[0]
		if u.Version != 2 || u.HasBlocker || !strings.Contains(u.Answers[0].Text, "café menu RFC") {
			t.Errorf("current update = %+v", u)
		}
		revs, err := db.UpdateRevisions(ctx, u.ID)
		if err != nil || len(revs) != 1 || revs[0].Version != 1 || !revs[0].HasBlocker ||
			!strings.HasPrefix(revs[0].Answers[0].Text, "finished the rate limiter review and merged") {
			t.Fatalf("revisions = %+v, %v", revs, err)
		}
		// Reprocessing the first message changes nothing.
		if err := f.proc.Process(ctx, revs[0].InboundID); err != nil {
			t.Fatal(err)
		}
		ups2, _ := db.FindUpdates(ctx, store.UpdateFilter{})
		revs2, _ := db.UpdateRevisions(ctx, u.ID)
		if len(ups2) != 1 || ups2[0].Version != 2 || len(revs2) != 1 {
			t.Errorf("after reprocess: updates %+v revisions %+v", ups2, revs2)
		}
	})
}
