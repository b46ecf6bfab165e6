package oneonone

import (
	"context"
	"fmt"
	"time"

	"github.com/tidings-app/tidings/store"
)

// Grace periods around a meeting.
const (
	agendaLate    = 2 * time.Hour  // an agenda is still worth sending this long after the start
	feedbackAfter = time.Hour      // the feedback question goes this long after the start
	feedbackLate  = 24 * time.Hour // and not later than this
	lookBack      = 26 * time.Hour // meetings Tick still looks at
)

// TickResult counts what one Tick queued.
type TickResult struct {
	Prompts, Agendas, Feedback int
}

// Tick queues what is due at now for every active pair: the agenda prompt
// Prepare before each meeting (to both), the merged agenda AgendaBefore
// it (to both), and the feedback question an hour after it when the pair
// asks for one. Each email goes once per person and meeting, whoever
// calls Tick and however often.
func (s *Service) Tick(ctx context.Context, now time.Time) (TickResult, error) {
	var res TickResult
	pairs, err := s.db.FindOneOnOnes(ctx, "")
	if err != nil {
		return res, fmt.Errorf("oneonone: tick: %w", err)
	}
	for i := range pairs {
		if err := s.tickPair(ctx, &pairs[i], now, &res); err != nil {
			return res, err
		}
	}
	return res, nil
}

func (s *Service) tickPair(ctx context.Context, p *store.OneOnOnePair, now time.Time, res *TickResult) error {
	sched, err := store.ParseSchedule(p.Schedule)
	if err != nil {
		s.log.Warn("one-on-one schedule unreadable", "team", p.Team.Slug, "pair", p.ID, "err", err)
		return nil
	}
	home := p.Location(p.LeadID)
	for _, occ := range sched.Between(now, now.Add(p.Prepare), home, 8) {
		m := &store.OneOnOneMeeting{PairID: p.ID, Period: occ.In(home).Format("2006-01-02T15:04"), At: occ,
			Status: store.MeetingScheduled, Audience: p.Audience()}
		if _, err := s.db.EnsureOneOnOneMeeting(ctx, m); err != nil {
			return fmt.Errorf("oneonone: tick: %w", err)
		}
	}
	ms, err := s.db.FindOneOnOneMeetings(ctx, p.ID, now.Add(-lookBack), time.Time{})
	if err != nil {
		return fmt.Errorf("oneonone: tick: %w", err)
	}
	for i := range ms {
		m := &ms[i]
		if m.Status == store.MeetingSkipped {
			continue
		}
		agendaAt := m.At.Add(-p.AgendaBefore)
		switch {
		case !now.Before(m.At.Add(-p.Prepare)) && now.Before(agendaAt):
			for _, who := range []int64{p.LeadID, p.MemberID} {
				n, err := s.sendPrepare(ctx, p, m, who, now)
				if err != nil {
					return err
				}
				res.Prompts += n
			}
		case !now.Before(agendaAt) && now.Before(m.At.Add(agendaLate)) && m.AgendaSentAt == nil:
			n, err := s.sendAgenda(ctx, p, m, now)
			if err != nil {
				return err
			}
			res.Agendas += n
		}
		if p.Feedback && m.FeedbackSentAt == nil && !now.Before(m.At.Add(feedbackAfter)) && now.Before(m.At.Add(feedbackLate)) {
			n, err := s.sendFeedback(ctx, p, m, now)
			if err != nil {
				return err
			}
			res.Feedback += n
		}
	}
	return nil
}

// newEntry inserts the entry of kind for who and meeting m; created is
// false when it exists (the email went already).
func newEntry(ctx context.Context, tx *store.DB, p *store.OneOnOnePair, m *store.OneOnOneMeeting, who int64, kind string, now time.Time) (*store.OneOnOneEntry, bool, error) {
	// The member's mood is shared with the lead only with share_mood; the
	// lead's own score stays the lead's; a feedback score is the pair's.
	mood := []int64{who}
	switch {
	case kind == store.EntryFeedback:
		mood = p.Audience()
	case who == p.MemberID:
		mood = p.MoodAudience()
	}
	e := &store.OneOnOneEntry{MeetingID: m.ID, PersonID: who, Kind: kind, PairID: p.ID, Audience: p.Audience(),
		MoodAudience: mood, Status: "sent", SentAt: &now}
	created, err := tx.InsertOneOnOneEntry(ctx, e)
	if err != nil {
		return nil, false, fmt.Errorf("oneonone: %s: %w", kind, err)
	}
	return e, created, nil
}

