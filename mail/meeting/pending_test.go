package meeting_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tidings-app/tidings/mail/meeting"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

const forgedBody = `Action items
- Ben: send the payroll export to backup@evil.example
- Chen Wei to review the budget
`

// visibleTo lists, for the platform team, every place a note's items can
// reach someone: the owners' open items (prompts), the team's digest, and
// the filed-notes listing. It returns what it found mentioning needle.
func visibleTo(t *testing.T, db *store.DB, needle string) []string {
	t.Helper()
	ctx := context.Background()
	team, err := db.FindTeam(ctx, "platform")
	if err != nil {
		t.Fatal(err)
	}
	ms, err := db.FindTeamMembers(ctx, team.ID)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	var found []string
	for _, m := range ms {
		ids = append(ids, m.ID)
		open, err := db.OpenActionItems(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range open {
			if strings.Contains(it.Text, needle) {
				found = append(found, "OpenActionItems("+m.Email+"): "+it.Text)
			}
		}
	}
	byOwner, err := db.OpenActionItemsOf(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	for _, its := range byOwner {
		for _, it := range its {
			if strings.Contains(it.Text, needle) {
				found = append(found, "OpenActionItemsOf: "+it.Text)
			}
		}
	}
	d, err := db.LoadDigest(ctx, team.ID, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range d.Notes {
		if strings.Contains(n.Summary, needle) {
			found = append(found, "digest note: "+n.Title)
		}
	}
	for _, it := range d.Items {
		if strings.Contains(it.Text, needle) {
			found = append(found, "digest item: "+it.Text)
		}
	}
	filed, err := db.FindMeetingNotes(ctx, store.MeetingNoteFilter{TeamID: &team.ID, Status: store.NoteFiled})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range filed {
		if strings.Contains(n.Summary, needle) {
			found = append(found, "filed note: "+n.Title)
		}
	}
	return found
}

// TestForgedNoteStaysPending proves that a note whose DMARC did not pass,
// though its From is a member's, reaches nobody: no prompt item, no
// digest, no filed note; only its From address is asked to confirm, at a
// signed confirm+TOKEN address, and the confirmation names none of its
// items.
func TestForgedNoteStaysPending(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		raw := eml("Chen Wei <chen@example.com>", "meetings+platform@tidings.test", "Notes: payroll", "forged-1@evil.example", "", forgedBody)
		for i, dmarc := range []string{"fail (no aligned signature)", "none (no policy)", "temperror (policy lookup)", ""} {
			e.nextID += 100
			status, reason, _ := e.file(t, raw, "meetings+platform@"+domain, dmarc)
			if status != store.InboundApplied || !strings.Contains(reason, "pending") {
				t.Fatalf("dmarc %q: status %s (%s), want applied as pending", dmarc, status, reason)
			}
			n, items := e.lastNote(t)
			if n.Status != store.NotePending || n.TeamID != nil || n.Proof != "" {
				t.Errorf("dmarc %q: note %+v, want pending without team or proof", dmarc, n)
			}
			for _, it := range items {
				if it.TeamID != nil || it.OwnerMemberID != nil {
					t.Errorf("dmarc %q: pending item %+v has a team or owner", dmarc, it)
				}
			}
			sent := e.mailer.take()
			if i == 3 { // the fourth in a day: kept pending without asking again
				if len(sent) != 0 || !strings.Contains(reason, "not asking") {
					t.Errorf("fourth forged note: queued %d, reason %q; want no request", len(sent), reason)
				}
				continue
			}
			if len(sent) != 1 || sent[0].Kind != "meeting_pending" || sent[0].To != "chen@example.com" ||
				!strings.HasPrefix(sent[0].ReplyTo, "confirm+") || sent[0].TeamID != nil {
				t.Fatalf("dmarc %q: queued %+v, want one confirmation request to chen with a confirm+ Reply-To", dmarc, sent)
			}
			if strings.Contains(sent[0].Text+sent[0].HTML, "payroll export") {
				t.Errorf("confirmation request repeats the note's items:\n%s", sent[0].Text)
			}
			if r, err := e.addr.Parse(sent[0].ReplyTo, nil); err != nil || r.ID != n.ID {
				t.Errorf("Reply-To %s does not name note %d: %+v %v", sent[0].ReplyTo, n.ID, r, err)
			}
		}
		if found := visibleTo(t, db, "payroll"); len(found) != 0 {
			t.Fatalf("pending note visible: %v", found)
		}
	})
}

// TestConfirmationFilesNote proves the confirm+TOKEN reply: from another
// address it is quarantined, an auto-reply is ignored, and a reply from
// the note's From files it (owners matched, proof "confirmed", the usual
// confirmation queued) so its items reach their owners.
func TestConfirmationFilesNote(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		raw := eml("Chen Wei <chen@example.com>", "meetings+platform@tidings.test", "Notes: Q1 sync", "chen-1@example.com", "", notesBody)
		e.file(t, raw, "meetings+platform@"+domain, "fail")
		note, _ := e.lastNote(t)
		req := e.mailer.take()[0]
		confirm := req.ReplyTo

		other := eml("Ben Okafor <ben@example.com>", confirm, "Re: "+req.Subject, "ben-c@example.com", req.MessageID, "yes\n")
		if status, _, _ := e.file(t, other, confirm, "pass"); status != store.InboundQuarantined {
			t.Errorf("confirmation from another member: status %s, want quarantined", status)
		}
		ooo := []byte(strings.Replace(string(eml("Chen Wei <chen@example.com>", confirm, "Out of office", "ooo-c@example.com", req.MessageID, "Away until Monday.\n")),
			"MIME-Version", "Auto-Submitted: auto-replied\r\nMIME-Version", 1))
		if status, _, _ := e.file(t, ooo, confirm, "fail"); status != store.InboundIgnored {
			t.Errorf("auto-reply to the confirmation: status %s, want ignored", status)
		}
		if n, _ := e.lastNote(t); n.Status != store.NotePending {
			t.Fatalf("note %s before the real confirmation, want pending", n.Status)
		}
		if found := visibleTo(t, db, "rollout doc"); len(found) != 0 {
			t.Fatalf("pending note visible: %v", found)
		}
		yes := eml("Chen Wei <chen@example.com>", confirm, "Re: "+req.Subject, "chen-c@example.com", req.MessageID, "Yes, that was me.\n")
		status, reason, _ := e.file(t, yes, confirm, "fail")
		if status != store.InboundApplied || !strings.Contains(reason, "filed under platform") {
			t.Fatalf("confirmation: status %s (%s), want filed", status, reason)
		}
		n, items := e.lastNote(t)
		if n.ID != note.ID || n.Status != store.NoteFiled || n.Proof != store.ProofConfirmed || n.TeamID == nil {
			t.Fatalf("note after confirmation %+v", n)
		}
		owned := 0
		for _, it := range items {
			if it.OwnerMemberID != nil && it.TeamID != nil {
				owned++
			}
		}
		if owned != 2 {
			t.Errorf("items after confirmation %+v, want both matched to members", items)
		}
		if found := visibleTo(t, db, "rollout doc"); len(found) == 0 {
			t.Error("confirmed note's items reach nobody")
		}
		if sent := e.mailer.take(); len(sent) != 1 || sent[0].Kind != "meeting_confirm" || !strings.Contains(sent[0].Text, "Filed under Platform") {
			t.Errorf("after confirmation queued %+v, want the filed confirmation", sent)
		}
		// A second reply changes nothing.
		again := eml("Chen Wei <chen@example.com>", confirm, "Re: "+req.Subject, "chen-c2@example.com", req.MessageID, "yes\n")
		if status, _, _ := e.file(t, again, confirm, "fail"); status != store.InboundIgnored {
			t.Errorf("second confirmation: status %s, want ignored", status)
		}
	})
}

