package meeting

import (
	"os"
	"testing"
	"time"

	"github.com/tidings-app/tidings/mail/reply"
	"github.com/tidings-app/tidings/store"
)

var wed = time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC) // a Wednesday

// TestParseDay proves due phrases are read against the meeting day:
// weekdays are the next such day, dates without a year roll forward.
func TestParseDay(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"draft it by Friday", "2026-11-27"},
		{"draft it by Wednesday", "2026-12-02"},
		{"draft it EOD Thursday", "2026-11-26"},
		{"draft it by 2026-12-01", "2026-12-01"},
		{"draft it — due Fri 27 Nov", "2026-11-27"},
		{"draft it by Jan 5", "2027-01-05"},
		{"draft it by end of week", "2026-11-27"},
		{"draft it bis Freitag", "2026-11-27"},
		{"draft it d'ici vendredi", "2026-11-27"},
		{"draft it antes del 4 de diciembre", "2026-12-04"},
		{"draft it by tomorrow", "2026-11-26"},
		{"stand by the plan", ""},
	} {
		got := ""
		if d, _, ok := findDue(c.in, wed); ok {
			got = d.Format("2006-01-02")
		}
		if got != c.want {
			t.Errorf("findDue(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestMatchItem proves "done:" matching prefers exact text, then phrase,
// then all words, and refuses a tie.
func TestMatchItem(t *testing.T) {
	items := []string{"Write the rollout doc", "Draft the staffing plan", "Plan the offsite", "Review the rollout"}
	for _, c := range []struct {
		q    string
		want int
	}{
		{"rollout doc", 0},
		{"ROLLOUT DOC.", 0},
		{"staffing", 1},
		{"the staffing plan", 1},
		{"plan", ambiguous},
		{"plan the offsite", 2},
		{"rollout", ambiguous},
		{"review rollout", 3},
		{"budget", noMatch},
		{"", noMatch},
	} {
		if got := matchItem(c.q, items); got != c.want {
			t.Errorf("matchItem(%q) = %d, want %d", c.q, got, c.want)
		}
	}
}

// TestRoster proves owners match by full name, first name, address and
// handle, and that a shared first name matches nobody.
func TestRoster(t *testing.T) {
	r := NewRoster([]store.TeamMember{
		{Member: store.Member{ID: 1, Name: "Maria Lopez", Email: "maria.lopez@example.com"}},
		{Member: store.Member{ID: 2, Name: "Maria Silva", Email: "ms@example.com"}},
		{Member: store.Member{ID: 3, Name: "Chen Wei", Email: "cw@example.com", Aliases: []string{"chen@home.example"}}},
	})
	for _, c := range []struct {
		name string
		want int64
	}{{"Maria Lopez", 1}, {"maria lopez", 1}, {"@maria.lopez", 1}, {"Maria", 0}, {"Chen", 3}, {"@chen.wei", 3},
		{"chen@home.example", 3}, {"cw", 3}, {"Legal", 0}} {
		got, _ := r.Match(c.name)
		if got != c.want {
			t.Errorf("Match(%q) = %d, want %d", c.name, got, c.want)
		}
	}
	if !r.Names("Maria") || r.Names("Plan") {
		t.Error("Names: want Maria known (ambiguous) and Plan unknown")
	}
}

// TestStructureKeepsProseOut proves headings, attendee lists, prose after a
// list and sign-offs never become items, and "Plan to …" is no owner.
func TestStructureKeepsProseOut(t *testing.T) {
	text := "Attendees: Ana, Ben\n\nAction items\n- Plan to migrate the DB\n- Ben: ship it\n\nWe ran out of time.\n\nThanks,\nDana\n"
	n := Structure(text, wed, func(s string) bool { return s == "Ben" })
	if len(n.Items) != 2 || n.Items[0].Owner != "" || n.Items[0].Text != "Plan to migrate the DB" || n.Items[1].Owner != "Ben" {
		t.Errorf("items = %+v", n.Items)
	}
	if len(n.Decisions) != 0 {
		t.Errorf("decisions = %v, want none", n.Decisions)
	}
}

// BenchmarkStructure compares structuring a Zoom recap with the reply
// parser's Parse of the same message (the baseline, measured in the same
// run): structuring must stay a small fraction of parsing.
func BenchmarkStructure(b *testing.B) {
	raw, err := os.ReadFile("testdata/zoom_ai_companion.eml")
	if err != nil {
		b.Fatal(err)
	}
	msg, err := reply.Parse(raw, reply.Options{Rcpt: "meetings@x.test"})
	if err != nil || msg.Forwarded == nil {
		b.Fatalf("parse: %v", err)
	}
	isName := func(s string) bool { return s == "Ben Okafor" || s == "Chen Wei" }
	b.Run("baseline_reply_parse", func(b *testing.B) {
		for b.Loop() {
			if _, err := reply.Parse(raw, reply.Options{Rcpt: "meetings@x.test"}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("structure", func(b *testing.B) {
		for b.Loop() {
			if n := Structure(msg.Forwarded.Text, wed, isName); len(n.Items) != 3 {
				b.Fatalf("items = %d", len(n.Items))
			}
		}
	})
}
