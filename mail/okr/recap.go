package okr

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/tidings-app/tidings/mail/outbound"
	"github.com/tidings-app/tidings/store"
)

// KindRecap is the outbound kind of the quarter recap.
const KindRecap = "okr_recap"

// recapWindow bounds how long after a quarter ends its recap is still
// sent (so enabling OKRs late does not mail recaps of old quarters).
const recapWindow = 30 * 24 * time.Hour

// recapView is the data of okr_recap.
type recapView struct {
	Team, Slug, Quarter, Next string
	Average                   string // mean score, "0.7"
	Objectives                []recapObjective
	Lessons                   []recapLesson
	Carried                   []string // "KR3 Monthly signups (Ana Lima)"
	UnsubscribeURL            string
}

type recapObjective struct {
	Title, Owner string
	KRs          []recapKR
}

type recapKR struct {
	Key, Title, Owner, Final, Target, Score string
	Computed, Carry, Boolean                bool
}

// Text is the key result's recap line, wrapped at 78 columns.
func (k recapKR) Text() string {
	s := k.Key + " " + k.Title + " (" + k.Owner + "): score " + k.Score
	if k.Computed {
		s += " (computed)"
	}
	if k.Boolean {
		s += ", ended " + k.Final
	} else {
		s += ", ended at " + k.Final + " of " + k.Target
	}
	if k.Carry {
		s += "; carries over"
	}
	return wrap(s, 78, "   ", "      ")
}

type recapLesson struct{ Who, Lesson string }

// Text is the lesson as wrapped plain-text lines.
func (l recapLesson) Text() string { return wrap("“"+l.Lesson+"” — "+l.Who, 78, "  ", "   ") }

// sendRecaps queues, once per team and quarter, the recap of a quarter
// that ended less than recapWindow ago, to every member of the team.
func (s *Service) sendRecaps(ctx context.Context, ts *store.TeamSchedule, now time.Time) (int, error) {
	loc := s.location(ts.Team.Timezone)
	cur := store.QuarterOf(now, loc)
	prev := store.QuarterOf(cur.Start(loc).Add(-time.Nanosecond), loc)
	if now.Sub(prev.End(loc)) > recapWindow {
		return 0, nil
	}
	set, err := s.db.LoadOKRs(ctx, ts.Team.ID, prev)
	if err != nil || len(set.Objectives) == 0 {
		return 0, err
	}
	ids := make([]int64, len(set.KeyResults))
	for i := range set.KeyResults {
		ids[i] = set.KeyResults[i].ID
	}
	retros, err := s.db.KRRetros(ctx, ids)
	if err != nil {
		return 0, err
	}
	members, err := s.db.FindTeamMembers(ctx, ts.Team.ID)
	if err != nil {
		return 0, err
	}
	v := buildRecap(set, retros, prev.End(loc), ts.Team.Name)
	v.Slug = ts.Team.Slug
	n := 0
	err = s.db.InTx(ctx, func(tx *store.DB) error {
		if ok, err := tx.ClaimOKRRecap(ctx, ts.Team.ID, prev.String()); err != nil || !ok {
			return err
		}
		for i := range members {
			m := &members[i].Member
			if m.Unsubscribed {
				continue
			}
			v.UnsubscribeURL = s.unsubscribeURL(m.ID)
			r, err := s.opts.Templates.Render(KindRecap, v)
			if err != nil {
				return fmt.Errorf("okr: render okr_recap: %w", err)
			}
			msg := outbound.Message{To: []outbound.Address{{Name: m.Name, Addr: m.Email}}, Subject: r.Subject,
				Text: strings.TrimRight(r.Text, " \n") + "\n", HTML: strings.TrimRight(r.HTML, " \n") + "\n",
				Headers: listHeaders(v.UnsubscribeURL, "")}
			out := &store.OutboundMessage{DedupKey: fmt.Sprintf("%s:%d:%s:%d", KindRecap, ts.Team.ID, prev, m.ID), Kind: KindRecap,
				MemberID: &m.ID, TeamID: &ts.Team.ID, Recipient: m.Email, Subject: r.Subject}
			if out.Raw, out.MessageID, err = s.opts.Composer.Compose(msg); err != nil {
				return fmt.Errorf("okr: compose recap: %w", err)
			}
			if _, err := tx.QueueOutbound(ctx, out); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("okr: recap %s %s: %w", ts.Team.Slug, prev, err)
	}
	return n, nil
}

// buildRecap is the recap of set as of end: each key result's final value
// and score (the owner's, else computed), the lessons and what carries over.
func buildRecap(set *store.OKRSet, retros map[int64]store.KRRetro, end time.Time, team string) recapView {
	v := recapView{Team: teamPhrase(team), Quarter: set.Quarter.String(), Next: set.Quarter.Next().String()}
	sum, n := 0.0, 0
	seen := map[string]bool{}
	for _, o := range set.Objectives {
		ro := recapObjective{Title: o.Title, Owner: set.OwnerName(o.OwnerID)}
		for i := range set.KeyResults {
			kr := &set.KeyResults[i]
			if kr.ObjectiveID != o.ID {
				continue
			}
			final := kr.Start
			if lv, ok := set.LatestBefore(kr.ID, end); ok {
				final = lv.Value
			}
			k := recapKR{Key: kr.Key, Title: kr.Title, Owner: set.OwnerName(kr.OwnerID), Final: kr.Format(final), Target: kr.Format(kr.Target),
				Boolean: kr.Unit == store.UnitBoolean}
			score, computed := Score(kr, final), true
			if r, ok := retros[kr.ID]; ok {
				score, computed, k.Carry = r.Score, r.Computed, r.CarryOver
				for _, l := range strings.Split(r.Lesson, "\n") {
					if l = strings.TrimSpace(l); l != "" && !seen[l] {
						seen[l] = true
						v.Lessons = append(v.Lessons, recapLesson{Who: k.Owner, Lesson: l})
					}
				}
			}
			k.Score, k.Computed = strconv.FormatFloat(score, 'f', 1, 64), computed
			if k.Carry {
				v.Carried = append(v.Carried, kr.Key+" "+kr.Title+" ("+k.Owner+")")
			}
			sum += score
			n++
			ro.KRs = append(ro.KRs, k)
		}
		v.Objectives = append(v.Objectives, ro)
	}
	if n > 0 {
		v.Average = strconv.FormatFloat(math.Round(10*sum/float64(n))/10, 'f', 1, 64)
	}
	return v
}
