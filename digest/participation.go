package digest

import (
	"fmt"
	"strings"
	"time"

	"github.com/tidings-app/tidings/store"
)

// participation counts answered and expected prompts per person and for
// the team, and compares the rate with the previous period.
func (b *builder) participation(prev store.PromptCounts, streaks map[int64]int) Participation {
	var pt Participation
	b.promptsInOrder(func(m *store.TeamMember, prompts []store.Prompt) {
		if len(prompts) == 0 {
			return
		}
		ps := PersonStat{Name: b.short[m.ID], Streak: streaks[m.ID]}
		for _, pr := range prompts {
			cell := cellOf(pr, b.updates[pr.ID] != nil, b.now)
			ps.Cells = append(ps.Cells, cell)
			switch cell {
			case CellAnswered:
				ps.Answered++
				ps.Expected++
			case CellMissed:
				ps.Expected++
			}
		}
		ps.Note = b.excuses(prompts)
		pt.Answered += ps.Answered
		pt.Expected += ps.Expected
		if ps.Expected > 0 {
			pt.Prompted++
		}
		if ps.Answered > 0 {
			pt.Replied++
		}
		pt.People = append(pt.People, ps)
	})
	pt.Rate = percent(pt.Answered, pt.Expected)
	if pe := prev.Answered + prev.Expired; pe > 0 && pt.Expected > 0 {
		switch was := percent(prev.Answered, pe); {
		case pt.Rate > was:
			pt.Change = fmt.Sprintf("up from %d%%", was)
		case pt.Rate < was:
			pt.Change = fmt.Sprintf("down from %d%%", was)
		default:
			pt.Change = "same as last " + b.p.Noun()
		}
	}
	return pt
}

// cellOf classifies a prompt at now. An update counts even when the prompt
// row has not caught up (answered late after expiring), and so does a
// window that has closed (ExpiresAt, when known, not after now) before
// the row is marked expired.
func cellOf(pr store.Prompt, answered bool, now time.Time) string {
	switch {
	case answered || pr.Status == store.PromptAnswered:
		return CellAnswered
	case pr.Status == store.PromptExpired:
		return CellMissed
	case !pr.ExpiresAt.IsZero() && !now.Before(pr.ExpiresAt) &&
		(pr.Status == store.PromptPending || pr.Status == store.PromptSent):
		return CellMissed
	case pr.Status == store.PromptSkipped || pr.Status == store.PromptFailed:
		return CellExcused
	}
	return CellOpen
}

func percent(n, of int) int {
	if of == 0 {
		return 0
	}
	return (200*n + of) / (2 * of) // rounded half up
}

// excuses describes why prompts were not owed: "away Thu–Fri",
// "skipped Wed", "undeliverable Mon", joined by "; ".
func (b *builder) excuses(prompts []store.Prompt) string {
	var order []string
	days := map[string][]int{} // reason → weekday indexes (Mon = 0)
	for _, pr := range prompts {
		if pr.Status != store.PromptSkipped && pr.Status != store.PromptFailed {
			continue
		}
		r := excuseWord(pr)
		if _, ok := days[r]; !ok {
			order = append(order, r)
		}
		days[r] = append(days[r], (int(b.local(pr.DueAt).Weekday())+6)%7)
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
	case strings.Contains(reason, "away"), strings.Contains(reason, "ooo"), strings.Contains(reason, "out of office"):
		return "away"
	case strings.Contains(reason, "pause"):
		return "paused"
	}
	return "skipped"
}

var dayNames = [7]string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}

// dayRanges writes sorted weekday indexes compactly: "Mon, Wed–Fri".
func dayRanges(ds []int) string {
	var parts []string
	for i := 0; i < len(ds); {
		j := i
		for j+1 < len(ds) && ds[j+1] <= ds[j]+1 {
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
