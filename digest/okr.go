package digest

import (
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tidings-app/tidings/store"
)

// OKRSection is the digest's OKR section: the team's objectives for the
// quarter holding the period's end, each key result with its value and
// progress at the end of the period, the change since the previous
// digest (the period's start), owners and the comments of the period.
// Key results that turned off track during the period are also given as
// Blockers, for the blockers section at the top.
type OKRSection struct {
	Quarter    string
	Elapsed    int // percent of the quarter gone at the period's end
	Objectives []OKRObjective
	Blockers   []Blocker
}

// OKRObjective is one objective with its key results.
type OKRObjective struct {
	Title, Owner string
	KeyResults   []OKRKeyResult
}

// OKRKeyResult is one key result at the end of the period.
type OKRKeyResult struct {
	Key, Title, Owner        string
	Value, Target, Expected  string // formatted in the key result's unit
	Progress                 int    // percent from start to target, 0–100 (for bars)
	Bar                      string // "[######----]"
	Change                   string // "+0.2 %", "no change", "first value", "" when never reported
	Status, StatusLabel      string // store.KR* and its words
	TurnedOffTrack, Reported bool
	Boolean                  bool     // done or not: no target or expected value shown
	Comments                 []string // comments written during the period
}

// OKRBarCells is the width of a plain-text progress bar.
const OKRBarCells = 10

// BuildOKR builds the OKR section from set (the team's OKRs for the
// quarter holding p.End, as store.LoadOKRs gives them) for period p. It is
// pure; it returns nil when the quarter has no objectives.
func BuildOKR(set *store.OKRSet, p Period) *OKRSection {
	if set == nil || len(set.Objectives) == 0 {
		return nil
	}
	loc := p.Loc
	if loc == nil {
		loc = time.UTC
	}
	s := &OKRSection{Quarter: set.Quarter.String(), Elapsed: int(math.Round(100 * store.Elapsed(set.Quarter, p.End, loc)))}
	for _, o := range set.Objectives {
		ov := OKRObjective{Title: o.Title, Owner: set.OwnerName(o.OwnerID)}
		for i := range set.KeyResults {
			kr := &set.KeyResults[i]
			if kr.ObjectiveID != o.ID {
				continue
			}
			v, b := okrKeyResult(set, kr, p, loc)
			ov.KeyResults = append(ov.KeyResults, v)
			if b != nil {
				s.Blockers = append(s.Blockers, *b)
			}
		}
		s.Objectives = append(s.Objectives, ov)
	}
	return s
}

// okrKeyResult is kr at the end of p and, when it turned off track during
// p, its blocker entry.
func okrKeyResult(set *store.OKRSet, kr *store.KeyResult, p Period, loc *time.Location) (OKRKeyResult, *Blocker) {
	end, hadEnd := set.LatestBefore(kr.ID, p.End)
	start, hadStart := set.LatestBefore(kr.ID, p.Start)
	value := kr.Start
	if hadEnd {
		value = end.Value
	}
	progress := kr.Progress(value)
	v := OKRKeyResult{Key: kr.Key, Title: kr.Title, Owner: set.OwnerName(kr.OwnerID), Value: kr.Format(value),
		Target: kr.Format(kr.Target), Expected: kr.Format(kr.Round(kr.Expected(set.Quarter, p.End, loc))),
		Progress: int(math.Round(100 * math.Max(0, math.Min(1, progress)))), Bar: store.TextBar(progress, OKRBarCells),
		Reported: hadEnd}
	if kr.Unit == store.UnitBoolean {
		v.Expected, v.Boolean = "", true
	}
	v.Status = statusOf(set, kr, end, hadEnd, p.End, loc)
	v.StatusLabel = store.StatusLabel(v.Status)
	switch {
	case !hadEnd:
	case !hadStart:
		v.Change = "first value"
	case end.Value == start.Value:
		v.Change = "no change"
	default:
		v.Change = signed(kr, end.Value-start.Value)
	}
	for _, h := range set.History[kr.ID] {
		if !h.At.Before(p.Start) && h.At.Before(p.End) && h.Comment != "" {
			v.Comments = append(v.Comments, h.Comment)
		}
	}
	// A key result never reported before the period had no status yet:
	// its first value being off track counts as turning off track.
	before := ""
	if hadStart {
		before = statusOf(set, kr, start, true, p.Start, loc)
	}
	if v.Status != store.KROffTrack || before == store.KROffTrack {
		return v, nil
	}
	v.TurnedOffTrack = true
	since := p.Start
	if hadEnd && !end.At.Before(p.Start) {
		since = end.At
	}
	text := fmt.Sprintf("%s %s is off track: %s", kr.Key, kr.Title, v.Value)
	if v.Expected != "" {
		text += ", expected " + v.Expected + " by now"
	}
	if hadEnd && end.Comment != "" {
		text += " (" + end.Comment + ")"
	}
	return v, &Blocker{Who: v.Owner, Text: text, Since: since.In(loc)}
}

