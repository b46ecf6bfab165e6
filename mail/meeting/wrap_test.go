package meeting

import (
	"strings"
	"testing"
)

// TestWrappedItems proves hard-wrapped items stay one item with their
// whole text (owner and due date read from the joined text), and that
// what follows a list without a blank line is not glued on when it is a
// new sentence, a sign-off, a member's name or another bullet.
func TestWrappedItems(t *testing.T) {
	isName := func(s string) bool { return s == "Ben" || s == "Dana" || s == "Maya" }
	for _, c := range []struct {
		name, text string
		want       []string // owner|text|due
	}{
		{"unindented after bullet", "Action items\n- Ben to draft the customer note, review with Maya on\nThursday\n- Dana: ship it",
			[]string{"Ben|draft the customer note, review with Maya on Thursday|", "Dana|ship it|"}},
		{"indented with due date", "Next steps\n  * Ben: order the rack and\n    confirm power by\n    Friday",
			[]string{"Ben|order the rack and confirm power|2026-11-27"}},
		{"numbered", "Action items\n1. Ben: write the notes and\nsend them to support\n2. Dana: review",
			[]string{"Ben|write the notes and send them to support|", "Dana|review|"}},
		{"checkbox", "- [x] Ben: migrate the\n  billing export\n- [ ] Dana: test it",
			[]string{"Ben|migrate the billing export|", "Dana|test it|"}},
		{"new sentence", "Action items\n- Ben: ship it.\nNext meeting is on Monday.",
			[]string{"Ben|ship it|", "|Next meeting is on Monday|"}},
		{"sign-off", "Action items\n- Ben: ship it\nThanks,\nDana",
			[]string{"Ben|ship it|"}},
		{"unbulleted lines stay apart", "Action items\nBen: ship it\nDana: test it",
			[]string{"Ben|ship it|", "Dana|test it|"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			n := Structure(c.text, wed, isName)
			var got []string
			for _, it := range n.Items {
				due := ""
				if it.Due != nil {
					due = it.Due.Format("2006-01-02")
				}
				got = append(got, it.Owner+"|"+it.Text+"|"+due)
			}
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("items:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
	n := Structure("Decisions\n- Credits, not refunds, for the November\noutage.\n- Keep the banner.", wed, nil)
	if strings.Join(n.Decisions, "|") != "Credits, not refunds, for the November outage|Keep the banner" {
		t.Errorf("decisions = %q", n.Decisions)
	}
}
