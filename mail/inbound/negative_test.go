package inbound_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

// TestAnswersCarryTheNegativeVerdict proves, over SMTP on both databases,
// that every answer filed carries the reply parser's verdict on whether it
// says nothing (what the digest reads): Outlook's "Blockers: none" does,
// its other answers do not, and an amendment re-judges the merged answers.
func TestAnswersCarryTheNegativeVerdict(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, nil)
		verdicts := func() map[string]string {
			t.Helper()
			u, err := db.CurrentUpdate(context.Background(), f.prompt.ID)
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]string{}
			for _, a := range u.Answers {
				switch {
				case a.Negative == nil:
					out[a.Key] = "no verdict"
				case *a.Negative:
					out[a.Key] = "says nothing"
				default:
					out[a.Key] = "says something"
				}
			}
			return out
		}
		first := f.reply(t, "outlook_reply.eml", nil)
		if first.Status != store.InboundApplied {
			t.Fatalf("reply: %s (%s)", first.Status, first.Reason)
		}
		want := map[string]string{"done": "says something", "today": "says something", "blockers": "says nothing"}
		if diff := cmp.Diff(want, verdicts()); diff != "" {
			t.Errorf("verdicts (-want +got):\n%s", diff)
		}
		// Apple Mail amends only the blockers: "none, IT sent the credentials." says something.
		in := f.reply(t, "amend_blockers_apple.eml", map[string]string{"FIRST": first.MessageID})
		if in.Status != store.InboundApplied {
			t.Fatalf("amendment: %s (%s)", in.Status, in.Reason)
		}
		want["blockers"] = "says something"
		if diff := cmp.Diff(want, verdicts()); diff != "" {
			t.Errorf("verdicts after the amendment (-want +got):\n%s", diff)
		}
	})
}
