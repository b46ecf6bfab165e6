package inbound_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

// answersOf is the current update's answers as key → text, its version and
// blocker flag.
func (f *fixture) answersOf(t *testing.T) (map[string]string, int, bool, *store.Update) {
	t.Helper()
	u, err := f.db.CurrentUpdate(context.Background(), f.prompt.ID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, a := range u.Answers {
		out[a.Key] = a.Text
	}
	return out, u.Version, u.HasBlocker, u
}

// reply sends a testdata reply from Ana to the prompt over SMTP and
// processes it.
func (f *fixture) reply(t *testing.T, name string, vars map[string]string) store.InboundMessage {
	t.Helper()
	to := f.addrs.Reply(f.prompt.ID)
	v := map[string]string{"FROM": "ana@example.com", "TO": to, "MSGID": msgID(t, strings.TrimSuffix(name, ".eml"))}
	for k, s := range vars {
		v[k] = s
	}
	return f.deliver(t, "ana@example.com", to, message(t, name, v))
}

// TestSecondRepliesAmend proves, over SMTP on both databases with
// complete replies from four clients, that a second reply answering only
// some questions replaces those answers and keeps the others (and the
// blocker flag follows the blockers answer), that a reply answering every
// question or starting with "replace:" replaces them all, and that every
// earlier version stays as a revision.
func TestSecondRepliesAmend(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, nil)
		first := f.reply(t, "gmail_reply.eml", nil)
		if first.Status != store.InboundApplied {
			t.Fatalf("first reply: %s (%s)", first.Status, first.Reason)
		}
		v1 := map[string]string{
			"done":     "finished the rate limiter review and merged the retry patch.",
			"today":    "pairing with Ben on the schema migration.",
			"blockers": "waiting on staging credentials from IT.",
		}
		got, ver, blocked, _ := f.answersOf(t)
		if diff := cmp.Diff(v1, got); diff != "" || ver != 1 || !blocked {
			t.Fatalf("first version %d blocked %t (-want +got):\n%s", ver, blocked, diff)
		}

		// Apple Mail, only "Blockers:": the blocker is gone, the rest stays.
		in := f.reply(t, "amend_blockers_apple.eml", map[string]string{"FIRST": first.MessageID})
		if in.Status != store.InboundApplied || !strings.Contains(in.Reason, "amended blockers, kept done, today") {
			t.Fatalf("blockers-only reply: %s (%s)", in.Status, in.Reason)
		}
		v2 := map[string]string{"done": v1["done"], "today": v1["today"], "blockers": "none, IT sent the credentials."}
		got, ver, blocked, _ = f.answersOf(t)
		if diff := cmp.Diff(v2, got); diff != "" || ver != 2 || blocked {
			t.Fatalf("after blockers-only: version %d blocked %t (-want +got):\n%s", ver, blocked, diff)
		}

		// Outlook, only "Today:".
		in = f.reply(t, "amend_today_outlook.eml", nil)
		v3 := map[string]string{"done": v1["done"], "today": "switching to the billing export, the migration waits for Ben.", "blockers": v2["blockers"]}
		got, ver, blocked, u := f.answersOf(t)
		if diff := cmp.Diff(v3, got); diff != "" || ver != 3 || blocked || in.Status != store.InboundApplied {
			t.Fatalf("after today-only (%s): version %d blocked %t (-want +got):\n%s", in.Reason, ver, blocked, diff)
		}
		if keys := []string{u.Answers[0].Key, u.Answers[1].Key, u.Answers[2].Key}; strings.Join(keys, ",") != "done,today,blockers" {
			t.Errorf("answers out of question order: %v", keys)
		}

		// Thunderbird, every question: all replaced.
		in = f.reply(t, "full_thunderbird.eml", map[string]string{"BODY": "Yesterday: the billing export.\nToday: the vendor call.\nBlockers: waiting on the vendor's API key."})
		v4 := map[string]string{"done": "the billing export.", "today": "the vendor call.", "blockers": "waiting on the vendor's API key."}
		got, ver, blocked, _ = f.answersOf(t)
		if diff := cmp.Diff(v4, got); diff != "" || ver != 4 || !blocked || !strings.Contains(in.Reason, "every question answered") {
			t.Fatalf("after a full reply (%s): version %d blocked %t (-want +got):\n%s", in.Reason, ver, blocked, diff)
		}

		// "replace:" with one heading: that answer is all that is left.
		in = f.reply(t, "full_thunderbird.eml", map[string]string{"BODY": "replace:\nToday: only the billing export now."})
		got, ver, blocked, u = f.answersOf(t)
		if diff := cmp.Diff(map[string]string{"today": "only the billing export now."}, got); diff != "" || ver != 5 || blocked || !strings.Contains(in.Reason, "replace:") {
			t.Fatalf("after replace: (%s): version %d blocked %t (-want +got):\n%s", in.Reason, ver, blocked, diff)
		}

		applied := in
		// "replace:" with nothing after it replaces nothing.
		in = f.reply(t, "full_thunderbird.eml", map[string]string{"BODY": "replace:"})
		if _, ver, _, _ = f.answersOf(t); ver != 5 || in.Status != store.InboundIgnored {
			t.Fatalf("bare replace: %s (%s), version %d", in.Status, in.Reason, ver)
		}

		revs, err := db.UpdateRevisions(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		var history []map[string]string
		for _, r := range revs {
			m := map[string]string{}
			for _, a := range r.Answers {
				m[a.Key] = a.Text
			}
			history = append(history, m)
		}
		if diff := cmp.Diff([]map[string]string{v1, v2, v3, v4}, history); diff != "" {
			t.Errorf("revisions (-want +got):\n%s", diff)
		}

		// Reprocessing a message already applied changes nothing.
		if err := f.proc.Process(ctx, applied.ID); err != nil {
			t.Fatal(err)
		}
		if _, ver, _, _ = f.answersOf(t); ver != 5 {
			t.Errorf("reprocess made version %d", ver)
		}
	})
}