// statusOf is the status of kr with its latest value v (had false: none
// yet, the start counts) at t: the owner's override, else computed.
func statusOf(set *store.OKRSet, kr *store.KeyResult, v store.KRValue, had bool, t time.Time, loc *time.Location) string {
	if had && v.Override != "" {
		return v.Override
	}
	value := kr.Start
	var conf *int
	if had {
		value, conf = v.Value, v.Confidence
	}
	return store.KRStatusAt(kr, value, conf, set.Quarter, t, loc)
}

// signed writes a change with its sign, in the key result's unit.
func signed(kr *store.KeyResult, d float64) string {
	if kr.Unit == store.UnitBoolean {
		if d > 0 {
			return "done"
		}
		return "undone"
	}
	s := kr.Format(math.Abs(d))
	if d < 0 {
		return "−" + s
	}
	return "+" + s
}

// Text is the key result as plain-text lines of at most 78 columns:
// key, title and owner; then the bar, value, target and status; then the
// change and each comment.
func (k OKRKeyResult) Text() string {
	var b strings.Builder
	head := k.Key + " " + k.Title
	if k.Owner != "" {
		head += " (" + k.Owner + ")"
	}
	b.WriteString(wrapText(head, "  ", "     "))
	line := k.Bar + " " + fmt.Sprint(k.Progress) + "% " + k.Value
	if !k.Boolean {
		line += " of " + k.Target
	}
	if k.Expected != "" {
		line += ", expected " + k.Expected
	}
	line += " · " + k.StatusLabel
	if k.TurnedOffTrack {
		line += " (new)"
	}
	b.WriteString("\n" + wrapText(line, "     ", "     "))
	if k.Change != "" {
		b.WriteString("\n" + wrapText("since last digest: "+k.Change, "     ", "     "))
	}
	for _, c := range k.Comments {
		b.WriteString("\n" + wrapText("“"+c+"”", "     ", "      "))
	}
	return b.String()
}

// wrapText breaks s into lines of at most 78 columns, the first prefixed
// by first and the rest by rest; a longer word stays whole.
func wrapText(s, first, rest string) string {
	var b strings.Builder
	line, prefix := "", first
	for _, w := range strings.Fields(s) {
		if line != "" && utf8.RuneCountInString(prefix+line+" "+w) > 78 {
			b.WriteString(prefix + line + "\n")
			line, prefix = "", rest
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	b.WriteString(prefix + line)
	return b.String()
}

// TextHead is the objective's heading in plain text, numbered n, wrapped
// at 78 columns.
func (o OKRObjective) TextHead(n int) string {
	h := fmt.Sprintf("%d. %s", n, o.Title)
	if o.Owner != "" {
		h += " — " + o.Owner
	}
	return wrapText(h, "", "   ")
}

// StatusColor is the bar colour of a status in the HTML digest (each
// ≥ 4.5:1 against white, and the status is also written in words).
func (k OKRKeyResult) StatusColor() string {
	return k.statusColors()[0]
}

// StatusClass is the digest's dark-mode class for the status label: its
// colour under prefers-color-scheme: dark keeps 4.5:1 on the dark card.
func (k OKRKeyResult) StatusClass() string {
	return k.statusColors()[1]
}

func (k OKRKeyResult) statusColors() [2]string {
	switch k.Status {
	case store.KRDone:
		return [2]string{"#0969da", "blu"}
	case store.KROnTrack:
		return [2]string{"#1a7f37", "grn"}
	case store.KRAtRisk:
		return [2]string{"#9a6700", "amb"}
	}
	return [2]string{"#cf222e", "red"}
}
