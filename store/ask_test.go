package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

// TestAskAnswersAndAnonymousClose proves a second answer replaces the
// first, that an anonymous ask's answers carry no member, and that closing
// it erases the recipient→answer links and the raw messages that carried
// the answers, while "who answered" stays.
func TestAskAnswersAndAnonymousClose(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := db.Sync(ctx, exampleSpecs()); err != nil {
			t.Fatal(err)
		}
		team, err := db.FindTeam(ctx, "platform")
		if err != nil {
			t.Fatal(err)
		}
		members, err := db.FindTeamMembers(ctx, team.ID)
		if err != nil || len(members) < 2 {
			t.Fatalf("members %v, err %v", members, err)
		}
		now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
		a := &store.Ask{TeamID: team.ID, AskerID: &members[0].ID, AskerEmail: members[0].Email, Kind: store.AskPoll, Status: store.AskOpen,
			Question: "Offsite?", Choices: []string{"Lisbon", "Porto"}, Anonymous: true,
			Deadline: now.Add(48 * time.Hour), RemindAt: now.Add(24 * time.Hour)}
		if err := db.CreateAsk(ctx, a, []int64{members[1].ID}); err != nil {
			t.Fatal(err)
		}
		rs, err := db.AskRecipients(ctx, a.ID)
		if err != nil || len(rs) != 1 {
			t.Fatalf("recipients %v, err %v", rs, err)
		}
		in := &store.InboundMessage{DedupKey: "v1@example.com", MessageID: "v1@example.com", MailFrom: "ben@example.com",
			Raw: []byte("From: ben@example.com\r\n\r\nB"), Rcpt: []string{"answer+x@tidings.test"}}
		if _, err := db.CreateInbound(ctx, in); err != nil {
			t.Fatal(err)
		}
		if changed, err := db.SaveAskAnswer(ctx, rs[0].ID, in.ID, []int{1}, "", false); err != nil || changed {
			t.Fatalf("first answer: changed %t err %v", changed, err)
		}
		if changed, err := db.SaveAskAnswer(ctx, rs[0].ID, in.ID, []int{0}, "Lisbon is cheaper", false); err != nil || !changed {
			t.Fatalf("second answer: changed %t err %v", changed, err)
		}
		ans, err := db.AskAnswers(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := []store.AskAnswer{{ID: ans[0].ID, AskID: a.ID, Choices: []int{0}, Comment: "Lisbon is cheaper"}}
		if diff := cmp.Diff(want, ans); diff != "" {
			t.Errorf("answers (-want +got):\n%s", diff)
		}
		if got := a.Tally(ans); !cmp.Equal(got, []int{1, 0}) {
			t.Errorf("tally %v, want [1 0]", got)
		}
		if due, err := db.DueAsks(ctx, now.Add(25*time.Hour)); err != nil || len(due) != 1 {
			t.Fatalf("due asks %v err %v, want the reminder due", due, err)
		}
		if ok, err := db.MarkAskReminded(ctx, a.ID); err != nil || !ok {
			t.Fatalf("reminded %t err %v", ok, err)
		}
		if ok, _ := db.MarkAskReminded(ctx, a.ID); ok {
			t.Error("reminded twice")
		}
		if ok, err := db.CloseAsk(ctx, a.ID, now, "deadline"); err != nil || !ok {
			t.Fatalf("close: %t %v", ok, err)
		}
		if ok, _ := db.CloseAsk(ctx, a.ID, now, "deadline"); ok {
			t.Error("closed twice")
		}
		if after, _ := db.AskAnswers(ctx, a.ID); len(after) != 1 || after[0].ID == ans[0].ID || after[0].Comment != "Lisbon is cheaper" {
			t.Errorf("answers after close %+v, want the same answer under a new ID", after)
		}
		rs, _ = db.AskRecipients(ctx, a.ID)
		if rs[0].AnswerID != nil || len(rs[0].InboundIDs) != 0 || !rs[0].Answered {
			t.Errorf("recipient after close %+v, want answered with no link", rs[0])
		}
		got, err := db.InboundByID(ctx, in.ID)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(got.Raw), "ben") || got.MailFrom != "" || len(got.Rcpt) != 0 {
			t.Errorf("inbound after close keeps the voter: %q from %q", got.Raw, got.MailFrom)
		}
		if _, err := db.SaveAskAnswer(ctx, rs[0].ID, in.ID, []int{1}, "", false); !errors.Is(err, store.ErrConflict) {
			t.Errorf("answer to a closed ask: %v, want ErrConflict", err)
		}
		closed, err := db.FindAsks(ctx, store.AskFilter{TeamID: &team.ID, Closed: true, Since: now.Add(-time.Hour), Until: now.Add(time.Hour)})
		if err != nil || len(closed) != 1 {
			t.Errorf("closed asks %v err %v", closed, err)
		}
	})
}
