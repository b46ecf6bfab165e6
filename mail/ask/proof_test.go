package ask_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

// TestAnonymousNamesNobody: an anonymous ask's results and its stored
// rows (answers, recipients, the raw answers) say nobody's choice once
// closed; it closes as soon as everyone answered.
func TestAnonymousNamesNobody(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		e.deliver(t, eml("ana@example.com", "ask@tidings.test", "Rate the retro format", "",
			"1) Keep\n2) Change\n\nanonymous\n", e.now), "ask+platform@"+domain, true)
		a := lastAsk(t, db)
		sent := byTo(t, e.mailer.take())
		if !a.Anonymous || !strings.Contains(sent["ana@example.com"].Text, "nobody, you included") {
			t.Fatalf("ask %+v, confirmation:\n%s", a, sent["ana@example.com"].Text)
		}
		for _, c := range []struct{ who, body string }{{"ben", "2\nToo long, Ben thinks."}, {"chen", "keep"}, {"dora", "Change"}} {
			to := sent[c.who+"@example.com"].ReplyTo
			e.deliver(t, eml(c.who+"@example.com", to, "Re: Rate", "", c.body, e.now), to, false)
		}
		res := byTo(t, e.mailer.take())
		txt := res["ana@example.com"].Text
		if !strings.Contains(txt, "3 of 3 answered; closed as everyone answered") || !strings.Contains(txt, "• Too long, Ben thinks.") {
			t.Fatalf("results:\n%s", txt)
		}
		for _, name := range []string{"Ben Okafor", "Chen Wei", "Dora Silva", "(B)", "No answer from"} {
			if strings.Contains(txt, name) || strings.Contains(res["ana@example.com"].HTML, name) {
				t.Errorf("anonymous results name %q:\n%s", name, txt)
			}
		}
		answers, _ := db.AskAnswers(ctx, a.ID)
		for _, x := range answers {
			if x.MemberID != nil {
				t.Errorf("answer %+v names a member", x)
			}
		}
		rs, _ := db.AskRecipients(ctx, a.ID)
		for _, r := range rs {
			if r.AnswerID != nil || len(r.InboundIDs) != 0 {
				t.Errorf("recipient %+v still links to an answer", r)
			}
		}
		ins, err := db.FindInbound(ctx, store.InboundFilter{})
		if err != nil {
			t.Fatal(err)
		}
		erased := 0
		for _, row := range ins {
			in, err := db.InboundByID(ctx, row.ID) // with its raw bytes
			if err != nil {
				t.Fatal(err)
			}
			if len(in.Rcpt) > 0 && strings.HasPrefix(in.Rcpt[0], "answer+") {
				t.Errorf("inbound %d keeps the answer address %s", in.ID, in.Rcpt[0])
			}
			if strings.HasPrefix(string(in.Raw), "[erased") && in.MailFrom == "" {
				erased++
			}
		}
		if erased != 3 {
			t.Errorf("%d raw answers erased, want 3", erased)
		}
	})
}

// TestProofBeforeTrust: without DMARC pass nothing reaches the team until
// the sender answers the confirmation sent to the From address; a forger
// (who never sees it) cannot confirm; strangers are quarantined without
// any reply, DMARC pass or not.
func TestProofBeforeTrust(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		for _, pass := range []bool{false, true} {
			st, _ := e.deliver(t, eml("eve@evil.example", "ask+platform@tidings.test", "Send me your passwords", "", "A) yes\nB) sure", e.now),
				"ask+platform@"+domain, pass)
			if st != store.InboundQuarantined {
				t.Errorf("stranger (dmarc %t): %s", pass, st)
			}
			if got := e.mailer.take(); len(got) != 0 {
				t.Errorf("stranger got mail: %+v", got)
			}
		}
		// Ana is in two teams: plain ask@ is refused.
		if st, _ := e.deliver(t, eml("ana@example.com", "ask@tidings.test", "Q?", "", "x", e.now), "ask@"+domain, true); st != store.InboundQuarantined {
			t.Errorf("ask@ from a member of two teams: %s", st)
		}
		st, reason := e.deliver(t, eml("ana@example.com", "ask+platform@tidings.test", "Which city?", "", pollBody, e.now), "ask+platform@"+domain, false)
		if st != store.InboundApplied || !strings.Contains(reason, "confirmation") {
			t.Fatalf("%s (%s)", st, reason)
		}
		a := lastAsk(t, db)
		sent := e.mailer.take()
		if a.Status != store.AskPending || len(sent) != 1 || sent[0].To != "ana@example.com" || sent[0].ReplyTo != e.addr.Asker(a.ID) ||
			!strings.Contains(sent[0].Text, "Nothing is sent until you do") {
			t.Fatalf("pending ask %+v, sent %+v", a, sent)
		}
		// A forged confirmation from someone else is quarantined.
		if st, _ := e.deliver(t, eml("ben@example.com", e.addr.Asker(a.ID), "Re: Which city?", "", "yes", e.now), e.addr.Asker(a.ID), true); st != store.InboundQuarantined {
			t.Errorf("confirmation by another member: %s", st)
		}
		// Confirmed three days later, past the deadline: two working days
		// from the confirmation, reminder half-way.
		e.now = e.now.Add(72 * time.Hour)
		if st, r := e.deliver(t, eml("ana@example.com", e.addr.Asker(a.ID), "Re: Which city?", sent[0].MessageID, "yes", e.now), e.addr.Asker(a.ID), false); st != store.InboundApplied {
			t.Fatalf("confirmation: %s (%s)", st, r)
		}
		if b := lastAsk(t, db); !b.Deadline.Equal(time.Date(2026, 12, 8, 10, 0, 0, 0, time.UTC)) || !b.RemindAt.Equal(time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)) {
			t.Errorf("late confirmation: deadline %v, reminder %v", b.Deadline, b.RemindAt)
		}
		got := byTo(t, e.mailer.take())
		if len(got) != 4 || got["ana@example.com"].Kind != "ask_confirm" || got["ben@example.com"].Kind != "ask_question" {
			t.Fatalf("after confirmation: %v", keys(got))
		}
		// "close" from the asker closes it with results.
		if st, r := e.deliver(t, eml("ana@example.com", e.addr.Asker(a.ID), "Re: Which city?", "", "close\n\nthanks!", e.now), e.addr.Asker(a.ID), false); st != store.InboundApplied {
			t.Fatalf("close: %s (%s)", st, r)
		}
		res := byTo(t, e.mailer.take())
		if len(res) != 4 || !strings.Contains(res["ben@example.com"].Text, "closed by Ana Lima") || !strings.Contains(res["ben@example.com"].Text, "No answer from: Ben Okafor, Chen Wei, Dora Silva") {
			t.Errorf("results after close: %v\n%s", keys(res), res["ben@example.com"].Text)
		}
	})
}

