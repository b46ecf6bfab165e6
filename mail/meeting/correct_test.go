package meeting_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tidings-app/tidings/mail/reply"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

// readCase reads testdata/NAME and fills {{CONFIRM}}.
func readCase(t *testing.T, name, confirm string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return []byte(strings.ReplaceAll(string(b), "{{CONFIRM}}", confirm))
}

// itemRows renders items as "owner|text|due|status" for comparison.
func itemRows(items []store.ActionItem) string {
	var rows []string
	for _, it := range items {
		due := ""
		if it.Due != nil {
			due = it.Due.Format("2006-01-02")
		}
		rows = append(rows, fmt.Sprintf("%s|%s|%s|%s", it.OwnerText, it.Text, due, it.Status))
	}
	return strings.Join(rows, "\n")
}

// TestCorrectionKeepsDoneClosed proves, with complete messages from
// Gmail, iPhone and Outlook, that a correction replied to a confirmation
// replaces the items it lists without reopening an item closed with
// "done:" (copying the confirmation's list back, where that item was
// still open, used to bring it back as a new open item), that closed
// items it leaves out stay as closed history, and that the hard-wrapped
// new item is one item.
func TestCorrectionKeepsDoneClosed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		if status, reason, _ := e.file(t, readCase(t, "gmail.eml", ""), "meetings+platform@"+domain, "pass (dkim d=example.com)"); status != store.InboundApplied {
			t.Fatalf("filing: %s (%s)", status, reason)
		}
		confirm := e.mailer.take()[0]

		// Ben closes his item from his prompt.
		ben, _ := db.MemberByAddress(ctx, "ben@example.com")
		done, err := reply.Parse(readCase(t, "correction/done_reply_iphone.eml", ""), reply.Options{Rcpt: "reply+abc@" + domain})
		if err != nil {
			t.Fatal(err)
		}
		closedAt := e.now
		if err := db.InTx(ctx, func(tx *store.DB) error { _, err := e.filer.ApplyCommands(ctx, tx, ben.ID, done); return err }); err != nil {
			t.Fatal(err)
		}
		if open, _ := db.OpenActionItems(ctx, ben.ID); len(open) != 0 {
			t.Fatalf("Ben's items after done: %+v", open)
		}

		// Ana corrects by copying the confirmation's list, with a change and a new item.
		e.now = e.now.Add(2 * time.Hour)
		status, reason, _ := e.file(t, readCase(t, "correction/correction_gmail.eml", confirm.MessageID), "meetings+platform@"+domain, "pass (dkim d=example.com)")
		if status != store.InboundApplied || !strings.Contains(reason, "1 closed kept closed") {
			t.Fatalf("correction: %s (%s)", status, reason)
		}
		_, items := e.lastNote(t)
		want := strings.Join([]string{
			"Ben|draft the staffing plan|2026-11-27|done",
			"Chen Wei|benchmark the new ingest path|2026-12-03|open",
			"Ana Lima|write the rollout doc and share it with support before the freeze||open",
		}, "\n")
		if got := itemRows(items); got != want {
			t.Fatalf("items after correction:\n%s\nwant:\n%s", got, want)
		}
		if items[0].DoneAt == nil || !items[0].DoneAt.Equal(closedAt) {
			t.Errorf("closed item's DoneAt = %v, want the original %v", items[0].DoneAt, closedAt)
		}
		if open, _ := db.OpenActionItems(ctx, ben.ID); len(open) != 0 {
			t.Errorf("the correction reopened Ben's item: %+v", open)
		}
		sent := e.mailer.take()
		// The text part is wrapped at 78 columns: compare with spaces folded.
		if len(sent) != 1 || !strings.Contains(strings.Join(strings.Fields(sent[0].Text), " "), "☑ Ben Okafor — draft the staffing plan") ||
			!strings.Contains(strings.Join(strings.Fields(sent[0].Text), " "), "☐ Ana Lima — write the rollout doc and share it with support before the freeze") {
			t.Fatalf("second confirmation:\n%+v", sent)
		}

		// A correction that leaves the closed item out keeps it, closed.
		e.now = e.now.Add(time.Hour)
		status, reason, _ = e.file(t, readCase(t, "correction/correction_omits_done_outlook.eml", sent[0].MessageID), "meetings+platform@"+domain, "pass (dkim d=example.com)")
		if status != store.InboundApplied {
			t.Fatalf("second correction: %s (%s)", status, reason)
		}
		_, items = e.lastNote(t)
		want = strings.Join([]string{
			"Chen Wei|benchmark the new ingest path|2026-12-04|open",
			"Ben|draft the staffing plan|2026-11-27|done",
		}, "\n")
		if got := itemRows(items); got != want {
			t.Errorf("items after a correction without the closed item:\n%s\nwant:\n%s", got, want)
		}
	})
}
