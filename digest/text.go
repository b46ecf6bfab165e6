package digest

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Layout helpers of the plain-text digest: the participation grid and
// answers wrapped at Width.

// Pad pads s with spaces to the width of the longest name in the
// participation chart.
func (v View) Pad(s string) string {
	return s + strings.Repeat(" ", max(0, v.nameWidth-utf8.RuneCountInString(s)))
}

// cellRunes draws cells as text: ■ answered, □ missed, · excused, ○ open.
var cellRunes = map[string]string{CellAnswered: "■", CellMissed: "□", CellExcused: "·", CellOpen: "○"}

// GridHead is the two header lines of the text grid: weekdays and dates,
// aligned over the columns of Bar.
func (v View) GridHead() string {
	var days, dates strings.Builder
	pad := strings.Repeat(" ", v.nameWidth+4)
	days.WriteString(pad)
	dates.WriteString(pad)
	for i, c := range v.Participation.Columns {
		fmt.Fprintf(&days, "%-*s ", v.colWidth[i], c.Label)
		fmt.Fprintf(&dates, "%-*s ", v.colWidth[i], c.Date)
	}
	return strings.TrimRight(days.String(), " ") + "\n" + strings.TrimRight(dates.String(), " ")
}

// Bar draws a person's cells under the grid's day columns.
func (v View) Bar(ps PersonStat) string {
	var b strings.Builder
	for i, cells := range ps.Days {
		for _, c := range cells {
			b.WriteString(cellRunes[c])
		}
		b.WriteString(strings.Repeat(" ", v.colWidth[i]-len(cells)+1))
	}
	return b.String()
}

// Stats is a person's figures after the bar: "8/9 +1 open", then the
// streak when over one and the note, if any. Prompts still open are not
// counted: "1 open" alone when nothing has closed yet.
func (v View) Stats(ps PersonStat) string {
	s := v.Count(ps)
	if ps.Streak > 1 {
		s = fmt.Sprintf("%-11s streak %d", s, ps.Streak)
	}
	if ps.Note != "" {
		s = fmt.Sprintf("%-21s %s", s, ps.Note)
	}
	return strings.TrimRight(s, " ")
}

// Count is "8/9", "8/9 +1 open" or "1 open".
func (v View) Count(ps PersonStat) string {
	switch {
	case ps.Expected == 0 && ps.Open > 0:
		return fmt.Sprintf("%d open", ps.Open)
	case ps.Open > 0:
		return fmt.Sprintf("%d/%d +%d open", ps.Answered, ps.Expected, ps.Open)
	}
	return fmt.Sprintf("%d/%d", ps.Answered, ps.Expected)
}

// Para lays out s for a line where it starts at column col: s is wrapped
// at Width, and its continuation lines and further lines start at column
// col+hang, so long answers stay whole and readable in a terminal. A word
// longer than the line (a URL) is kept whole on its own line.
func (v View) Para(col, hang int, s string) string {
	pad := strings.Repeat(" ", col+hang)
	var b strings.Builder
	for i, line := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		if i > 0 {
			b.WriteString("\n" + pad)
		}
		// Split at ASCII blanks only: no-break spaces hold dates together.
		wrapLine(&b, strings.FieldsFunc(line, func(r rune) bool { return r == ' ' || r == '\t' }), col, pad)
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

// DayText lays out one day of a member's updates starting at column col:
// "Done: x · Today: y", wrapped at Width with continuation lines at
// column indent; code blocks are kept as written, indented by two more.
func (v View) DayText(col, indent int, d DayUpdate) string {
	var b strings.Builder
	var cur strings.Builder
	flush := func() {
		if t := strings.TrimSpace(cur.String()); t != "" {
			at := col
			if b.Len() > 0 {
				b.WriteString("\n" + strings.Repeat(" ", indent))
				at = indent
			}
			b.WriteString(v.Para(at, indent-at, t))
		}
		cur.Reset()
	}
	for i, a := range d.Answers {
		if i > 0 && strings.TrimSpace(cur.String()) != "" {
			cur.WriteString(" · ")
		}
		if a.Label != "" {
			cur.WriteString(a.Label + ": ")
		}
		for _, p := range a.Parts {
			if p.Kind != PartCode {
				cur.WriteString(p.Text)
				continue
			}
			flush()
			for _, line := range strings.Split(p.Text, "\n") {
				b.WriteString("\n" + strings.TrimRight(strings.Repeat(" ", indent+2)+line, " "))
			}
		}
	}
	if d.Edited {
		cur.WriteString(" (edited)")
	}
	if d.Late {
		cur.WriteString(" (late)")
	}
	flush()
	return strings.TrimLeft(b.String(), "\n")
}

// DayLabel is a day of a member's updates: "Mon", or "Fri 20" for a day
// outside the digest's days (a prompt due before the period's first day
// in the team's zone).
func (v View) DayLabel(t time.Time) string {
	d := dayOf(t)
	first := time.Date(v.Days.First.Year(), v.Days.First.Month(), v.Days.First.Day(), 0, 0, 0, 0, d.Location())
	if d.Before(first) {
		return t.Format("Mon 2")
	}
	return t.Format("Mon")
}
