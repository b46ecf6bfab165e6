package digest

import (
	"strings"
	"time"

	"github.com/tidings-app/tidings/store"
)

// noReply lists the members (not observers) who owed an update and wrote
// none this period, with the reason when known.
func (b *builder) noReply() []Absence {
	var absent []Absence
	b.promptsInOrder(func(m *store.TeamMember, prompts []store.Prompt) {
		for _, pr := range prompts {
			if b.updates[pr.ID] != nil {
				return
			}
		}
		if m.Role != store.RoleObserver && b.owedNone(m, prompts) {
			absent = append(absent, Absence{Name: m.Name, Why: b.why(m, prompts)})
		}
	})
	return absent
}

// owedNone reports whether a member without updates belongs under "No
// reply": a prompt closed unanswered (missed, or undeliverable), or away
// or paused with no prompt still open. A member whose prompts are all
// still open may yet reply, and one who only skipped said so.
func (b *builder) owedNone(m *store.TeamMember, prompts []store.Prompt) bool {
	open := false
	for _, pr := range prompts {
		switch cellOf(pr, false, b.now) {
		case CellMissed:
			return true
		case CellOpen:
			open = true
		}
		if pr.Status == store.PromptFailed {
			return true
		}
	}
	return !open && b.why(m, nil) != ""
}

// why explains a missing update: away or paused during the period, or
// every prompt skipped; empty when there is no known reason.
func (b *builder) why(m *store.TeamMember, prompts []store.Prompt) string {
	switch {
	case m.AwayUntil != nil && m.AwayUntil.After(b.p.Start):
		return "away until " + b.local(*m.AwayUntil).Format("2 Jan")
	case m.PausedUntil != nil && m.PausedUntil.After(b.p.Start):
		return "paused until " + b.local(*m.PausedUntil).Format("2 Jan")
	case len(prompts) == 0:
		return ""
	}
	return b.excuses(prompts)
}

// meetings lists the period's notes with their decisions and the items
// already done; open items are counted here and listed under open items.
func (b *builder) meetings(now time.Time) []Meeting {
	byNote := map[int64][]Item{}
	open := map[int64]int{}
	for _, it := range b.data.Items {
		if it.Status == store.ActionOpen {
			open[it.NoteID]++
			continue
		}
		if it.Status == store.ActionDone {
			byNote[it.NoteID] = append(byNote[it.NoteID], b.item(it, now))
		}
	}
	out := make([]Meeting, 0, len(b.data.Notes))
	for _, n := range b.data.Notes {
		mt := Meeting{
			Title: n.Title, Date: b.local(n.MeetingDate), Summary: strings.TrimSpace(n.Summary),
			Decisions: n.Decisions, Items: byNote[n.ID], ForwardedBy: n.ForwardedBy, Open: open[n.ID],
		}
		if mt.Title == "" {
			mt.Title = n.OriginalSubject
		}
		if n.ForwardedByID != nil {
			if m, ok := b.members[*n.ForwardedByID]; ok {
				mt.ForwardedBy = b.short[m.ID]
			}
		}
		out = append(out, mt)
	}
	return out
}

// openItems groups the team's open action items by owner, owners in order
// of their most urgent item; items of the period's meetings name them.
func (b *builder) openItems(now time.Time) []OwnerItems {
	var out []OwnerItems
	index := map[string]int{}
	notes := map[int64]string{}
	for _, n := range b.data.Notes {
		title := n.Title
		if title == "" {
			title = n.OriginalSubject
		}
		notes[n.ID] = title + ", " + nb(b.local(n.MeetingDate).Format("Mon 2 Jan"))
	}
	for _, it := range b.data.Items {
		if it.Status != store.ActionOpen {
			continue
		}
		v := b.item(it, now)
		v.Meeting = notes[it.NoteID]
		i, ok := index[v.Owner]
		if !ok {
			i = len(out)
			index[v.Owner] = i
			out = append(out, OwnerItems{Owner: v.Owner})
		}
		out[i].Items = append(out[i].Items, v)
	}
	return out
}

func (b *builder) item(it store.ActionItem, now time.Time) Item {
	v := Item{Owner: it.OwnerText, Text: strings.TrimSpace(it.Text), Done: it.Status == store.ActionDone}
	if it.OwnerMemberID != nil {
		if m, ok := b.members[*it.OwnerMemberID]; ok {
			v.Owner = m.Name
		}
	}
	if v.Owner == "" {
		v.Owner = "Unassigned"
	}
	if it.DoneAt != nil {
		v.DoneAt = b.local(*it.DoneAt)
	}
	if it.Due != nil {
		// A calendar date: the same day in the team's zone, overdue once
		// that day has ended there.
		v.Due = store.DateIn(*it.Due, b.p.Loc)
		v.Overdue = !v.Done && v.Due.Before(dayOf(b.local(now)))
	}
	return v
}

// dayOf is local midnight of t's calendar day.
func dayOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}
