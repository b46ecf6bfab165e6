package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

func TestForgetMember(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := seedSearch(t, db)
		raw := &store.InboundMessage{DedupKey: "<a1@example.com>", MailFrom: "Ana@Example.com", Raw: []byte("From: ana@example.com\r\n\r\nhi\r\n"),
			Status: store.InboundApplied, ReceivedAt: t0}
		second := &store.InboundMessage{DedupKey: "<a2@example.com>", MailFrom: "ana@example.com", Raw: []byte("From: ana@example.com\r\n\r\nagain\r\n"),
			Status: store.InboundApplied, ReceivedAt: t0}
		other := &store.InboundMessage{DedupKey: "<b1@example.com>", MailFrom: "ben@example.com", Raw: []byte("From: ben@example.com\r\n\r\nhi\r\n"),
			Status: store.InboundApplied, ReceivedAt: t0}
		for _, m := range []*store.InboundMessage{raw, second, other} {
			if _, err := db.CreateInbound(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		// A filed note with an action item Ana owns: the note stays
		// searchable, her name in it does not.
		owned := &store.MeetingNote{TeamID: &f.platform.ID, Title: "Planning", InboundID: 11, Status: store.NoteFiled, MeetingDate: t0}
		if err := db.CreateMeetingNote(ctx, owned, []store.ActionItem{{Text: "draft the zanzibar plan", OwnerText: "Ana Lima", OwnerMemberID: &f.ana.ID}}); err != nil {
			t.Fatal(err)
		}
		search := func(text string) int {
			hits, err := db.Search(ctx, store.SearchQuery{Text: text, TeamIDs: []int64{f.platform.ID, f.mobile.ID}})
			if err != nil {
				t.Fatal(err)
			}
			return len(hits)
		}
		if n := search("terraform"); n != 1 {
			t.Fatalf("before: %d hits", n)
		}
		// Dry run: the same report, nothing changes.
		dry, err := db.ForgetMember(ctx, f.ana.ID, true)
		if err != nil {
			t.Fatal(err)
		}
		if dry.Email != "ana@example.com" || dry.Deleted["updates"] != 1 || dry.Deleted["update_revisions"] != 1 ||
			dry.Deleted["inbound_messages"] != 2 || dry.Deleted["members"] != 1 || dry.Deleted["one_on_ones"] != 1 {
			t.Errorf("dry run report = %+v", dry)
		}
		if n := search("terraform"); n != 1 {
			t.Fatalf("dry run changed the index: %d hits", n)
		}
		if _, err := db.MemberByAddress(ctx, "ana@example.com"); err != nil {
			t.Fatalf("dry run removed the member: %v", err)
		}
		rep, err := db.ForgetMember(ctx, f.ana.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Deleted) != len(dry.Deleted) || rep.Deleted["updates"] != dry.Deleted["updates"] {
			t.Errorf("report %+v differs from dry run %+v", rep, dry)
		}
		if _, err := db.MemberByAddress(ctx, "ana@example.com"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("member after forget: %v", err)
		}
		if n := search("terraform"); n != 0 {
			t.Errorf("her update is still found: %d", n)
		}
		if n := search("billing"); n != 2 { // Ben's and Cy's
			t.Errorf("others' updates: %d hits, want 2", n)
		}
		if _, err := db.InboundByID(ctx, raw.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("her raw message: %v", err)
		}
		if _, err := db.InboundByID(ctx, other.ID); err != nil {
			t.Errorf("Ben's raw message: %v", err)
		}
		if ups, err := db.FindUpdates(ctx, store.UpdateFilter{MemberID: f.ana.ID}); err != nil || len(ups) != 0 {
			t.Errorf("her updates: %v %v", ups, err)
		}
		if ps, err := db.FindOneOnOnes(ctx, "platform"); err != nil || len(ps) != 0 {
			t.Errorf("one-on-ones: %v %v", ps, err)
		}
		if n := search("zanzibar"); n != 1 {
			t.Errorf("the note with her item: %d hits, want 1", n)
		}
		if n := search("lima"); n != 0 {
			t.Errorf("her name is still found: %d hits", n)
		}
		// The team's note and ask stay.
		if n := search("runbook or offsite"); n != 2 {
			t.Errorf("team content: %d hits", n)
		}
		if _, err := db.ForgetMember(ctx, f.ana.ID, false); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("forget twice: %v", err)
		}
	})
}
