package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

// TestMeetingsListAndShow proves the list shows team, date, title,
// forwarder, decision count and open/done counts, and show prints the
// decisions and each item with owner, due date and state.
func TestMeetingsListAndShow(t *testing.T) {
	db, _ := storetest.OpenSQLite(t, store.Options{})
	ctx := context.Background()
	if _, err := db.Sync(ctx, []store.TeamSpec{{Slug: "platform", Name: "Platform", Timezone: "UTC",
		Members: []store.MemberSpec{{Email: "ben@example.com", Name: "Ben Okafor"}}}}); err != nil {
		t.Fatal(err)
	}
	team, _ := db.FindTeam(ctx, "platform")
	ben, _ := db.MemberByAddress(ctx, "ben@example.com")
	due := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	done := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	n := &store.MeetingNote{TeamID: &team.ID, ForwardedBy: "ana@example.com", Title: "Q1 sync", Status: store.NoteFiled,
		MeetingDate: time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC), Decisions: []string{"Freeze the schema"}}
	items := []store.ActionItem{{OwnerMemberID: &ben.ID, OwnerText: "Ben", Text: "draft the staffing plan", Due: &due},
		{OwnerText: "Legal", Text: "review the contract", Status: store.ActionDone, DoneAt: &done}}
	if err := db.CreateMeetingNote(ctx, n, items); err != nil {
		t.Fatal(err)
	}
	notes, err := db.FindMeetingNotes(ctx, store.MeetingNoteFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var list bytes.Buffer
	writeMeetingList(&list, notes)
	row := strings.Fields(strings.Split(list.String(), "\n")[1])
	if want := []string{"1", "platform", "2026-11-25", "Q1", "sync", "ana@example.com", "1", "1/1"}; strings.Join(row, " ") != strings.Join(want, " ") {
		t.Errorf("list row = %q, want %q", row, want)
	}
	var show bytes.Buffer
	if err := showMeeting(ctx, &show, db, n.ID); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Team: platform", "• Freeze the schema", "☐ #1 Ben Okafor <ben@example.com> — draft the staffing plan — due Fri 27 Nov",
		"☑ #2 Legal — review the contract — done 2026-11-26"} {
		if !strings.Contains(show.String(), want) {
			t.Errorf("show lacks %q:\n%s", want, show.String())
		}
	}
	if err := showMeeting(ctx, &show, db, 99); err == nil {
		t.Error("show of a missing note: want an error")
	}
}
