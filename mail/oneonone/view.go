package oneonone

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/templates"
)

// itemView is an action item as one person of the pair sees it.
type itemView struct {
	Owner string // name, or as written
	Text  string
	Done  bool
	Yours bool
	Since string // "Tue 24 Nov": the meeting it came from, reader-local
	Due   string // "Fri 18 Dec" or ""
}

// answerView is one answer to a standing question.
type answerView struct{ Question, Text string }

// sideView is what one person wrote for a meeting.
type sideView struct {
	Name     string
	You      bool
	Answered bool
	Skipped  bool
	Answers  []answerView
}

// moodView is the member's recent mood scores, oldest first.
type moodView struct {
	Name   string
	Scores []int
	Trend  string // "3 → 4 → 4"
}

// pageData is what every oneonone_* template renders.
type pageData struct {
	Reader     string // first name of the recipient
	Other      string // full name of the other person
	OtherFirst string
	Lead       bool   // the reader is the lead
	MoodShared bool   // the member's mood reaches the lead
	When       string // "Tue 8 Dec, 15:00 Berlin / 11:00 your time"
	WhenShort  string // "Tue 8 Dec 11:00", reader-local
	Questions  []store.Question
	Sides      []sideView
	Missing    []string // first names of who did not answer
	Items      []itemView
	Mood       *moodView
	ReplyTo    string
	// Notes confirmation and notices.
	Subject   string
	Decisions []string
	Closed    []string
	Notice    string // "skipped by Ana", "moved to …"
	Example   string // "thu 10:00": a reschedule example
}

func first(name string) string {
	f, _, _ := strings.Cut(strings.TrimSpace(name), " ")
	return f
}

// basePage fills the fields every email to person `to` about meeting m
// shares.
func basePage(p *store.OneOnOnePair, to int64, m *store.OneOnOneMeeting) pageData {
	me, _ := p.Person(to)
	other := p.Other(to)
	loc, home := p.Location(to), p.Location(p.LeadID)
	at := m.At.In(loc)
	return pageData{Reader: first(me.Name), Other: other.Name, OtherFirst: first(other.Name), Lead: to == p.LeadID, MoodShared: p.ShareMood,
		When:      at.Format("Mon 2 Jan") + ", " + templates.BothZones(m.At, home, loc, false),
		WhenShort: at.Format("Mon 2 Jan 15:04"), Example: at.AddDate(0, 0, 2).Format("Mon") + " " + at.Format("15:04")}
}

// openItems returns the pair's items the reader may see: open ones, and
// those closed since after (the previous meeting), oldest first.
func (s *Service) items(ctx context.Context, tx *store.DB, p *store.OneOnOnePair, reader int64, after time.Time) ([]itemView, error) {
	all, err := tx.FindOneOnOneItems(ctx, p.ID, false)
	if err != nil {
		return nil, fmt.Errorf("oneonone: items: %w", err)
	}
	meetings := map[int64]time.Time{}
	loc := p.Location(reader)
	var out []itemView
	for _, it := range all {
		if !store.CanSee(reader, it.Audience) {
			continue
		}
		done := it.Status == store.ActionDone
		if done && (it.DoneAt == nil || !it.DoneAt.After(after)) {
			continue
		}
		v := itemView{Owner: it.OwnerText, Text: it.Text, Done: done}
		if it.OwnerID != nil {
			if m, ok := p.Person(*it.OwnerID); ok {
				v.Owner, v.Yours = first(m.Name), m.ID == reader
			}
		}
		if _, ok := meetings[it.MeetingID]; !ok {
			if m, err := tx.OneOnOneMeetingByID(ctx, it.MeetingID); err == nil {
				meetings[it.MeetingID] = m.At
			}
		}
		if at := meetings[it.MeetingID]; !at.IsZero() {
			v.Since = at.In(loc).Format("Mon 2 Jan")
		}
		if it.Due != nil {
			v.Due = store.DateIn(*it.Due, loc).Format("Mon 2 Jan")
		}
		out = append(out, v)
	}
	return out, nil
}

// moodTrend returns the member's last scores up to meeting m that reader
// may see, or nil.
func (s *Service) moodTrend(ctx context.Context, tx *store.DB, p *store.OneOnOnePair, reader int64, m *store.OneOnOneMeeting) (*moodView, error) {
	ms, err := tx.FindOneOnOneMeetings(ctx, p.ID, time.Time{}, m.At.Add(time.Second))
	if err != nil {
		return nil, fmt.Errorf("oneonone: mood: %w", err)
	}
	ids := make([]int64, len(ms))
	for i, x := range ms {
		ids[i] = x.ID
	}
	es, err := tx.FindOneOnOneEntries(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("oneonone: mood: %w", err)
	}
	order := map[int64]int{}
	for i, x := range ms {
		order[x.ID] = i
	}
	scores := make([]int, len(ms))
	for _, e := range es {
		if e.Kind == store.EntryPrepare && e.PersonID == p.MemberID && e.Mood > 0 && store.CanSee(reader, e.MoodAudience) {
			scores[order[e.MeetingID]] = e.Mood
		}
	}
	var out []int
	for _, sc := range scores {
		if sc > 0 {
			out = append(out, sc)
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	if len(out) > 6 {
		out = out[len(out)-6:]
	}
	parts := make([]string, len(out))
	for i, sc := range out {
		parts[i] = fmt.Sprint(sc)
	}
	return &moodView{Name: first(p.Member.Name), Scores: out, Trend: strings.Join(parts, " → ")}, nil
}

// sides returns what each person (lead first) wrote for meeting m, as
// reader may see it, and the first names of those who did not answer.
func (s *Service) sides(ctx context.Context, tx *store.DB, p *store.OneOnOnePair, reader int64, m *store.OneOnOneMeeting) ([]sideView, []string, error) {
	es, err := tx.FindOneOnOneEntries(ctx, []int64{m.ID})
	if err != nil {
		return nil, nil, fmt.Errorf("oneonone: agenda: %w", err)
	}
	var out []sideView
	var missing []string
	for _, who := range []int64{p.LeadID, p.MemberID} {
		person, _ := p.Person(who)
		v := sideView{Name: first(person.Name), You: who == reader}
		for _, e := range es {
			if e.Kind != store.EntryPrepare || e.PersonID != who || !store.CanSee(reader, e.Audience) {
				continue
			}
			v.Answered = e.Status == "answered"
			v.Skipped = e.Status == "skipped"
			for _, a := range e.Answers {
				if a.Key == "mood" || strings.TrimSpace(a.Text) == "" {
					continue // the mood goes to the trend, for whom may see it
				}
				v.Answers = append(v.Answers, answerView{Question: a.Question, Text: a.Text})
			}
		}
		if !v.Answered {
			missing = append(missing, v.Name)
		}
		out = append(out, v)
	}
	return out, missing, nil
}
