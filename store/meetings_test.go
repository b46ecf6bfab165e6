package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

// seedNote syncs the example team and files one note with three items:
// two owned by Ana (one due, one not), one by a free-text owner.
func seedNote(t *testing.T, db *store.DB) (team *store.Team, ana *store.Member, note *store.MeetingNote) {
	t.Helper()
	ctx := context.Background()
	if _, err := db.Sync(ctx, exampleSpecs()); err != nil {
		t.Fatal(err)
	}
	team, err := db.FindTeam(ctx, "platform")
	if err != nil {
		t.Fatal(err)
	}
	ana, err = db.MemberByAddress(ctx, "ana@example.com")
	if err != nil {
		t.Fatal(err)
	}
	due := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	note = &store.MeetingNote{TeamID: &team.ID, ForwardedBy: "ana@example.com", Title: "Q1 planning",
		MeetingDate: time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC), Decisions: []string{"Freeze the schema"},
		Status: store.NoteFiled, MessageID: "fwd-1@example.com"}
	items := []store.ActionItem{
		{OwnerMemberID: &ana.ID, OwnerText: "Ana", Text: "write the rollout doc"},
		{OwnerMemberID: &ana.ID, OwnerText: "Ana", Text: "draft the staffing plan", Due: &due},
		{OwnerText: "Legal", Text: "review the contract"},
	}
	if err := db.CreateMeetingNote(ctx, note, items); err != nil {
		t.Fatal(err)
	}
	return team, ana, note
}

// TestMeetingNoteLifecycle proves items are stored with the note's team,
// listed for their owner due-first, counted per note, closed once, and
// replaced wholesale by a correction.
func TestMeetingNoteLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		team, ana, note := seedNote(t, db)

		open, err := db.OpenActionItems(ctx, ana.ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, it := range open {
			got = append(got, it.Text+"|"+it.NoteTitle)
			if it.TeamID == nil || *it.TeamID != team.ID {
				t.Errorf("item %q team = %v, want %d", it.Text, it.TeamID, team.ID)
			}
		}
		want := []string{"draft the staffing plan|Q1 planning", "write the rollout doc|Q1 planning"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("open items (-want +got):\n%s", diff)
		}

		at := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
		if err := db.CloseActionItem(ctx, open[0].ID, at); err != nil {
			t.Fatal(err)
		}
		if err := db.CloseActionItem(ctx, open[0].ID, at.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		done, err := db.FindActionItems(ctx, store.ActionItemFilter{DoneSince: at})
		if err != nil {
			t.Fatal(err)
		}
		if len(done) != 1 || !done[0].DoneAt.Equal(at) {
			t.Fatalf("done items = %+v, want one closed at %v", done, at)
		}
		if err := db.CloseActionItem(ctx, 999999, at); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("close unknown: err = %v, want ErrNotFound", err)
		}

		list, err := db.FindMeetingNotes(ctx, store.MeetingNoteFilter{TeamID: &team.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].TeamSlug != "platform" || list[0].Open != 2 || list[0].Done != 1 {
			t.Fatalf("summary = %+v, want platform with 2 open, 1 done", list)
		}

		note.Decisions = []string{"Freeze the schema on Dec 4", "Ship in Q1"}
		if err := db.ReplaceMeetingNote(ctx, note, []store.ActionItem{{OwnerText: "Ben", Text: "call the vendor"}}); err != nil {
			t.Fatal(err)
		}
		items, err := db.FindActionItems(ctx, store.ActionItemFilter{NoteID: note.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != 1 || items[0].Text != "call the vendor" || items[0].Status != store.ActionOpen {
			t.Errorf("after replace items = %+v", items)
		}
		back, err := db.MeetingNoteByID(ctx, note.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(note.Decisions, back.Decisions); diff != "" {
			t.Errorf("decisions (-want +got):\n%s", diff)
		}
	})
}

// TestUnfiledNotesStayOutOfPrompts proves an unassigned note's items are
// not listed in a prompt until the note is filed, and that filters by
// status and date work.
func TestUnfiledNotesStayOutOfPrompts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		team, ana, _ := seedNote(t, db)
		n := &store.MeetingNote{ForwardedBy: "ana@example.com", Title: "Later sync", Status: store.NoteUnassigned,
			MeetingDate: time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)}
		if err := db.CreateMeetingNote(ctx, n, []store.ActionItem{{OwnerMemberID: &ana.ID, Text: "book the room"}}); err != nil {
			t.Fatal(err)
		}
		open, err := db.OpenActionItems(ctx, ana.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(open) != 2 {
			t.Fatalf("open = %d items, want 2 (the unassigned note's item hidden)", len(open))
		}
		n.TeamID, n.Status = &team.ID, store.NoteFiled
		if err := db.ReplaceMeetingNote(ctx, n, []store.ActionItem{{OwnerMemberID: &ana.ID, Text: "book the room"}}); err != nil {
			t.Fatal(err)
		}
		if open, _ = db.OpenActionItems(ctx, ana.ID); len(open) != 3 || open[2].TeamID == nil {
			t.Fatalf("after filing open = %+v, want 3 with a team", open)
		}
		recent, err := db.FindMeetingNotes(ctx, store.MeetingNoteFilter{Since: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		if len(recent) != 1 || recent[0].Title != "Later sync" {
			t.Errorf("since Dec 1 = %+v, want only Later sync", recent)
		}
		missing := &store.MeetingNote{ID: 424242, Status: store.NoteFiled}
		if err := db.ReplaceMeetingNote(ctx, missing, nil); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("replace unknown: err = %v, want ErrNotFound", err)
		}
	})
}

// TestDateInKeepsTheCalendarDay proves that a due date stored as midnight
// UTC is the same calendar day at midnight in any zone, west or east of
// UTC, even when the stored value carries another zone or a time of day.
func TestDateInKeepsTheCalendarDay(t *testing.T) {
	due := time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)
	for _, zone := range []string{"America/Los_Angeles", "America/Sao_Paulo", "UTC", "Pacific/Kiritimati"} {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Fatal(err)
		}
		for _, in := range []time.Time{due, due.In(loc), due.Add(23 * time.Hour)} {
			got := store.DateIn(in, loc)
			if want := time.Date(2026, 12, 3, 0, 0, 0, 0, loc); !got.Equal(want) || got.Location() != loc {
				t.Errorf("DateIn(%s, %s) = %s, want %s", in, zone, got, want)
			}
		}
	}
	if got := store.DateIn(due, nil); !got.Equal(due) {
		t.Errorf("DateIn with nil loc = %s, want %s", got, due)
	}
}
