package digest

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/tidings-app/tidings/templates"
)

// TemplateName is the message name of the digest in a templates.Set.
const TemplateName = "digest"

// Width is the column the plain-text digest wraps at.
const Width = 78

// View is what the digest templates receive: the digest and the reader's
// unsubscribe URL, the only part that differs between readers (so one
// rendering can serve a whole team). Its methods are layout helpers for the
// plain text.
type View struct {
	Digest
	// Unsubscribe is the recipient's one-click unsubscribe URL; empty
	// leaves the footer line out.
	Unsubscribe string
	nameWidth   int
	cellWidth   int
}

// Render renders d (subject, text and HTML) with the "digest" templates of
// set; unsubscribe is the reader's unsubscribe URL, empty for none. Errors
// come from the templates (templates.ErrNoTemplate when the set has no
// digest).
func Render(set *templates.Set, d Digest, unsubscribe string) (templates.Rendered, error) {
	v := View{Digest: d, Unsubscribe: unsubscribe}
	for _, p := range d.Participation.People {
		v.nameWidth = max(v.nameWidth, utf8.RuneCountInString(p.Name))
		v.cellWidth = max(v.cellWidth, len(p.Cells))
	}
	r, err := set.Render(TemplateName, v)
	if err != nil {
		return r, fmt.Errorf("digest: render: %w", err)
	}
	return r, nil
}

// Summary is the subject's tail: "2 blockers, 11 of 12 replied", or
// "no updates".
func (d Digest) Summary() string {
	if d.Empty {
		return "no updates"
	}
	var b string
	switch n := len(d.Blockers); n {
	case 0:
		b = "no blockers"
	case 1:
		b = "1 blocker"
	default:
		b = fmt.Sprintf("%d blockers", n)
	}
	return fmt.Sprintf("%s, %d of %d replied", b, d.Participation.Replied, d.Participation.Prompted)
}

// OpenBlockers counts the blockers still open at the end of the period.
func (d Digest) OpenBlockers() int {
	n := 0
	for _, b := range d.Blockers {
		if b.Open() {
			n++
		}
	}
	return n
}

