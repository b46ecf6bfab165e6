package ask_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tidings-app/tidings/mail/ask"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

const pollBody = `We have budget for one city.

A) Lisbon
B) Porto
C) Madrid

by Thursday
`

// TestPollFlow: an ask with choices and a deadline (DMARC pass) is
// confirmed to the asker in her thread and sent to each member with a
// reply address of their own (observers and the asker excluded); answers
// in several styles count, a second reply changes the vote, the reminder
// half-way skips who answered and who is away, and at the deadline one
// results email goes to the asker and each member, with bars, attributed
// comments and who did not answer.
func TestPollFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		status, reason := e.deliver(t, eml("Ana Lima <ana@example.com>", "ask+platform@tidings.test", "Which city for the offsite?", "", pollBody, e.now),
			"ask+platform@"+domain, true)
		if status != store.InboundApplied {
			t.Fatalf("status %s (%s)", status, reason)
		}
		a := lastAsk(t, db)
		if a.Kind != store.AskPoll || a.Status != store.AskOpen || len(a.Choices) != 3 || a.DeadlineText != "by Thursday" {
			t.Fatalf("ask %+v", a)
		}
		// Thursday 3 Dec 17:00 Lisbon = 17:00 UTC.
		if want := time.Date(2026, 12, 3, 17, 0, 0, 0, time.UTC); !a.Deadline.Equal(want) {
			t.Errorf("deadline %v, want %v", a.Deadline, want)
		}
		sent := byTo(t, e.mailer.take())
		if len(sent) != 4 {
			t.Fatalf("queued to %d addresses, want the asker and 3 members: %v", len(sent), keys(sent))
		}
		conf := sent["ana@example.com"]
		if conf.Kind != "ask_confirm" || conf.InReplyTo == "" || conf.ReplyTo != e.addr.Asker(a.ID) ||
			!strings.Contains(conf.Text, "went to 3 members") || !strings.Contains(conf.Text, "Thu 3 Dec, 17:00 Lisbon time") {
			t.Errorf("confirmation %+v\n%s", conf, conf.Text)
		}
		if _, ok := sent["olga@example.com"]; ok {
			t.Error("the observer was asked")
		}
		reply := map[string]string{}
		for _, who := range []string{"ben", "chen", "dora"} {
			q := sent[who+"@example.com"]
			if q.Kind != "ask_question" || !strings.HasPrefix(q.ReplyTo, "answer+") || !strings.Contains(q.Text, "B) Porto") {
				t.Fatalf("copy to %s: %+v", who, q)
			}
			reply[who] = q.ReplyTo
		}
		if reply["ben"] == reply["chen"] {
			t.Fatal("two members share a reply address")
		}
		if !strings.Contains(sent["chen@example.com"].Text, "Fri 4 Dec, 01:00 your time") {
			t.Errorf("Chen's copy does not give the deadline in his zone:\n%s", sent["chen@example.com"].Text)
		}
		// Ben: "B"; Chen: "lisbon" with a comment; Ben changes to "1".
		e.now = e.now.Add(time.Hour)
		for _, c := range []struct{ who, body string }{{"ben", "B\n\n> quoted"}, {"chen", "lisbon\nDirect flights from Shanghai."}, {"ben", "1 - cheaper after all"}} {
			st, why := e.deliver(t, eml(c.who+"@example.com", reply[c.who], "Re: Which city for the offsite?", "", c.body, e.now), reply[c.who], false)
			if st != store.InboundApplied || strings.Contains(why, "Lisbon") {
				t.Fatalf("%s: %s (%s)", c.who, st, why)
			}
		}
		// Dora is away: the reminder at half-way goes to nobody.
		away := e.now.Add(72 * time.Hour)
		dora, _ := db.MemberByAddress(ctx, "dora@example.com")
		if err := db.ChangeMember(ctx, dora.ID, store.MemberChange{AwayUntil: &away}); err != nil {
			t.Fatal(err)
		}
		// Someone else answering Ben's copy is quarantined.
		if st, _ := e.deliver(t, eml("eve@evil.example", reply["ben"], "Re: x", "", "C", e.now), reply["ben"], true); st != store.InboundQuarantined {
			t.Errorf("stranger's answer: %s", st)
		}
		e.now = a.RemindAt.Add(time.Minute)
		sum, err := e.svc.Sweep(ctx, db)
		if err != nil || sum.Reminded != 1 {
			t.Fatalf("sweep %+v %v", sum, err)
		}
		if got := e.mailer.take(); len(got) != 0 {
			t.Errorf("reminders %v, want none (Ben and Chen answered, Dora away)", got)
		}
		if err := db.ChangeMember(ctx, dora.ID, store.MemberChange{AwayUntil: &e.now}); err != nil {
			t.Fatal(err)
		}
		if sum, _ := e.svc.Sweep(ctx, db); sum.Reminded != 0 {
			t.Error("a second reminder")
		}
		e.now = a.Deadline.Add(time.Minute)
		if sum, err := e.svc.Sweep(ctx, db); err != nil || sum.Closed != 1 {
			t.Fatalf("sweep at deadline %+v %v", sum, err)
		}
		res := byTo(t, e.mailer.take())
		if len(res) != 4 {
			t.Fatalf("results to %v, want asker and 3 members", keys(res))
		}
		txt := res["ana@example.com"].Text
		for _, w := range []string{"2 of 3 answered", "A) Lisbon ████████████████████ 2 (100%)", "B) Porto  ░░░░", "Ben Okafor (A): cheaper after all",
			"Chen Wei (A): Direct flights", "No answer from: Dora Silva"} {
			if !strings.Contains(txt, w) {
				t.Errorf("results lack %q:\n%s", w, txt)
			}
		}
		if a := lastAsk(t, db); a.Status != store.AskClosed || a.CloseReason != "at the deadline" {
			t.Errorf("ask after deadline %+v", a)
		}
		// Late answer: not counted.
		if st, _ := e.deliver(t, eml("dora@example.com", reply["dora"], "Re: x", "", "C", e.now), reply["dora"], false); st != store.InboundIgnored {
			t.Errorf("late answer: %s", st)
		}
	})
}

func keys(m map[string]ask.Outgoing) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
