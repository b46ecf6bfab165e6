package digest

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tidings-app/tidings/templates"
)

// TemplateName is the message name of the digest in a templates.Set.
const TemplateName = "digest"

// Width is the column the plain-text digest wraps at.
const Width = 78

// View is what the digest templates receive: the digest, the reader's
// zone and unsubscribe URL (the only parts that differ between readers,
// so one rendering can serve every reader in a zone). Its methods are
// layout helpers.
type View struct {
	Digest
	// Reader is the reader's zone, for times; nil is the team's.
	Reader *time.Location
	// Unsubscribe is the recipient's one-click unsubscribe URL; empty
	// leaves the footer line out.
	Unsubscribe string
	// PageURL is the recipient's link to this digest in the web archive
	// (it signs that recipient in); empty leaves the line out.
	PageURL   string
	nameWidth int
	colWidth  []int
}

// Render renders d (subject, text and HTML) with the "digest" templates of
// set for a reader in the team's zone; unsubscribe is the reader's
// unsubscribe URL, empty for none. See RenderFor.
func Render(set *templates.Set, d Digest, unsubscribe string) (templates.Rendered, error) {
	return RenderFor(set, d, nil, unsubscribe)
}

// RenderFor renders d for a reader in zone reader (nil: the team's).
// Errors come from the templates (templates.ErrNoTemplate when the set has
// no digest).
func RenderFor(set *templates.Set, d Digest, reader *time.Location, unsubscribe string) (templates.Rendered, error) {
	return renderFor(set, d, reader, unsubscribe, "")
}

// renderFor is RenderFor with the reader's archive link.
func renderFor(set *templates.Set, d Digest, reader *time.Location, unsubscribe, page string) (templates.Rendered, error) {
	if reader == nil {
		reader = d.Period.Loc
	}
	v := View{Digest: d, Reader: reader, Unsubscribe: unsubscribe, PageURL: page}
	v.colWidth = make([]int, len(d.Participation.Columns))
	for i := range v.colWidth {
		v.colWidth[i] = 3
	}
	for _, p := range d.Participation.People {
		v.nameWidth = max(v.nameWidth, utf8.RuneCountInString(p.Name))
		for i, cells := range p.Days {
			v.colWidth[i] = max(v.colWidth[i], len(cells))
		}
	}
	r, err := set.Render(TemplateName, v)
	if err != nil {
		return r, fmt.Errorf("digest: render: %w", err)
	}
	return r, nil
}

// Subject is "Platform · 23–27 Nov · 1 open blocker": the team (cut to 28
// characters), the days and the open blockers only, so that a phone shows
// the count; "no updates" for an empty period.
func (d Digest) Subject() string {
	team := d.Team
	if r := []rune(team); len(r) > 28 {
		team = strings.TrimSpace(string(r[:27])) + "…"
	}
	tail := "no open blockers"
	switch n := d.OpenBlockers(); {
	case d.Empty:
		tail = "no updates"
	case n == 1:
		tail = "1 open blocker"
	case n > 1:
		tail = fmt.Sprintf("%d open blockers", n)
	}
	return team + " · " + d.Days.Short() + " · " + tail
}

// Preheader is the hidden summary a mail client shows after the subject:
// "Ana blocked 11 days: waiting on VPN access · 56 of 60 answered · 1
// overdue item".
func (d Digest) Preheader() string {
	var parts []string
	shown := 0
	for _, b := range d.Blockers {
		if !b.Open() || shown == 2 {
			continue
		}
		shown++
		parts = append(parts, fmt.Sprintf("%s blocked %s: %s", b.Short, b.Age(), clip(b.Text, 40)))
	}
	if n := d.OpenBlockers() - shown; n > 0 {
		parts = append(parts, fmt.Sprintf("%d more blocked", n))
	}
	pt := d.Participation
	if d.Empty {
		parts = append(parts, "no updates this "+d.Period.Noun())
	} else {
		parts = append(parts, fmt.Sprintf("%d of %d answered", pt.Answered, pt.Expected))
	}
	overdue := 0
	for _, o := range d.OpenItems {
		for _, it := range o.Items {
			if it.Overdue {
				overdue++
			}
		}
	}
	switch {
	case overdue == 1:
		parts = append(parts, "1 overdue item")
	case overdue > 1:
		parts = append(parts, fmt.Sprintf("%d overdue items", overdue))
	}
	return strings.Join(parts, " · ")
}

// clip shortens s to n characters at a word boundary, with an ellipsis.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n])
	if i := strings.LastIndex(cut, " "); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:.") + "…"
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

// PeriodLine is "Mon 23 – Fri 27 Nov, New York time".
func (d Digest) PeriodLine() string { return d.Days.Long() + ", " + d.Zone + " time" }