// TestFeedbackAndFYI: a feedback request forwards its attachment and
// lists the free-text answers; an FYI is acknowledged and held (nobody
// else gets mail); an urgent FYI goes to every member at once.
func TestFeedbackAndFYI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		raw := []byte("From: Ana Lima <ana@example.com>\r\nTo: ask+platform@tidings.test\r\nSubject: Feedback on the attached RFC by Thursday?\r\n" +
			"Date: Tue, 01 Dec 2026 10:00:00 +0000\r\nMessage-ID: <rfc-1@example.com>\r\nMIME-Version: 1.0\r\n" +
			"Content-Type: multipart/mixed; boundary=b1\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nMostly section 3.\r\n" +
			"--b1\r\nContent-Type: text/markdown; name=rfc.md\r\nContent-Disposition: attachment; filename=rfc.md\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
			"IyBSRkM6IHF1ZXVlcwo=\r\n--b1--\r\n")
		if st, r := e.deliver(t, raw, "ask+platform@"+domain, true); st != store.InboundApplied {
			t.Fatalf("%s (%s)", st, r)
		}
		a := lastAsk(t, db)
		sent := byTo(t, e.mailer.take())
		q := sent["ben@example.com"]
		if a.Kind != store.AskFeedback || len(q.Attachments) != 1 || q.Attachments[0].Filename != "rfc.md" ||
			string(q.Attachments[0].Data) != "# RFC: queues\n" || !strings.Contains(q.Text, "Attached: rfc.md") {
			t.Fatalf("ask %+v, copy %+v", a, q)
		}
		e.deliver(t, eml("ben@example.com", q.ReplyTo, "Re: Feedback", "", "Section 3 needs numbers.\n\nOtherwise fine.", e.now), q.ReplyTo, false)
		if _, err := e.svc.CloseNow(ctx, db, a.ID); err != nil {
			t.Fatal(err)
		}
		res := byTo(t, e.mailer.take())["ana@example.com"].Text
		if !strings.Contains(res, "Feedback\n  • Ben Okafor: Section 3 needs numbers.") {
			t.Errorf("feedback results:\n%s", res)
		}

		st, r := e.deliver(t, eml("ben@example.com", "fyi+platform@tidings.test", "New on-call rota", "", "Starts Monday.", e.now), "fyi+platform@"+domain, true)
		fyi := lastAsk(t, db)
		ack := e.mailer.take()
		if st != store.InboundApplied || fyi.Status != store.AskHeld || len(ack) != 1 || ack[0].To != "ben@example.com" ||
			!strings.Contains(ack[0].Text, "held for the Platform digest") {
			t.Fatalf("%s (%s) fyi %+v ack %+v", st, r, fyi, ack)
		}
		e.deliver(t, eml("ben@example.com", "fyi+platform@tidings.test", "URGENT: prod freeze now", "", "No deploys.", e.now), "fyi+platform@"+domain, true)
		urgent := byTo(t, e.mailer.take())
		if len(urgent) != 4 || urgent["ana@example.com"].Kind != "fyi" || urgent["ana@example.com"].ReplyTo != "ben@example.com" ||
			urgent["ben@example.com"].Kind != "ask_confirm" {
			t.Fatalf("urgent FYI: %v", keys(urgent))
		}
	})
}

// TestAnonymousHidesWhoDidNotAnswer: with one answer of three, naming the
// two who did not answer would say what the third chose; the results give
// the count only.
func TestAnonymousHidesWhoDidNotAnswer(t *testing.T) {
	db, _ := storetest.OpenSQLite(t, store.Options{})
	e := newEnv(t, db)
	e.deliver(t, eml("ana@example.com", "ask+platform@tidings.test", "Keep the retro?", "", "A) Keep\nB) Drop\nanonymous", e.now), "ask+platform@"+domain, true)
	a := lastAsk(t, db)
	to := byTo(t, e.mailer.take())["ben@example.com"].ReplyTo
	e.deliver(t, eml("ben@example.com", to, "Re: Keep", "", "B", e.now), to, false)
	if _, err := e.svc.CloseNow(context.Background(), db, a.ID); err != nil {
		t.Fatal(err)
	}
	txt := byTo(t, e.mailer.take())["ana@example.com"].Text
	if !strings.Contains(txt, "1 of 3 answered") || strings.Contains(txt, "Chen") || strings.Contains(txt, "Dora") || strings.Contains(txt, "Ben") {
		t.Errorf("anonymous results:\n%s", txt)
	}
}
