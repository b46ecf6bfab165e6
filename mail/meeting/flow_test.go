package meeting_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/tidings-app/tidings/mail/reply"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

func eml(from, to, subject, msgID, inReplyTo, body string) []byte {
	h := fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: Wed, 25 Nov 2026 18:00:00 +0000\r\nMessage-ID: <%s>\r\n", from, to, subject, msgID)
	if inReplyTo != "" {
		h += fmt.Sprintf("In-Reply-To: <%s>\r\nReferences: <%s>\r\n", inReplyTo, inReplyTo)
	}
	return []byte(h + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + strings.ReplaceAll(body, "\n", "\r\n"))
}

const notesBody = `Decisions
- Freeze the schema on Dec 4.

Action items
- Ben to draft the staffing plan by Friday
- Ana: write the rollout doc
`

// TestStrangerQuarantined proves a non-member's note is quarantined with
// no items and no reply, and that only a DMARC pass earns a refusal.
func TestStrangerQuarantined(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		raw := eml("Eve <eve@evil.example>", "meetings+platform@tidings.test", "Notes", "eve-1@evil.example", "", notesBody)
		status, reason, _ := e.file(t, raw, "meetings+platform@"+domain, "fail")
		if status != store.InboundQuarantined || !strings.Contains(reason, "eve@evil.example") {
			t.Fatalf("status %q reason %q, want quarantined naming the sender", status, reason)
		}
		if sent := e.mailer.take(); len(sent) != 0 {
			t.Fatalf("queued %+v for a stranger without DMARC pass", sent)
		}
		n, items := e.lastNote(t)
		if n.Status != store.NoteQuarantined || n.TeamID != nil || len(items) != 0 {
			t.Errorf("note %+v with %d items, want quarantined, no team, no items", n, len(items))
		}
		raw = eml("Eve <eve@evil.example>", "meetings+platform@tidings.test", "Notes", "eve-2@evil.example", "", notesBody)
		if status, _, _ = e.file(t, raw, "meetings+platform@"+domain, "pass"); status != store.InboundQuarantined {
			t.Fatalf("status %q, want quarantined", status)
		}
		sent := e.mailer.take()
		if len(sent) != 1 || sent[0].Kind != "meeting_refused" || sent[0].To != "eve@evil.example" {
			t.Fatalf("queued %+v, want one refusal to eve", sent)
		}
		// A member of another team is a stranger to this one.
		raw = eml("Jonas <jonas@example.com>", "meetings+data@tidings.test", "Notes", "jonas-1@example.com", "", notesBody)
		if status, _, _ = e.file(t, raw, "meetings+data@"+domain, "fail"); status != store.InboundQuarantined {
			t.Errorf("platform member posting to data: status %q, want quarantined", status)
		}
	})
}

// TestConfirmAndCorrect proves the confirmation threads on the forward,
// lists what was understood, and that replying with a corrected list
// replaces the note's items and decisions and confirms again.
func TestConfirmAndCorrect(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		raw := eml("Chen Wei <chen@example.com>", "meetings+platform@tidings.test", "Notes: Q1 sync", "chen-1@example.com", "", notesBody)
		if status, reason, _ := e.file(t, raw, "meetings+platform@"+domain, "pass (dkim d=example.com)"); status != store.InboundApplied {
			t.Fatalf("status %s (%s)", status, reason)
		}
		sent := e.mailer.take()
		if len(sent) != 1 {
			t.Fatalf("queued %d, want 1 confirmation", len(sent))
		}
		c := sent[0]
		if c.InReplyTo != "chen-1@example.com" || c.Subject != "Re: Notes: Q1 sync" || c.ReplyTo != "meetings+platform@"+domain || c.To != "chen@example.com" {
			t.Errorf("confirmation headers %+v", c)
		}
		for _, want := range []string{"Filed under Platform", "Freeze the schema on Dec 4", "Ben Okafor — draft the staffing plan — due Fri 27 Nov", "Ana Lima — write the rollout doc"} {
			if !strings.Contains(strings.ReplaceAll(c.Text, "\u00a0", " "), want) { // dates keep non-breaking spaces
				t.Errorf("confirmation lacks %q:\n%s", want, c.Text)
			}
		}
		note, _ := e.lastNote(t)
		fix := "Action items\n  • Ana Lima — write the rollout doc — due Tue 1 Dec\n  • Chen Wei — order the load-test hardware\n\nDecisions\n  • Freeze the schema on Dec 11.\n"
		raw = eml("Chen Wei <chen@example.com>", "meetings+platform@tidings.test", c.Subject, "chen-2@example.com", c.MessageID, fix)
		if status, reason, _ := e.file(t, raw, "meetings+platform@"+domain, "pass (dkim d=example.com)"); status != store.InboundApplied {
			t.Fatalf("correction: status %s (%s)", status, reason)
		}
		n, items := e.lastNote(t)
		if n.ID != note.ID || len(n.Decisions) != 1 || n.Decisions[0] != "Freeze the schema on Dec 11" {
			t.Errorf("note after correction %+v", n)
		}
		var got []string
		for _, it := range items {
			got = append(got, fmt.Sprintf("%s|%s|%v", it.OwnerText, it.Text, it.Due != nil && it.Due.Format("2006-01-02") == "2026-12-01"))
		}
		if want := "Ana Lima|write the rollout doc|true,Chen Wei|order the load-test hardware|false"; strings.Join(got, ",") != want {
			t.Errorf("items after correction = %v, want %s", got, want)
		}
		if sent = e.mailer.take(); len(sent) != 1 || !strings.HasPrefix(sent[0].Text, "Updated.") || sent[0].InReplyTo != "chen-2@example.com" {
			t.Errorf("second confirmation %+v", sent)
		}
	})
}

