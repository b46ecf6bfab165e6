package oneonone_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tidings-app/tidings/mail"
	"github.com/tidings-app/tidings/mail/oneonone"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
	"github.com/tidings-app/tidings/templates"
)

// outbox is a Mailer that records what is queued, once per DedupKey.
type outbox struct {
	mu   sync.Mutex
	keys map[string]bool
	msgs []oneonone.Outgoing
}

func (o *outbox) Queue(_ context.Context, _ *store.DB, m oneonone.Outgoing) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.keys[m.DedupKey] {
		return nil
	}
	o.keys[m.DedupKey] = true
	o.msgs = append(o.msgs, m)
	return nil
}

func (o *outbox) kinds() string {
	var out []string
	for _, m := range o.msgs {
		out = append(out, m.Kind+"→"+m.To)
	}
	return strings.Join(out, " ")
}

func setup(t *testing.T, db *store.DB, share bool) (*oneonone.Service, *outbox, mail.Addresses) {
	t.Helper()
	ctx := context.Background()
	if _, err := db.Sync(ctx, []store.TeamSpec{{Slug: "platform", Name: "Platform", Timezone: "Europe/Berlin", Members: []store.MemberSpec{
		{Email: "ben@example.com", Name: "Ben Okafor", Role: store.RoleLead},
		{Email: "ana@example.com", Name: "Ana Lima", Timezone: "America/Sao_Paulo"},
		{Email: "cy@example.com", Name: "Cy Park"},
	}}}); err != nil {
		t.Fatal(err)
	}
	qs := []store.Question{{Key: "mood", Text: "How are you feeling this week, 1–5?"}, {Key: "topics", Text: "What would you like to talk about?"}}
	if _, err := db.SyncOneOnOnes(ctx, []store.OneOnOneSpec{{Team: "platform", Lead: "ben@example.com", Member: "ana@example.com",
		Schedule: "every 2nd tue 15:00 from 2026-12-08", Prepare: 48 * time.Hour, AgendaBefore: 3 * time.Hour, ShareMood: share, Questions: qs}}); err != nil {
		t.Fatal(err)
	}
	signer, _ := mail.NewSigner("unit-secret")
	addrs := mail.Addresses{Domain: "tidings.test", Signer: signer}
	set, err := templates.Parse(templates.Default())
	if err != nil {
		t.Fatal(err)
	}
	box := &outbox{keys: map[string]bool{}}
	s, err := oneonone.New(db, oneonone.Options{Addresses: addrs, Templates: set, Mailer: box})
	if err != nil {
		t.Fatal(err)
	}
	return s, box, addrs
}