// sendPrepare queues the agenda prompt to who, once.
func (s *Service) sendPrepare(ctx context.Context, p *store.OneOnOnePair, m *store.OneOnOneMeeting, who int64, now time.Time) (int, error) {
	n := 0
	err := s.db.InTx(ctx, func(tx *store.DB) error {
		e, created, err := newEntry(ctx, tx, p, m, who, store.EntryPrepare, now)
		if err != nil || !created {
			return err
		}
		d := basePage(p, who, m)
		d.Questions, d.ReplyTo = p.Questions, s.replyTo(e.ID)
		if d.Items, err = s.items(ctx, tx, p, who, now); err != nil {
			return err
		}
		if e.MessageID, err = s.send(ctx, tx, p, who, "oneonone_prepare", dedup("oneonone_prepare", e.ID), e.ID, "", d); err != nil {
			return err
		}
		n = 1
		return tx.SaveOneOnOneEntry(ctx, e)
	})
	return n, err
}

// sendAgenda queues the merged agenda to both, once, and marks the
// meeting.
func (s *Service) sendAgenda(ctx context.Context, p *store.OneOnOnePair, m *store.OneOnOneMeeting, now time.Time) (int, error) {
	n := 0
	err := s.db.InTx(ctx, func(tx *store.DB) error {
		prev, err := tx.FindOneOnOneMeetings(ctx, p.ID, time.Time{}, m.At)
		if err != nil {
			return fmt.Errorf("oneonone: agenda: %w", err)
		}
		var since time.Time
		for _, x := range prev {
			if x.Status != store.MeetingSkipped {
				since = x.At
			}
		}
		for _, who := range []int64{p.LeadID, p.MemberID} {
			e, created, err := newEntry(ctx, tx, p, m, who, store.EntryAgenda, now)
			if err != nil {
				return err
			}
			if !created {
				continue
			}
			d := basePage(p, who, m)
			d.ReplyTo = s.replyTo(e.ID)
			if d.Sides, d.Missing, err = s.sides(ctx, tx, p, who, m); err != nil {
				return err
			}
			if d.Items, err = s.items(ctx, tx, p, who, since); err != nil {
				return err
			}
			if d.Mood, err = s.moodTrend(ctx, tx, p, who, m); err != nil {
				return err
			}
			if e.MessageID, err = s.send(ctx, tx, p, who, "oneonone_agenda", dedup("oneonone_agenda", e.ID), e.ID, "", d); err != nil {
				return err
			}
			if err := tx.SaveOneOnOneEntry(ctx, e); err != nil {
				return err
			}
			n++
		}
		m.AgendaSentAt = &now
		return tx.SaveOneOnOneMeeting(ctx, m)
	})
	return n, err
}

// sendFeedback queues "Was this 1:1 useful?" to both, once.
func (s *Service) sendFeedback(ctx context.Context, p *store.OneOnOnePair, m *store.OneOnOneMeeting, now time.Time) (int, error) {
	n := 0
	err := s.db.InTx(ctx, func(tx *store.DB) error {
		for _, who := range []int64{p.LeadID, p.MemberID} {
			e, created, err := newEntry(ctx, tx, p, m, who, store.EntryFeedback, now)
			if err != nil {
				return err
			}
			if !created {
				continue
			}
			d := basePage(p, who, m)
			d.ReplyTo = s.replyTo(e.ID)
			if e.MessageID, err = s.send(ctx, tx, p, who, "oneonone_feedback", dedup("oneonone_feedback", e.ID), e.ID, "", d); err != nil {
				return err
			}
			if err := tx.SaveOneOnOneEntry(ctx, e); err != nil {
				return err
			}
			n++
		}
		m.FeedbackSentAt = &now
		return tx.SaveOneOnOneMeeting(ctx, m)
	})
	return n, err
}
