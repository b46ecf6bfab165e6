package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

// TestPendingNoteReachesNoQuery proves a pending note's items carry no
// team even when the caller sets one on the note and an owner on its
// items, so neither the prompt queries nor the digest load them; and that
// text PostgreSQL would refuse (NUL, invalid UTF-8) is stored cleaned.
func TestPendingNoteReachesNoQuery(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		team, ana, _ := seedNote(t, db)
		n := &store.MeetingNote{ForwardedBy: "ana@example.com", Title: "R\xe9union\x00", Status: store.NotePending, TeamID: &team.ID,
			Summary: "a\x00b", MeetingDate: time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)}
		items := []store.ActionItem{{OwnerMemberID: &ana.ID, Text: "send the payroll export\x00 \xff"}}
		if err := db.CreateMeetingNote(ctx, n, items); err != nil {
			t.Fatal(err)
		}
		stored, err := db.FindActionItems(ctx, store.ActionItemFilter{NoteID: n.ID})
		if err != nil || len(stored) != 1 || stored[0].TeamID != nil || strings.ContainsRune(stored[0].Text, 0) {
			t.Fatalf("pending items %+v (%v), want one without team, cleaned", stored, err)
		}
		got, _ := db.MeetingNoteByID(ctx, n.ID)
		if got.Title != "R\uFFFDunion" || got.Summary != "ab" {
			t.Errorf("cleaned title %q summary %q", got.Title, got.Summary)
		}
		open, _ := db.OpenActionItems(ctx, ana.ID)
		byOwner, _ := db.OpenActionItemsOf(ctx, []int64{ana.ID})
		d, err := db.LoadDigest(ctx, team.ID, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range append(open, byOwner[ana.ID]...) {
			if strings.Contains(it.Text, "payroll") {
				t.Errorf("pending item in a prompt query: %+v", it)
			}
		}
		for _, it := range d.Items {
			if strings.Contains(it.Text, "payroll") {
				t.Errorf("pending item in the digest: %+v", it)
			}
		}
		for _, dn := range d.Notes {
			if dn.ID == n.ID {
				t.Errorf("pending note in the digest")
			}
		}
	})
}
