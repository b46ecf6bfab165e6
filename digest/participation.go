package digest

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/tidings-app/tidings/store"
)

// participation counts each person's prompts by outcome (see cellOf), lays
// them out under the local days of the grid, lists who did not reply, and
// compares the rate with the previous period, computed the same way.
func (b *builder) participation(prev []store.Prompt, streaks map[int64]int) Participation {
	var pt Participation
	pt.Columns = b.columns()
	col := make(map[time.Time]int, len(pt.Columns))
	for i, c := range pt.Columns {
		col[c.Day] = i
	}
	b.promptsInOrder(func(m *store.TeamMember, prompts []store.Prompt) {
		if len(prompts) == 0 {
			return
		}
		ps := PersonStat{Name: b.short[m.ID], Zone: ZoneName(b.loc(m.ID)), Streak: streaks[m.ID],
			Days: make([][]string, len(pt.Columns))}
		for _, pr := range prompts {
			cell := cellOf(pr, b.updates[pr.ID] != nil, b.now)
			ps.Cells = append(ps.Cells, cell)
			i := col[b.civil(m.ID, pr.DueAt)]
			ps.Days[i] = append(ps.Days[i], cell)
			switch cell {
			case CellAnswered:
				ps.Answered++
			case CellMissed:
				pt.Missed++
			case CellExcused:
				pt.Excused++
			case CellOpen:
				ps.Open++
			}
		}
		missed := 0
		for _, c := range ps.Cells {
			if c == CellMissed {
				missed++
			}
		}
		ps.Expected = ps.Answered + missed
		ps.Note = b.excuses(prompts)
		pt.Answered += ps.Answered
		pt.Open += ps.Open
		if ps.Expected > 0 {
			pt.Prompted++
		}
		if ps.Answered > 0 {
			pt.Replied++
		}
		pt.People = append(pt.People, ps)
	})
	pt.Expected = pt.Answered + pt.Missed
	pt.Rate = percent(pt.Answered, pt.Expected)
	if answered, owed := b.previous(prev); owed > 0 && pt.Expected > 0 {
		switch was := percent(answered, owed); {
		case pt.Rate > was:
			pt.Change = fmt.Sprintf("up from %d%%", was)
		case pt.Rate < was:
			pt.Change = fmt.Sprintf("down from %d%%", was)
		default:
			pt.Change = "same as last " + b.p.Noun()
		}
	}
	pt.NoReply = b.noReply()
	return pt
}

// previous counts the previous period's answered and owed (answered or
// missed) prompts of current members, classified like this period's.
func (b *builder) previous(prev []store.Prompt) (answered, owed int) {
	for _, pr := range prev {
		if _, ok := b.members[pr.MemberID]; !ok {
			continue
		}
		switch cellOf(pr, pr.AnsweredAt != nil, b.now) {
		case CellAnswered:
			answered++
			owed++
		case CellMissed:
			owed++
		}
	}
	return answered, owed
}

// cellOf classifies a prompt at now:
//   - answered: it has an update (even one written after the window
//     closed), or its status says so;
//   - excused: skipped (away, paused, "skip"), failed (undeliverable), or
//     never sent — status expired (the scheduler first saw it after its
//     window closed, e.g. after downtime) or still pending when its window
//     closed: the member was never asked, so it is not their miss;
//   - missed: sent (status sent, or a sending time) and its window closed
//     (ExpiresAt not after now; a prompt without ExpiresAt counts as
//     closed) without an update;
//   - open: anything else, still within its window.
//
// store.DB's streak query applies the same rule.
func cellOf(pr store.Prompt, answered bool, now time.Time) string {
	closed := pr.ExpiresAt.IsZero() || !now.Before(pr.ExpiresAt)
	switch {
	case answered || pr.Status == store.PromptAnswered:
		return CellAnswered
	case pr.Status == store.PromptSkipped, pr.Status == store.PromptFailed, pr.Status == store.PromptExpired:
		return CellExcused
	case !closed:
		return CellOpen
	case pr.Status == store.PromptSent || pr.SentAt != nil:
		return CellMissed
	}
	return CellExcused // pending when its window closed: never sent
}

func percent(n, of int) int {
	if of == 0 {
		return 0
	}
	return (200*n + of) / (2 * of) // rounded half up
}

// columns are the civil dates, in each member's zone, on which any current
// member had a prompt, in order.
func (b *builder) columns() []Column {
	seen := map[time.Time]bool{}
	var days []time.Time
	b.promptsInOrder(func(m *store.TeamMember, prompts []store.Prompt) {
		for _, pr := range prompts {
			if d := b.civil(m.ID, pr.DueAt); !seen[d] {
				seen[d] = true
				days = append(days, d)
			}
		}
	})
	sort.Slice(days, func(i, j int) bool { return days[i].Before(days[j]) })
	out := make([]Column, len(days))
	for i, d := range days {
		out[i] = Column{Day: d, Label: d.Format("Mon"), Date: d.Format("2")}
	}
	return out
}

// civil is the calendar day of t in the member's zone, as midnight of
// that date in the team's zone (so dates of different zones compare).
func (b *builder) civil(memberID int64, t time.Time) time.Time {
	y, mo, d := t.In(b.loc(memberID)).Date()
	return time.Date(y, mo, d, 0, 0, 0, 0, b.p.Loc)
}

// excuses describes why prompts were not owed, in the member's days:
// "away Thu–Fri", "skipped Wed", "not sent Tue" (never sent: its window
// closed before the scheduler ran), joined by "; ".
func (b *builder) excuses(prompts []store.Prompt) string {
	var order []string
	days := map[string][]int{} // reason → weekday indexes (Mon = 0)
	for _, pr := range prompts {
		if b.updates[pr.ID] != nil || cellOf(pr, false, b.now) != CellExcused {
			continue
		}
		r := excuseWord(pr)
		if _, ok := days[r]; !ok {
			order = append(order, r)
		}
		wd := (int(pr.DueAt.In(b.loc(pr.MemberID)).Weekday()) + 6) % 7
		if ds := days[r]; len(ds) == 0 || ds[len(ds)-1] != wd {
			days[r] = append(ds, wd)
		}
	}
	parts := make([]string, 0, len(order))
	for _, r := range order {
		if !b.p.Weekly {
			parts = append(parts, r)
			continue
		}
		parts = append(parts, r+" "+dayRanges(days[r]))
	}
	return strings.Join(parts, "; ")
}

func excuseWord(pr store.Prompt) string {
	reason := strings.ToLower(pr.Reason)
	switch {
	case pr.Status == store.PromptFailed:
		return "undeliverable"
	case store.IsHoliday(pr.Reason):
		return "holiday"
	case strings.Contains(reason, "working days"):
		return "day off"
	case pr.Status == store.PromptExpired, pr.Status == store.PromptPending:
		return "not sent"
	case strings.Contains(reason, "away"), strings.Contains(reason, "ooo"), strings.Contains(reason, "out of office"):
		return "away"
	case strings.Contains(reason, "pause"):
		return "paused"
	}
	return "skipped"
}

var dayNames = [7]string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}

// dayRanges writes weekday indexes in order compactly: "Mon, Wed–Fri".
func dayRanges(ds []int) string {
	var parts []string
	for i := 0; i < len(ds); {
		j := i
		for j+1 < len(ds) && ds[j+1] == ds[j]+1 {
			j++
		}
		if ds[i] == ds[j] {
			parts = append(parts, dayNames[ds[i]])
		} else {
			parts = append(parts, dayNames[ds[i]]+"–"+dayNames[ds[j]])
		}
		i = j + 1
	}
	return strings.Join(parts, ", ")
}