// reply stores raw as received and applies it as the inbound job would.
func reply(t *testing.T, db *store.DB, s *oneonone.Service, addrs mail.Addresses, to oneonone.Outgoing, from, body string, at time.Time) (string, string) {
	t.Helper()
	rc, err := addrs.Parse(to.ReplyTo, nil)
	if err != nil {
		t.Fatal(err)
	}
	id, ok := store.IsOneOnOneRef(rc.ID)
	if !ok {
		t.Fatalf("reply address %s is not a one-on-one token", to.ReplyTo)
	}
	raw := fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: Re: %s\r\nDate: %s\r\nMessage-ID: <u-%d@example.com>\r\n\r\n%s\r\n",
		from, to.ReplyTo, to.Subject, at.Format(time.RFC1123Z), at.UnixNano(), body)
	in := &store.InboundMessage{DedupKey: fmt.Sprint(at.UnixNano()), Rcpt: []string{to.ReplyTo}, Raw: []byte(raw), ReceivedAt: at, Status: store.InboundReceived}
	var status, reason string
	err = db.InTx(context.Background(), func(tx *store.DB) error {
		if _, err := tx.CreateInbound(context.Background(), in); err != nil {
			return err
		}
		status, reason, err = s.ApplyReply(context.Background(), tx, in, id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return status, reason
}

func find(t *testing.T, box *outbox, kind, to string) oneonone.Outgoing {
	t.Helper()
	for i := len(box.msgs) - 1; i >= 0; i-- {
		if box.msgs[i].Kind == kind && box.msgs[i].To == to {
			return box.msgs[i]
		}
	}
	t.Fatalf("no %s to %s among %s", kind, to, box.kinds())
	return oneonone.Outgoing{}
}

func TestTickSendsEachEmailOnceToThePairOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, box, addrs := setup(t, db, false)
		meeting := time.Date(2026, 12, 8, 14, 0, 0, 0, time.UTC) // 15:00 Berlin
		for _, now := range []time.Time{meeting.Add(-49 * time.Hour), meeting.Add(-48 * time.Hour), meeting.Add(-47 * time.Hour), meeting.Add(-48 * time.Hour)} {
			if _, err := s.Tick(ctx, now); err != nil {
				t.Fatal(err)
			}
		}
		if got := box.kinds(); got != "oneonone_prepare→ben@example.com oneonone_prepare→ana@example.com" {
			t.Fatalf("queued %s", got)
		}
		ana := find(t, box, "oneonone_prepare", "ana@example.com")
		if ana.Subject != "What do you want to talk about with Ben on Tue 8 Dec 11:00?" || !strings.Contains(ana.Text, "15:00 Berlin / 11:00 your time") {
			t.Errorf("Ana's prompt: %q\n%s", ana.Subject, ana.Text)
		}
		// Cy may not answer Ana's prompt; Ana may.
		if st, why := reply(t, db, s, addrs, ana, "Cy Park <cy@example.com>", "Topics: gossip", meeting.Add(-30*time.Hour)); st != store.InboundQuarantined {
			t.Errorf("Cy's reply to Ana's prompt: %s %s", st, why)
		}
		if st, why := reply(t, db, s, addrs, ana, "Ana Lima <ana@example.com>", "Mood: 2\n\nTopics: workload", meeting.Add(-30*time.Hour)); st != store.InboundApplied {
			t.Fatalf("Ana's reply: %s %s", st, why)
		}
		for range 2 {
			if res, err := s.Tick(ctx, meeting.Add(-3*time.Hour)); err != nil || res.Prompts != 0 {
				t.Fatalf("agenda tick = %+v, %v", res, err)
			}
		}
		if n := len(box.msgs); n != 4 {
			t.Fatalf("queued %s, want one agenda each", box.kinds())
		}
		benAgenda, anaAgenda := find(t, box, "oneonone_agenda", "ben@example.com"), find(t, box, "oneonone_agenda", "ana@example.com")
		if !strings.Contains(benAgenda.Text, "Ana wrote:") || !strings.Contains(benAgenda.Text, "workload") || strings.Contains(benAgenda.Text, "mood") {
			t.Errorf("Ben's agenda (mood not shared):\n%s", benAgenda.Text)
		}
		if !strings.Contains(anaAgenda.Text, "Ana's mood (1-5), recent 1:1s: 2") || !strings.Contains(anaAgenda.Text, "Ben did not answer.") {
			t.Errorf("Ana's agenda:\n%s", anaAgenda.Text)
		}
		for _, m := range box.msgs {
			if m.To != "ben@example.com" && m.To != "ana@example.com" {
				t.Errorf("%s went to %s", m.Kind, m.To)
			}
		}
	})
}

func TestSharedMoodReachesTheLead(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, box, addrs := setup(t, db, true)
		meeting := time.Date(2026, 12, 8, 14, 0, 0, 0, time.UTC)
		if _, err := s.Tick(ctx, meeting.Add(-48*time.Hour)); err != nil {
			t.Fatal(err)
		}
		reply(t, db, s, addrs, find(t, box, "oneonone_prepare", "ana@example.com"), "ana@example.com", "Mood: 5", meeting.Add(-40*time.Hour))
		if _, err := s.Tick(ctx, meeting.Add(-3*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if ben := find(t, box, "oneonone_agenda", "ben@example.com"); !strings.Contains(ben.Text, "Ana's mood (1-5), recent 1:1s: 5") {
			t.Errorf("Ben's agenda with share_mood:\n%s", ben.Text)
		}
	})
}
