package digest_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tidings-app/tidings/digest"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

func TestServiceSendOncePerPeriod(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			db, dsn := b.Open(t, store.Options{})
			teamID := seedTeam(t, rawGorm(t, dsn), 4)
			now := at(27, 17, 5)
			out := &fakeSender{}
			svc, err := digest.New(db, out, digest.Options{Domain: "tidings.example.com", Now: func() time.Time { return now },
				Unsubscribe: func(id int64) string { return "https://tidings.example.com/u/m" + string(rune('0'+id)) }})
			must(t, err)
			res, err := svc.Send(ctx, teamID, "2026-W48", digest.SendOptions{})
			if err != nil || res.Queued != 4 {
				t.Fatalf("send: %+v %v, want 4 queued (observer included)", res, err)
			}
			m := out.msgs[0]
			if m.MessageID != "<digest.platform.2026-W48."+itoa(m.MemberID)+"@tidings.example.com>" ||
				!strings.HasPrefix(m.Subject, "Platform team · 23–27 Nov · no open blockers") {
				t.Errorf("message-id %q subject %q", m.MessageID, m.Subject)
			}
			want := []digest.Header{{"List-Id", "<platform.digest.tidings.example.com>"},
				{"List-Unsubscribe", "<https://tidings.example.com/u/m" + string(rune('0'+m.MemberID)) + ">"},
				{"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"}, {"Auto-Submitted", "auto-generated"},
				{"Precedence", "bulk"}, {"X-Auto-Response-Suppress", "All"}}
			if diff := cmp.Diff(want, m.Headers); diff != "" {
				t.Errorf("headers (-want +got):\n%s", diff)
			}
			if len(m.ReplyTo) != 1 || m.ReplyTo[0].Email != "m00000@example.com" {
				t.Errorf("reply-to = %+v, want the lead", m.ReplyTo)
			}
			for _, msg := range out.msgs {
				u := "https://tidings.example.com/u/m" + string(rune('0'+msg.MemberID))
				if !strings.Contains(msg.Text, u) || !strings.Contains(msg.HTML, `href="`+u+`"`) {
					t.Errorf("member %d: own unsubscribe URL missing", msg.MemberID)
				}
			}
			if _, err := svc.Send(ctx, teamID, "2026-W48", digest.SendOptions{}); !errors.Is(err, digest.ErrAlreadySent) {
				t.Errorf("second send: %v, want ErrAlreadySent", err)
			}
			now = now.Add(time.Hour)
			res, err = svc.Send(ctx, teamID, "2026-W48", digest.SendOptions{Force: true})
			if err != nil || res.Queued != 4 || out.msgs[4].MessageID == out.msgs[0].MessageID {
				t.Errorf("forced resend: %+v %v", res, err)
			}
		})
	}
}

func TestServiceRetryQueuesOnlyMissingCopies(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			db, dsn := b.Open(t, store.Options{})
			teamID := seedTeam(t, rawGorm(t, dsn), 3)
			out := &fakeSender{}
			svc, err := digest.New(db, out, digest.Options{Domain: "x.test", Now: func() time.Time { return at(27, 17, 0) }})
			must(t, err)
			// A crash after one copy: that copy is already queued.
			out.keys = map[string]bool{"digest:" + itoa(teamID) + ":2026-W48:1": true}
			out.fail = errors.New("queue down")
			if _, err := svc.Send(ctx, teamID, "2026-W48", digest.SendOptions{}); err == nil {
				t.Fatal("send with a failing queue succeeded")
			}
			out.fail = nil
			res, err := svc.Send(ctx, teamID, "2026-W48", digest.SendOptions{})
			if err != nil || res.Queued != 2 || res.Before != 1 {
				t.Errorf("retry: %+v %v, want 2 queued and 1 found", res, err)
			}
		})
	}
}

func TestSchedulerDue(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			db, dsn := b.Open(t, store.Options{})
			g := rawGorm(t, dsn)
			teamID := seedTeam(t, g, 3)
			s := digest.NewScheduler(db, digest.SchedulerOptions{CatchUp: 2 * time.Hour})
			check := func(now time.Time, want []store.SendDigestArgs) {
				t.Helper()
				got, err := s.SendDue(ctx, now)
				must(t, err)
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("due at %v (-want +got):\n%s", now, diff)
				}
			}
			check(at(27, 16, 59), nil)
			check(at(27, 17, 0), []store.SendDigestArgs{{TeamID: teamID, Period: "2026-W48"}})
			check(at(27, 19, 1), nil) // past the catch-up window
			row, _, err := db.ClaimDigest(ctx, teamID, "2026-W48")
			must(t, err)
			must(t, db.MarkDigestSent(ctx, row.ID, at(27, 17, 1)))
			check(at(27, 17, 30), nil)
			// Local delivery: readers are in Berlin, 17:00 there is 11:00 in New York.
			must(t, g.Model(&store.Team{}).Where("id = ?", teamID).Update("digest_local", true).Error)
			check(at(27, 11, 0), []store.SendDigestArgs{{TeamID: teamID, Period: "2026-W48", Zone: "Europe/Berlin"}})
		})
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
