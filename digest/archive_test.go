package digest_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tidings-app/tidings/digest"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

// TestSendKeepsCopyAndPageLinks: each recipient's copy carries its own
// archive link, and the digest as sent is kept (without any recipient's
// links) for the archive.
func TestSendKeepsCopyAndPageLinks(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			db, dsn := b.Open(t, store.Options{})
			teamID := seedTeam(t, rawGorm(t, dsn), 3)
			now := at(27, 17, 5)
			out := &fakeSender{}
			link := func(team, period string, id int64) string {
				return "https://tidings.example.com/l/" + team + "." + period + "." + itoa(id)
			}
			svc, err := digest.New(db, out, digest.Options{Domain: "tidings.example.com", Now: func() time.Time { return now },
				Unsubscribe: func(id int64) string { return "https://tidings.example.com/u/m" + itoa(id) }, PageLink: link})
			must(t, err)
			if _, err := svc.Send(ctx, teamID, "2026-W48", digest.SendOptions{}); err != nil {
				t.Fatal(err)
			}
			if len(out.msgs) != 3 {
				t.Fatalf("%d messages", len(out.msgs))
			}
			for _, m := range out.msgs {
				own := link("platform", "2026-W48", m.MemberID)
				if !strings.Contains(m.Text, "Read this digest on the web: "+own) || !strings.Contains(m.HTML, `href="`+own+`"`) {
					t.Errorf("member %d: own page link missing", m.MemberID)
				}
				for _, o := range out.msgs {
					if o.MemberID != m.MemberID && strings.Contains(m.HTML, link("platform", "2026-W48", o.MemberID)) {
						t.Errorf("member %d got member %d's link", m.MemberID, o.MemberID)
					}
				}
			}
			row, err := db.DigestFor(ctx, teamID, "2026-W48")
			must(t, err)
			c, err := db.DigestWithCopy(ctx, row.ID)
			if err != nil {
				t.Fatal(err)
			}
			if c.Copy.Subject != out.msgs[0].Subject || !strings.Contains(c.Copy.HTML, "<html") || c.Copy.Text == "" ||
				strings.Contains(c.Copy.HTML, "/l/") || strings.Contains(c.Copy.HTML, "/u/") || !c.Copy.SentAt.Equal(now) {
				t.Errorf("copy = %q, sent %v; html has personal links: %v", c.Copy.Subject, c.Copy.SentAt, strings.Contains(c.Copy.HTML, "/u/"))
			}
			if !c.Copy.PeriodStart.Before(c.Copy.PeriodEnd) {
				t.Errorf("period %v – %v", c.Copy.PeriodStart, c.Copy.PeriodEnd)
			}
		})
	}
}