// Window says exactly which prompts count: "Prompts due Fri 20 Nov 17:00 –
// Fri 27 Nov 17:00 New York time", and the same in the reader's zone when
// its clock differs ("(23:00 – 23:00 your time)").
func (v View) Window() string {
	p := v.Period
	f := func(t time.Time) string { return nb(t.Format("Mon 2 Jan 15:04")) }
	s := "Prompts due " + f(p.Start.In(p.Loc)) + " – " + f(p.End.In(p.Loc)) + " " + v.Zone + " time"
	if r := v.Reader; r != nil && p.End.In(r).Format("15:04 Mon") != p.End.In(p.Loc).Format("15:04 Mon") {
		s += " (" + f(p.Start.In(r)) + " – " + f(p.End.In(r)) + " your time)"
	}
	return s
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

// Date is "Mon 23 Nov" with non-breaking spaces, for the HTML.
func (v View) Date(t time.Time) string { return nb(t.Format("Mon 2 Jan")) }

// Legend is the key of the participation chart, in the order of the
// cells' meaning.
func (v View) Legend() []struct{ Kind, Label string } {
	return []struct{ Kind, Label string }{{CellAnswered, "answered"}, {CellMissed, "no reply"},
		{CellExcused, "away, skipped or not sent"}, {CellOpen, "still open"}}
}

// Percent is the width of a percentage bar cell in the HTML chart; it
// never returns 0 so the cell stays in the table.
func (v View) Percent(n, of int) int {
	if of == 0 {
		return 1
	}
	return max(1, percent(n, of))
}

// Age says how long an open blocker has been open: "today", "1 day",
// "11 days".
func (b Blocker) Age() string {
	switch b.Days {
	case 0:
		return "since today"
	case 1:
		return "1 day"
	}
	return fmt.Sprintf("%d days", b.Days)
}

// When says when a blocker began and how it ended, in the member's days:
// "since Mon 16 Nov, 11 days" for an open one ("or earlier" when it
// reaches past the look-back window), "Wed, cleared Thu" for a cleared
// one.
func (b Blocker) When() string {
	since := b.Since.Format("Mon")
	if b.Carried {
		since = nb(b.Since.Format("Mon 2 Jan"))
		if b.Bounded {
			since += " or earlier"
		}
	}
	switch {
	case b.Open():
		return "since " + since + ", " + strings.TrimPrefix(b.Age(), "since ")
	case b.Carried:
		return "since " + since + ", cleared " + b.Cleared.Format("Mon")
	case dayOf(b.Cleared).Equal(dayOf(b.Since)):
		return since + ", cleared the same day"
	}
	return since + ", cleared " + b.Cleared.Format("Mon")
}

// Item symbols: open, done, and decisions, distinct in shape.
const (
	SymbolOpen     = "☐"
	SymbolDone     = "✓"
	SymbolDecision = "◆"
)

// ItemLine is a done item under its meeting: "✓ Chen Wei — benchmark the
// new ingest path (done Thu)".
func (v View) ItemLine(it Item) string { return v.itemLine(it, it.Owner+" — ") }

// OwnItemLine is an item under its owner's name, without the owner: "☐
// draft the staffing plan, due Fri 27 Nov — OVERDUE (Q1 sync, Wed 25
// Nov)".
func (v View) OwnItemLine(it Item) string {
	s := v.itemLine(it, "")
	if it.Meeting != "" {
		s += " (" + it.Meeting + ")"
	}
	return s
}

func (v View) itemLine(it Item, owner string) string {
	s := SymbolOpen + " "
	if it.Done {
		s = SymbolDone + " "
	}
	s += owner + it.Text
	switch {
	case it.Done && !it.DoneAt.IsZero():
		s += " (done " + it.DoneAt.Format("Mon") + ")"
	case !it.Done && !it.Due.IsZero():
		s += ", due " + nb(it.Due.Format("Mon 2 Jan"))
		if it.Overdue {
			s += " — OVERDUE"
		}
	}
	return s
}

// MeetingLine is a meeting's heading: "Q1 sync (Wed 25 Nov, forwarded by
// Ana)".
func (v View) MeetingLine(m Meeting) string {
	s := m.Title + " (" + nb(m.Date.Format("Mon 2 Jan"))
	if m.ForwardedBy != "" {
		s += ", forwarded by " + m.ForwardedBy
	}
	return s + ")"
}

// OpenNote is "2 open items, listed below" for a meeting, or "".
func (m Meeting) OpenNote() string {
	switch m.Open {
	case 0:
		return ""
	case 1:
		return "1 open item, under Open action items"
	}
	return fmt.Sprintf("%d open items, under Open action items", m.Open)
}

// EmptyLine is the body of a digest without updates: "No updates this
// week: 3 prompts went unanswered, 1 still open."
func (v View) EmptyLine() string {
	pt := v.Participation
	var bits []string
	plural := func(n int, one, many string) string {
		if n == 1 {
			return "1 " + one
		}
		return fmt.Sprintf("%d %s", n, many)
	}
	if pt.Missed > 0 {
		bits = append(bits, plural(pt.Missed, "prompt went unanswered", "prompts went unanswered"))
	}
	if pt.Excused > 0 {
		bits = append(bits, plural(pt.Excused, "prompt excused (away, skipped or not sent)", "prompts excused (away, skipped or not sent)"))
	}
	if pt.Open > 0 {
		bits = append(bits, plural(pt.Open, "prompt still open", "prompts still open"))
	}
	if len(bits) == 0 {
		return "No updates this " + v.Period.Noun() + "."
	}
	return "No updates this " + v.Period.Noun() + ": " + strings.Join(bits, ", ") + "."
}

// NoReplyLine lists who did not reply: "No reply this week: Dmitri Ivanov
// (away until 30 Nov), Eve Adams".
func (v View) NoReplyLine() string {
	nr := v.Participation.NoReply
	parts := make([]string, len(nr))
	for i, a := range nr {
		parts[i] = a.Name
		if a.Why != "" {
			parts[i] += " (" + a.Why + ")"
		}
	}
	return "No reply this " + v.Period.Noun() + ": " + strings.Join(parts, ", ")
}
