package digest_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tidings-app/tidings/digest"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

// A member's own "digest daily|weekly|off" against a weekly team, then a
// daily one: who is due what, and who receives which send.
func TestMemberDigestCadence(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			db, dsn := b.Open(t, store.Options{})
			g := rawGorm(t, dsn)
			teamID := seedTeam(t, g, 4) // m0 lead, m1, m2, m3 observer; "fri 17:00" New York
			id := func(i int) int64 {
				m, err := db.MemberByAddress(ctx, "m0000"+itoa(int64(i))+"@example.com")
				must(t, err)
				return m.ID
			}
			setDigest := func(i int, v string) {
				_, _, err := db.SetMemberPrefs(ctx, id(i), store.PrefsChange{Digest: &v}, store.ActorEmail, 0)
				must(t, err)
			}
			setDigest(1, store.DigestDaily)
			setDigest(2, store.DigestOff)
			setDigest(3, store.DigestWeekly) // the team's own cadence: nothing extra
			s := digest.NewScheduler(db, digest.SchedulerOptions{CatchUp: 2 * time.Hour})
			check := func(now time.Time, want []store.SendDigestArgs) {
				t.Helper()
				got, err := s.Due(ctx, now)
				must(t, err)
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("due at %v (-want +got):\n%s", now, diff)
				}
			}
			check(at(24, 16, 59), nil)
			check(at(24, 17, 0), []store.SendDigestArgs{{TeamID: teamID, Period: "2026-11-24", Cadence: store.DigestDaily}})
			// Friday: the weekly digest covers the day; no daily one.
			check(at(27, 17, 0), []store.SendDigestArgs{{TeamID: teamID, Period: "2026-W48"}})
			check(at(28, 17, 0), nil) // Saturday

			now := at(24, 17, 1)
			out := &fakeSender{}
			var linked []string // the periods of the archive links the sends asked for
			svc, err := digest.New(db, out, digest.Options{Domain: "x.test", Now: func() time.Time { return now },
				PageLink: func(team, period string, id int64) string {
					linked = append(linked, period)
					return "https://x.test/l/" + period
				}})
			must(t, err)
			res, err := svc.Send(ctx, teamID, "2026-11-24", digest.SendOptions{Cadence: store.DigestDaily})
			if err != nil || res.Queued != 1 || out.msgs[0].MemberID != id(1) {
				t.Fatalf("daily send: %+v %v %+v, want one copy to m1", res, err, out.msgs)
			}
			daily := out.msgs[0]
			if !strings.Contains(daily.Subject, "Tue 24 Nov") || strings.Contains(daily.Text, "Wed 25") ||
				!strings.Contains(daily.MessageID, ".daily-2026-11-24.") {
				t.Errorf("daily digest: subject %q message-id %q, text:\n%s", daily.Subject, daily.MessageID, daily.Text)
			}
			// The archive link names the row the send claimed, which is
			// where the archive finds the digest.
			if _, err := db.DigestFor(ctx, teamID, "daily-2026-11-24"); err != nil || len(linked) == 0 ||
				slices.ContainsFunc(linked, func(p string) bool { return p != "daily-2026-11-24" }) {
				t.Errorf("daily digest links to %q; its row: %v", linked, err)
			}
			check(at(24, 17, 30), nil) // sent: not due again
			now = at(27, 17, 1)
			res, err = svc.Send(ctx, teamID, "2026-W48", digest.SendOptions{})
			if err != nil || res.Queued != 3 {
				t.Fatalf("weekly send: %+v %v, want m0, m1 (daily also gets the weekly), m3", res, err)
			}
			for _, m := range out.msgs[1:] {
				if m.MemberID == id(2) {
					t.Errorf("m2 (digest off) got %q", m.Subject)
				}
			}

			// The team goes daily; m1 now wants a weekly summary.
			must(t, g.Model(&store.Team{}).Where("id = ?", teamID).Update("digest_schedule", "mon-fri 17:00").Error)
			setDigest(1, store.DigestWeekly)
			setDigest(3, "")
			check(at(26, 17, 0), []store.SendDigestArgs{{TeamID: teamID, Period: "2026-11-26"}})
			check(at(27, 17, 0), []store.SendDigestArgs{{TeamID: teamID, Period: "2026-11-27"},
				{TeamID: teamID, Period: "2026-W48", Cadence: store.DigestWeekly}})
			out.msgs = nil
			res, err = svc.Send(ctx, teamID, "2026-11-27", digest.SendOptions{})
			if err != nil || res.Queued != 2 {
				t.Fatalf("daily team send: %+v %v, want m0 and m3 (m1 weekly, m2 off)", res, err)
			}
			for _, m := range out.msgs {
				if m.MemberID == id(1) || m.MemberID == id(2) {
					t.Errorf("member %d got the daily team digest", m.MemberID)
				}
			}
			out.msgs = nil
			res, err = svc.Send(ctx, teamID, "2026-W48", digest.SendOptions{Cadence: store.DigestWeekly})
			if err != nil || res.Queued != 1 || out.msgs[0].MemberID != id(1) {
				t.Fatalf("weekly roll-up: %+v %v, want one copy to m1", res, err)
			}
			roll := out.msgs[0]
			if !strings.Contains(roll.Subject, "23–27 Nov") || !strings.Contains(roll.Text, "Mon") || !strings.Contains(roll.Text, "Thu") {
				t.Errorf("roll-up covers the week: subject %q, text:\n%s", roll.Subject, roll.Text)
			}
			if _, err := svc.Send(ctx, teamID, "2026-11-24", digest.SendOptions{Cadence: store.DigestDaily}); err == nil {
				t.Error("a daily cadence on a daily team was accepted")
			}
		})
	}
}
