package outbound_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

// TestPromptShowsDueDateAsCalendarDay proves that an action item due
// "Thu 3 Dec" (stored as midnight UTC, as mail/meeting writes it) is
// listed as due Thu 3 Dec in the prompt of a member west of UTC, not as
// the day before.
func TestPromptShowsDueDateAsCalendarDay(t *testing.T) {
	b := storetest.Backends(t)[0]
	for _, zone := range []string{"America/Sao_Paulo", "America/Los_Angeles"} {
		t.Run(zone, func(t *testing.T) {
			loc := mustLoc(t, zone)
			member := store.MemberSpec{Email: "ana@example.com", Name: "Ana Lima", Timezone: zone}
			e := newEnv(t, b, time.Date(2026, 11, 30, 12, 0, 0, 0, loc), spec(zone, daily(8*time.Hour, 0), member))
			ctx := context.Background()
			m, err := e.db.MemberByAddress(ctx, member.Email)
			if err != nil {
				t.Fatal(err)
			}
			teams, err := e.db.TeamsOf(ctx, m.ID)
			if err != nil || len(teams) != 1 {
				t.Fatalf("teams %v %v", teams, err)
			}
			due := time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)
			note := &store.MeetingNote{TeamID: &teams[0].ID, Title: "Release sync", Status: store.NoteFiled,
				MeetingDate: time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC)}
			if err := e.db.CreateMeetingNote(ctx, note, []store.ActionItem{{OwnerMemberID: &m.ID, OwnerText: "Ana",
				Text: "ship the release notes", Due: &due, Status: store.ActionOpen}}); err != nil {
				t.Fatal(err)
			}
			if sum, res := e.run(t, time.Date(2026, 12, 3, 9, 0, 0, 0, loc)); sum.Queued != 1 || res.Sent != 1 {
				t.Fatalf("summary %+v flush %+v", sum, res)
			}
			msg := parse(t, e.sink.WaitFor(1, 5*time.Second)[0].Data)
			hasAll(t, "text part", msg.parts["text/plain"], "ship the release notes — due Thu\u00a03\u00a0Dec")
			hasAll(t, "html part", msg.parts["text/html"], "ship the release notes — due Thu\u00a03\u00a0Dec")
			if strings.Contains(strings.ReplaceAll(msg.parts["text/plain"], "\u00a0", " "), "Wed 2 Dec") {
				t.Errorf("text part shows the day before:\n%s", msg.parts["text/plain"])
			}
		})
	}
}