// TestAskWhichTeam proves a forwarder in two teams writing to meetings@
// gets asked (listing both team addresses), that the note's items stay out
// of prompts meanwhile, and that the answer files it with owners matched.
func TestAskWhichTeam(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		raw := eml("Ana Lima <ana@example.com>", "meetings@tidings.test", "Fwd: Sync", "ana-1@example.com", "", notesBody)
		status, _, _ := e.file(t, raw, "meetings@"+domain, "pass (dkim d=example.com)")
		n, items := e.lastNote(t)
		if status != store.InboundApplied || n.Status != store.NoteUnassigned || len(items) != 2 || items[0].OwnerMemberID != nil {
			t.Fatalf("status %s note %+v items %+v, want unassigned with unmatched owners", status, n, items)
		}
		ask := e.mailer.take()
		if len(ask) != 1 || ask[0].Kind != "meeting_ask_team" || !strings.Contains(ask[0].Text, "meetings+data@"+domain) ||
			!strings.Contains(ask[0].Text, "meetings+platform@"+domain) || ask[0].ReplyTo != "meetings@"+domain {
			t.Fatalf("question %+v", ask)
		}
		ben, _ := db.MemberByAddress(ctx, "ben@example.com")
		if open, _ := db.OpenActionItems(ctx, ben.ID); len(open) != 0 {
			t.Fatalf("unassigned note's items listed for Ben: %+v", open)
		}
		raw = eml("Ana Lima <ana@example.com>", "meetings@tidings.test", "Re: Fwd: Sync", "ana-2@example.com", ask[0].MessageID, "Data, please.\n")
		if status, reason, _ := e.file(t, raw, "meetings@"+domain, "pass (dkim d=example.com)"); status != store.InboundApplied {
			t.Fatalf("answer: %s (%s)", status, reason)
		}
		n, _ = e.lastNote(t)
		data, _ := db.FindTeam(ctx, "data")
		if n.Status != store.NoteFiled || n.TeamID == nil || *n.TeamID != data.ID {
			t.Fatalf("note after answer %+v, want filed under data", n)
		}
		if open, _ := db.OpenActionItems(ctx, ben.ID); len(open) != 1 || open[0].Text != "draft the staffing plan" {
			t.Errorf("Ben's open items = %+v", open)
		}
		if c := e.mailer.take(); len(c) != 1 || c[0].Kind != "meeting_confirm" || c[0].ReplyTo != "meetings+data@"+domain {
			t.Errorf("confirmation after answer %+v", c)
		}
	})
}

// TestAllowedDomainAndIgnored proves an address of a team's allowed domain
// may post (and meetings@ finds that team), and that auto-replies are
// ignored without an answer.
func TestAllowedDomainAndIgnored(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		raw := eml("Dana Ortiz <dana@corp.example>", "meetings@tidings.test", "Vendor call", "dana-1@corp.example", "", notesBody)
		status, reason, _ := e.file(t, raw, "meetings@"+domain, "pass (dkim d=example.com)")
		if status != store.InboundApplied || !strings.Contains(reason, "platform") {
			t.Fatalf("status %s (%s), want filed under platform", status, reason)
		}
		e.mailer.take()
		ooo := []byte(strings.Replace(string(eml("Ben <ben@example.com>", "meetings@tidings.test", "Out of office", "ooo-1@example.com", "", "I am away until Monday.\n")),
			"MIME-Version", "Auto-Submitted: auto-replied\r\nMIME-Version", 1))
		if status, _, _ = e.file(t, ooo, "meetings@"+domain, "pass"); status != store.InboundIgnored {
			t.Errorf("auto-reply status %s, want ignored", status)
		}
		if sent := e.mailer.take(); len(sent) != 0 {
			t.Errorf("answered an auto-reply: %+v", sent)
		}
	})
}

// TestCloseDone proves "done:" closes the one matching open item, refuses
// an ambiguous match and reports an unknown one, all in the reason.
func TestCloseDone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		body := "Action items\n- Ana: write the rollout doc\n- Ana: draft the staffing plan\n- Ana: plan the offsite\n"
		e.file(t, eml("Ana Lima <ana@example.com>", "meetings+platform@tidings.test", "Sync", "a-1@example.com", "", body), "meetings+platform@"+domain, "pass (dkim d=example.com)")
		ana, _ := db.MemberByAddress(ctx, "ana@example.com")
		msg := &reply.Message{Commands: []reply.Command{{Name: "done", Text: "Rollout doc"}, {Name: "done", Text: "plan"}, {Name: "done", Text: "budget"}}}
		var reason string
		err := db.InTx(ctx, func(tx *store.DB) error {
			var err error
			reason, err = e.filer.ApplyCommands(ctx, tx, ana.ID, msg)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{`closed "write the rollout doc"`, `"plan": several open action items match, none closed`, `"budget": no open action item matches`} {
			if !strings.Contains(reason, want) {
				t.Errorf("reason %q lacks %q", reason, want)
			}
		}
		open, _ := db.OpenActionItems(ctx, ana.ID)
		if len(open) != 2 {
			t.Fatalf("open after done = %+v, want the two plans", open)
		}
		msg.Commands = []reply.Command{{Name: "done", Text: "staffing plan"}}
		if err := db.InTx(ctx, func(tx *store.DB) error { _, err := e.filer.ApplyCommands(ctx, tx, ana.ID, msg); return err }); err != nil {
			t.Fatal(err)
		}
		if open, _ = db.OpenActionItems(ctx, ana.ID); len(open) != 1 || open[0].Text != "plan the offsite" {
			t.Errorf("open after second done = %+v", open)
		}
	})
}
