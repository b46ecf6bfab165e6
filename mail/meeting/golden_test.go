package meeting_test

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

var update = flag.Bool("update", false, "rewrite the golden .json files")

// goldenNote is what a case's .json records: the note as filed and its
// items with owners resolved to member addresses.
type goldenNote struct {
	Kind            string       `json:"kind"`
	Status          string       `json:"status"`
	Team            string       `json:"team"`
	Title           string       `json:"title"`
	OriginalFrom    string       `json:"original_from"`
	OriginalName    string       `json:"original_from_name"`
	OriginalSubject string       `json:"original_subject"`
	MeetingDate     string       `json:"meeting_date"`
	ForwarderNote   string       `json:"forwarder_note"`
	Decisions       []string     `json:"decisions"`
	Items           []goldenItem `json:"action_items"`
}

type goldenItem struct {
	Owner     string `json:"owner"` // member address, when matched
	OwnerText string `json:"owner_text"`
	Text      string `json:"text"`
	Due       string `json:"due"`
	Status    string `json:"status"`
}

// TestGoldenNotes files every testdata/*.eml (forwards from Gmail, Outlook
// desktop/web/mobile, Apple Mail, Thunderbird, attached message/rfc822, in
// several languages, and Zoom, Google Meet, Teams and hand-written recap
// layouts) to meetings+platform and compares the stored note with the
// case's .json: original sender, date and subject, the forwarder's note
// kept apart, decisions, and items with owner and due date.
func TestGoldenNotes(t *testing.T) {
	files, err := filepath.Glob("testdata/*.eml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	db, _ := storetest.OpenSQLite(t, store.Options{})
	e := newEnv(t, db)
	emails := memberEmails(t, db)
	for _, path := range files {
		name := strings.TrimSuffix(filepath.Base(path), ".eml")
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			status, reason, msg := e.file(t, raw, "meetings+platform@"+domain, "pass")
			if status != store.InboundApplied {
				t.Fatalf("status %s (%s), want applied", status, reason)
			}
			n, items := e.lastNote(t)
			got := goldenNote{Kind: string(msg.Kind), Status: n.Status, Team: "platform", Title: n.Title,
				OriginalFrom: n.OriginalFrom, OriginalName: n.OriginalFromName, OriginalSubject: n.OriginalSubject,
				MeetingDate: n.MeetingDate.UTC().Format(time.RFC3339), Decisions: n.Decisions, Items: []goldenItem{}}
			if msg.Forwarded != nil {
				got.ForwarderNote = msg.Text
			}
			for _, it := range items {
				gi := goldenItem{OwnerText: it.OwnerText, Text: it.Text, Status: it.Status}
				if it.OwnerMemberID != nil {
					gi.Owner = emails[*it.OwnerMemberID]
				}
				if it.Due != nil {
					gi.Due = it.Due.Format("2006-01-02")
				}
				got.Items = append(got.Items, gi)
			}
			compareGolden(t, strings.TrimSuffix(path, ".eml")+".json", got)
			if sent := e.mailer.take(); len(sent) != 1 || sent[0].Kind != "meeting_confirm" {
				t.Errorf("queued %d messages, want one confirmation", len(sent))
			}
		})
	}
}

func compareGolden(t *testing.T, path string, got goldenNote) {
	t.Helper()
	if *update {
		b, _ := json.MarshalIndent(got, "", "  ")
		if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	var want goldenNote
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", path, diff)
	}
}

func memberEmails(t *testing.T, db *store.DB) map[int64]string {
	t.Helper()
	out := map[int64]string{}
	for _, slug := range []string{"platform", "data"} {
		team, err := db.FindTeam(context.Background(), slug)
		if err != nil {
			t.Fatal(err)
		}
		ms, err := db.FindTeamMembers(context.Background(), team.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			out[m.ID] = m.Email
		}
	}
	return out
}