// LeadNames is "Ben Okafor" or "Ben Okafor and Dana Ortiz".
func (d Digest) LeadNames() string {
	names := make([]string, len(d.Leads))
	for i, l := range d.Leads {
		names[i] = l.Name
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// Pad pads s with spaces to the width of the longest name in the
// participation chart.
func (v View) Pad(s string) string {
	return s + strings.Repeat(" ", max(0, v.nameWidth-utf8.RuneCountInString(s)))
}

// Bar draws a person's cells as text: ■ answered, □ missed, · excused,
// ○ still open, padded to the longest row.
func (v View) Bar(cells []string) string {
	var b strings.Builder
	for _, c := range cells {
		b.WriteString(map[string]string{CellAnswered: "■", CellMissed: "□", CellExcused: "·", CellOpen: "○"}[c])
	}
	b.WriteString(strings.Repeat(" ", max(0, v.cellWidth-len(cells))))
	return b.String()
}

// LegendEntry is one cell kind of the participation chart and its label.
type LegendEntry struct{ Kind, Label string }

// Legend is the key of the participation chart, drawn with the chart's own
// cells in the HTML: two rows of two, so it fits a phone screen.
func (v View) Legend() [][]LegendEntry {
	return [][]LegendEntry{{{CellAnswered, "answered"}, {CellMissed, "no reply"}},
		{{CellExcused, "away or skipped"}, {CellOpen, "still open"}}}
}

// Stats is a person's figures after the bar: "4/5", then the streak when
// over one and the note, if any.
func (v View) Stats(ps PersonStat) string {
	s := fmt.Sprintf("%d/%d", ps.Answered, ps.Expected)
	if ps.Streak > 1 {
		s = fmt.Sprintf("%-5s  streak %d", s, ps.Streak)
	}
	if ps.Note != "" {
		s = fmt.Sprintf("%-16s  %s", s, ps.Note)
	}
	return s
}

// Para lays out s for a line where it starts at column col: s is wrapped
// at Width, and its continuation lines and further lines start at column
// col+hang, so long answers stay whole and readable in a terminal. A word longer than the line (a
// URL) is kept whole on its own line.
func (v View) Para(col, hang int, s string) string {
	pad := strings.Repeat(" ", col+hang)
	var b strings.Builder
	for i, line := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		if i > 0 {
			b.WriteString("\n" + pad)
		}
		wrapLine(&b, strings.Fields(line), col, pad)
	}
	return b.String()
}

func wrapLine(b *strings.Builder, words []string, col int, pad string) {
	at := col
	for j, w := range words {
		n := utf8.RuneCountInString(w)
		switch {
		case j == 0:
		case at+1+n > Width:
			b.WriteString("\n" + pad)
			at = len(pad)
		default:
			b.WriteByte(' ')
			at++
		}
		b.WriteString(w)
		at += n
	}
}

// Percent is the width of a percentage bar cell in the HTML chart; it
// never returns 0 so the cell stays in the table.
func (v View) Percent(n, of int) int {
	if of == 0 {
		return 1
	}
	return max(1, percent(n, of))
}

// Answer lays out one answer as "Label: text" starting at column col.
func (v View) Answer(col int, a AnswerView) string {
	if a.Label == "" {
		return v.Para(col, 2, a.Text)
	}
	return v.Para(col, 2, a.Label+": "+a.Text)
}

// When says when a blocker began and whether it cleared: "since Tue, still
// open" or "Wed; cleared Thu"; a blocker carried from an earlier period
// names the date ("since Wed 18 Nov, still open", "since Wed 28 Oct or
// earlier, still open" when it reaches past the look-back window).
func (b Blocker) When() string {
	since := b.Since.Format("Mon")
	if b.Carried {
		since = b.Since.Format("Mon 2 Jan")
		if b.Bounded {
			since += " or earlier"
		}
		if !b.Open() {
			return "since " + since + "; cleared " + b.Cleared.Format("Mon")
		}
	}
	switch {
	case b.Open():
		return "since " + since + ", still open"
	case dayOf(b.Cleared).Equal(dayOf(b.Since)):
		return since + "; cleared the same day"
	}
	return since + "; cleared " + b.Cleared.Format("Mon")
}

// ItemLine is one action item as text: "☐ Ben Okafor — draft the staffing
// plan, due Fri 27 Nov" (OVERDUE when late) or "☑ … (done Thu)".
func (v View) ItemLine(it Item) string {
	return v.itemLine(it, it.Owner+" — ")
}

// OwnItemLine is ItemLine without the owner, for a list under the owner's
// name.
func (v View) OwnItemLine(it Item) string { return v.itemLine(it, "") }

func (v View) itemLine(it Item, owner string) string {
	s := "☐ "
	if it.Done {
		s = "☑ "
	}
	s += owner + it.Text
	switch {
	case it.Done && !it.DoneAt.IsZero():
		s += " (done " + it.DoneAt.Format("Mon") + ")"
	case !it.Done && !it.Due.IsZero():
		s += ", due " + it.Due.Format("Mon 2 Jan")
		if it.Overdue {
			s += " — OVERDUE"
		}
	}
	return s
}

// MeetingLine is a meeting's heading: "Q1 sync (Wed 25 Nov, forwarded by
// Ana)".
func (v View) MeetingLine(m Meeting) string {
	s := m.Title + " (" + m.Date.Format("Mon 2 Jan")
	if m.ForwardedBy != "" {
		s += ", forwarded by " + m.ForwardedBy
	}
	return s + ")"
}

// NoReplyLine lists who did not reply: "No reply this week: Dmitri Ivanov
// (away until 30 Nov), Eve Adams".
func (v View) NoReplyLine() string {
	parts := make([]string, len(v.NoReply))
	for i, a := range v.NoReply {
		parts[i] = a.Name
		if a.Why != "" {
			parts[i] += " (" + a.Why + ")"
		}
	}
	return "No reply this " + v.Period.Noun() + ": " + strings.Join(parts, ", ")
}