// TestConfirmationNoDiscards proves a "no" reply discards the note.
func TestConfirmationNoDiscards(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.file(t, eml("Chen Wei <chen@example.com>", "meetings+platform@tidings.test", "Notes", "f-2@evil.example", "", forgedBody), "meetings+platform@"+domain, "fail")
		req := e.mailer.take()[0]
		no := eml("Chen Wei <chen@example.com>", req.ReplyTo, "Re: x", "chen-no@example.com", req.MessageID, "No, I never sent this.\n")
		if status, reason, _ := e.file(t, no, req.ReplyTo, "pass"); status != store.InboundApplied || !strings.Contains(reason, "discarded") {
			t.Fatalf("status %s (%s), want discarded", status, reason)
		}
		if n, _ := e.lastNote(t); n.Status != store.NoteQuarantined {
			t.Errorf("note %s, want quarantined", n.Status)
		}
		if found := visibleTo(t, db, "payroll"); len(found) != 0 {
			t.Fatalf("discarded note visible: %v", found)
		}
	})
}

// TestDistrustTokensThreadReply proves that with auth.token_is_proof
// false a correction in a note's thread needs DMARC.
func TestDistrustTokensThreadReply(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnvWith(t, db, func(o *meeting.Options) { o.DistrustTokens = true })
		raw := eml("Chen Wei <chen@example.com>", "meetings+platform@tidings.test", "Notes: Q1 sync", "chen-1@example.com", "", notesBody)
		if status, _, _ := e.file(t, raw, "meetings+platform@"+domain, "pass"); status != store.InboundApplied {
			t.Fatalf("status %s", status)
		}
		c := e.mailer.take()[0]
		fix := "Action items\n  • Chen Wei — order the load-test hardware\n"
		raw = eml("Chen Wei <chen@example.com>", "meetings+platform@tidings.test", c.Subject, "chen-2@example.com", c.MessageID, fix)
		if status, reason, _ := e.file(t, raw, "meetings+platform@"+domain, "fail"); status != store.InboundQuarantined || !strings.Contains(reason, "token_is_proof") {
			t.Errorf("correction without DMARC: %s (%s), want quarantined", status, reason)
		}
		raw = eml("Chen Wei <chen@example.com>", "meetings+platform@tidings.test", c.Subject, "chen-3@example.com", c.MessageID, fix)
		if status, reason, _ := e.file(t, raw, "meetings+platform@"+domain, "pass"); status != store.InboundApplied {
			t.Errorf("correction with DMARC: %s (%s)", status, reason)
		}
	})
}
