package ask_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

// Replies as real clients send them: Gmail HTML with the quote in
// gmail_quote, Outlook quoted-printable Latin-1 with its "From:/Sent:"
// block, Apple Mail with a signature, and an out-of-office reply.
const (
	gmailHTML = "From: Ben Okafor <ben@example.com>\r\nTo: {{TO}}\r\nSubject: Re: Which city?\r\nDate: Tue, 01 Dec 2026 11:00:00 +0000\r\n" +
		"Message-ID: <g1@mail.gmail.com>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=g\r\n\r\n" +
		"--g\r\nContent-Type: text/html; charset=UTF-8\r\n\r\n<div dir=\"ltr\">B<div>Porto has the better venue.</div></div><br>" +
		"<div class=\"gmail_quote\"><div class=\"gmail_attr\">On Tue, Dec 1, 2026 at 10:00 AM Tidings &lt;checkins@tidings.test&gt; wrote:<br></div>" +
		"<blockquote class=\"gmail_quote\">A) Lisbon<br>B) Porto<br>C) Madrid</blockquote></div>\r\n--g--\r\n"
	outlookLatin1 = "From: Chen Wei <chen@example.com>\r\nTo: {{TO}}\r\nSubject: RE: Which city?\r\nDate: Tue, 01 Dec 2026 11:05:00 +0000\r\n" +
		"Message-ID: <o1@outlook.com>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=\"iso-8859-1\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" +
		"Madrid, caf=E9s are better.\r\n\r\n________________________________\r\nFrom: Tidings <checkins@tidings.test>\r\n" +
		"Sent: Tuesday, December 1, 2026 10:00 AM\r\nTo: Chen Wei <chen@example.com>\r\nSubject: Which city?\r\n\r\nA) Lisbon\r\nB) Porto\r\n"
	appleSig = "From: Dora Silva <dora@example.com>\r\nTo: {{TO}}\r\nSubject: Re: Which city?\r\nDate: Tue, 01 Dec 2026 11:10:00 +0000\r\n" +
		"Message-ID: <a1@icloud.com>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
		"a\r\n\r\n--\r\nDora Silva\r\nSent from my iPhone\r\n\r\n> On 1 Dec 2026, at 10:00, Tidings <checkins@tidings.test> wrote:\r\n> \r\n> A) Lisbon\r\n"
	outOfOffice = "From: Dora Silva <dora@example.com>\r\nTo: {{TO}}\r\nSubject: Automatic reply: Which city?\r\nDate: Tue, 01 Dec 2026 10:01:00 +0000\r\n" +
		"Message-ID: <ooo1@example.com>\r\nAuto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
		"I am out of the office until 10 December 2026 with limited access to email.\r\n"
)

// TestAnswersFromRealClients proves the answers go through the same MIME,
// charset, quote and signature handling as check-in replies, and that an
// out-of-office reply to a copy is not an answer (and marks the member
// away when it names a return date, so no reminder goes to her).
func TestAnswersFromRealClients(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		e.deliver(t, eml("ana@example.com", "ask+platform@tidings.test", "Which city?", "", "A) Lisbon\nB) Porto\nC) Madrid\nby Friday", e.now),
			"ask+platform@"+domain, true)
		a := lastAsk(t, db)
		to := byTo(t, e.mailer.take())
		if st, why := e.deliver(t, []byte(strings.ReplaceAll(outOfOffice, "{{TO}}", to["dora@example.com"].ReplyTo)), to["dora@example.com"].ReplyTo, false); st != store.InboundIgnored {
			t.Fatalf("out-of-office: %s (%s)", st, why)
		}
		for _, c := range []struct{ who, raw string }{{"ben", gmailHTML}, {"chen", outlookLatin1}, {"dora", appleSig}} {
			rt := to[c.who+"@example.com"].ReplyTo
			if st, why := e.deliver(t, []byte(strings.ReplaceAll(c.raw, "{{TO}}", rt)), rt, false); st != store.InboundApplied {
				t.Fatalf("%s: %s (%s)", c.who, st, why)
			}
		}
		answers, err := db.AskAnswers(ctx, a.ID)
		if err != nil || len(answers) != 3 {
			t.Fatalf("answers %+v %v", answers, err)
		}
		got := map[int64]string{}
		for _, x := range answers {
			got[*x.MemberID] = strings.Join(strings.Fields(strings.Trim(strings.ReplaceAll(strings.Trim(strings.TrimSpace(x.Comment), "."), "\n", " "), " ")), " ")
			got[*x.MemberID] = string(rune('A'+x.Choices[0])) + " " + got[*x.MemberID]
		}
		ben, _ := db.MemberByAddress(ctx, "ben@example.com")
		chen, _ := db.MemberByAddress(ctx, "chen@example.com")
		dora, _ := db.MemberByAddress(ctx, "dora@example.com")
		want := map[int64]string{ben.ID: "B Porto has the better venue", chen.ID: "C cafés are better", dora.ID: "A "}
		for id, w := range want {
			if got[id] != w {
				t.Errorf("member %d: got %q, want %q", id, got[id], w)
			}
		}
		if d, _ := db.MemberByID(ctx, dora.ID); d.AwayUntil == nil || !d.AwayUntil.After(time.Date(2026, 12, 10, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("Dora's out-of-office did not mark her away: %v", d.AwayUntil)
		}
	})
}