// TestStrayAcknowledgementIgnored proves a one-word reply ("ok", "thanks",
// "+1", "👍", "merci", "danke") to a prompt already answered replaces
// nothing and is recorded as ignored with its reason.
func TestStrayAcknowledgementIgnored(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, nil)
		f.reply(t, "gmail_reply.eml", nil)
		want, ver, _, _ := f.answersOf(t)
		for _, body := range []string{"ok", "Thanks!", "+1", "👍", "👍🏽", "merci", "Danke", "thank you\n\nAna", "OK, thanks."} {
			in := f.reply(t, "ack_iphone.eml", map[string]string{"BODY": body})
			if in.Status != store.InboundIgnored || !strings.Contains(in.Reason, "acknowledgement") || !strings.Contains(in.Reason, "nothing replaced") {
				t.Errorf("%q: status %s reason %q, want ignored as an acknowledgement", body, in.Status, in.Reason)
			}
			got, v, _, _ := f.answersOf(t)
			if diff := cmp.Diff(want, got); diff != "" || v != ver {
				t.Errorf("%q changed the update to version %d:\n%s", body, v, diff)
			}
		}
		// A real one-line answer is not an acknowledgement.
		in := f.reply(t, "ack_iphone.eml", map[string]string{"BODY": "Blockers: none"})
		if got, _, _, _ := f.answersOf(t); in.Status != store.InboundApplied || got["blockers"] != "none" {
			t.Errorf("\"Blockers: none\": %s (%s), answers %v", in.Status, in.Reason, got)
		}
	})
}

// TestGuessedSecondReplyAdds proves a second reply without any heading
// ("Forgot to mention: …") is added to the answer it was filed under
// instead of erasing it, and keeps the blocker.
func TestGuessedSecondReplyAdds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, nil)
		f.reply(t, "gmail_reply.eml", nil)
		before, _, _, _ := f.answersOf(t)
		in := f.reply(t, "full_thunderbird.eml", map[string]string{"BODY": "Forgot to mention: I also reviewed the retry patch for Chen."})
		got, ver, blocked, _ := f.answersOf(t)
		want := map[string]string{
			"done":     before["done"] + "\n\nForgot to mention: I also reviewed the retry patch for Chen.",
			"today":    before["today"],
			"blockers": before["blockers"],
		}
		if diff := cmp.Diff(want, got); diff != "" || ver != 2 || !blocked || !strings.Contains(in.Reason, "added to done, nothing replaced") {
			t.Errorf("after a reply without headings (%s): version %d blocked %t (-want +got):\n%s", in.Reason, ver, blocked, diff)
		}
		// The same words sent again (a client's resend under a new
		// Message-ID) are not added twice.
		f.reply(t, "full_thunderbird.eml", map[string]string{"BODY": "Forgot to mention: I also reviewed the retry patch for Chen."})
		if got, _, _, _ = f.answersOf(t); got["done"] != want["done"] {
			t.Errorf("after the same text again: done = %q", got["done"])
		}
	})
}
