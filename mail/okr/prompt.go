package okr

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tidings-app/tidings/mail/outbound"
	"github.com/tidings-app/tidings/store"
)

// Summary counts what one SendDue run did.
type Summary struct {
	Queued  int // prompts queued for delivery
	Expired int // occurrences first seen after their window, recorded, not sent
	Skipped int // paused, away, unsubscribed or suppressed owners
	Recaps  int // quarter recaps queued (one per team member)
}

// SendDue prompts, for every `kind: okr` check-in whose time has come (in
// each member's zone, DST-correct through store.Schedule), each member who
// owns key results in the quarter of that occurrence — once per check-in,
// member and period, whatever number of runs or processes. Members who
// own none get nothing. Occurrences missed while the service was down are
// sent while their window is open, else recorded as expired. In a
// quarter's last week each owner also gets the retrospective prompt, once
// per quarter; in the 30 days after a quarter ends, every member of the
// team gets its recap, once.
func (s *Service) SendDue(ctx context.Context, now time.Time) (Summary, error) {
	var sum Summary
	teams, err := s.db.FindTeamSchedules(ctx)
	if err != nil {
		return sum, fmt.Errorf("okr: send due: %w", err)
	}
	for i := range teams {
		ts := &teams[i]
		for j := range ts.CheckIns {
			c := &ts.CheckIns[j]
			if c.Kind != store.CheckInOKR {
				continue
			}
			if err := s.scheduleCheckIn(ctx, ts, c, now, &sum); err != nil {
				return sum, err
			}
			n, err := s.sendRecaps(ctx, ts, now)
			if err != nil {
				return sum, err
			}
			sum.Recaps += n
		}
	}
	return sum, nil
}

func (s *Service) scheduleCheckIn(ctx context.Context, ts *store.TeamSchedule, c *store.CheckIn, now time.Time, sum *Summary) error {
	sched, err := store.ParseSchedule(c.Schedule)
	if err != nil {
		s.log.Error("bad schedule", "team", ts.Team.Slug, "check_in", c.Name, "err", err)
		return nil
	}
	from := now.Add(-s.opts.CatchUp)
	if c.CreatedAt.After(from) {
		from = c.CreatedAt
	}
	teamLoc := s.location(ts.Team.Timezone)
	for i := range ts.Members {
		m := &ts.Members[i]
		loc := s.location(m.Location)
		for _, due := range sched.Between(from, now, loc, s.opts.MaxCatchUp) {
			if due.Before(m.JoinedAt) {
				continue
			}
			q := store.QuarterOf(due, teamLoc)
			krs, err := s.db.KeyResultsOwnedBy(ctx, ts.Team.ID, m.ID, q)
			if err != nil {
				return fmt.Errorf("okr: send due: %w", err)
			}
			if len(krs) == 0 {
				continue
			}
			if err := s.prompt(ctx, ts, c, m, loc, sched.Period(due, loc), due, q, krs, now, sum); err != nil {
				return err
			}
			// In the quarter's last week the owner also gets the
			// retrospective, once per quarter; the weekly prompt still
			// collects the final values.
			if isRetro(q, due, teamLoc) {
				if err := s.prompt(ctx, ts, c, m, loc, q.String()+store.RetroPeriodSuffix, due, q, krs, now, sum); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// prompt creates the prompt of one occurrence and queues its message, in
// one transaction; an existing prompt for the period makes it a no-op.
func (s *Service) prompt(ctx context.Context, ts *store.TeamSchedule, c *store.CheckIn, m *store.ScheduledMember,
	loc *time.Location, period string, due time.Time, q store.Quarter, krs []store.KeyResult, now time.Time, sum *Summary) error {
	window := c.Window
	if window <= 0 {
		window = s.opts.DefaultWindow
	}
	pr := &store.Prompt{CheckInID: c.ID, MemberID: m.ID, TeamID: ts.Team.ID, Period: period,
		DueAt: due.UTC(), ExpiresAt: due.Add(window).UTC(), Status: store.PromptPending}
	suppressed, err := s.db.Suppressed(ctx, m.Email)
	if err != nil {
		return fmt.Errorf("okr: send due: %w", err)
	}
	switch {
	case !now.Before(pr.ExpiresAt):
		pr.Status = store.PromptExpired
		pr.Reason = fmt.Sprintf("not sent: its answer window had closed (%s) when the scheduler ran (%s)",
			pr.ExpiresAt.In(loc).Format("Mon 2 Jan 15:04 MST"), now.In(loc).Format("Mon 2 Jan 15:04 MST"))
	default:
		if reason := skipReason(&m.Member, now, suppressed); reason != "" {
			pr.Status, pr.Reason = store.PromptSkipped, reason
		}
	}
	var values map[int64]store.KRValue
	if pr.Status == store.PromptPending {
		ids := make([]int64, len(krs))
		for i := range krs {
			ids[i] = krs[i].ID
		}
		if values, err = s.db.LatestKRValues(ctx, ids, now); err != nil {
			return fmt.Errorf("okr: send due: %w", err)
		}
	}
	err = s.db.InTx(ctx, func(tx *store.DB) error {
		created, err := tx.InsertPrompt(ctx, pr)
		if err != nil || !created {
			return err
		}
		switch pr.Status {
		case store.PromptExpired:
			sum.Expired++
			return nil
		case store.PromptSkipped:
			sum.Skipped++
			return nil
		}
		var out *store.OutboundMessage
		if strings.HasSuffix(pr.Period, store.RetroPeriodSuffix) {
			out, err = s.retroMessage(ts, &m.Member, pr, loc, q, krs, values)
		} else {
			out, err = s.promptMessage(ts, &m.Member, pr, loc, q, krs, values, now)
		}
		if err != nil {
			return err
		}
		if err := tx.SetPromptMessageID(ctx, pr.ID, out.MessageID); err != nil {
			return err
		}
		if _, err := tx.QueueOutbound(ctx, out); err != nil {
			return err
		}
		sum.Queued++
		return nil
	})
	if err != nil {
		return fmt.Errorf("okr: prompt %s/%s %s: %w", ts.Team.Slug, m.Email, period, err)
	}
	return nil
}

// skipReason says why a member gets no mail now ("" to send).
func skipReason(m *store.Member, now time.Time, suppressed bool) string {
	switch {
	case m.Unsubscribed:
		return "member unsubscribed"
	case m.PausedUntil != nil && m.PausedUntil.After(now):
		return "paused until " + m.PausedUntil.UTC().Format("2006-01-02 15:04 MST")
	case m.AwayUntil != nil && m.AwayUntil.After(now):
		return "away until " + m.AwayUntil.UTC().Format("2006-01-02 15:04 MST")
	case suppressed:
		return "address suppressed after a hard bounce or complaint"
	}
	return ""
}

// promptMessage renders okr_prompt for the owner and composes it with the
// prompt's reply address and thread IDs.
func (s *Service) promptMessage(ts *store.TeamSchedule, m *store.Member, pr *store.Prompt, loc *time.Location,
	q store.Quarter, krs []store.KeyResult, values map[int64]store.KRValue, now time.Time) (*store.OutboundMessage, error) {
	v := promptView{FirstName: firstName(m), Team: teamPhrase(ts.Team.Name), Quarter: q.String(),
		Due: pr.DueAt.In(loc), Closes: pr.ExpiresAt.In(loc), UnsubscribeURL: s.unsubscribeURL(m.ID)}
	teamLoc := s.location(ts.Team.Timezone)
	v.Week, v.Weeks = weekOf(q, pr.DueAt, teamLoc)
	for i := range krs {
		kr := &krs[i]
		line := krLine{Key: kr.Key, Title: kr.Title, Target: kr.Format(kr.Target),
			Expected: kr.Format(kr.Round(kr.Expected(q, pr.DueAt, teamLoc)))}
		last, ok := values[kr.ID]
		if ok {
			line.Last = kr.Format(last.Value)
			line.LastDate = last.At.In(loc)
			line.Status = store.StatusLabel(last.Status)
		} else {
			line.Last = kr.Format(kr.Start) + " (start)"
		}
		if kr.Unit == store.UnitBoolean {
			line.Expected = ""
		}
		v.KRs = append(v.KRs, line)
	}
	v.Example = exampleLines(krs)
	r, err := s.opts.Templates.Render("okr_prompt", v)
	if err != nil {
		return nil, fmt.Errorf("okr: render okr_prompt: %w", err)
	}
	id, key := s.threadIDs(pr.ID)
	reply := s.opts.Addresses.Reply(pr.ID)
	msg := outbound.Message{To: []outbound.Address{{Name: m.Name, Addr: m.Email}}, ReplyTo: reply,
		Subject: r.Subject, Text: strings.TrimRight(r.Text, " \n") + "\n", HTML: strings.TrimRight(r.HTML, " \n") + "\n",
		MessageID: id, References: []string{key}, Headers: listHeaders(v.UnsubscribeURL, reply)}
	out := &store.OutboundMessage{DedupKey: "prompt:" + strconv.FormatInt(pr.ID, 10), Kind: KindPrompt,
		PromptID: &pr.ID, MemberID: &m.ID, TeamID: &pr.TeamID, Recipient: m.Email, Subject: r.Subject}
	if out.Raw, out.MessageID, err = s.opts.Composer.Compose(msg); err != nil {
		return nil, fmt.Errorf("okr: compose prompt: %w", err)
	}
	return out, nil
}

// weekOf is the week of the quarter holding t (1-based) and the number of
// weeks in it.
func weekOf(q store.Quarter, t time.Time, loc *time.Location) (week, weeks int) {
	start, end := q.Start(loc), q.End(loc)
	weeks = int((end.Sub(start).Hours()/24 + 6) / 7)
	week = int(t.Sub(start).Hours()/24/7) + 1
	return min(max(week, 1), weeks), weeks
}

// exampleLines shows how to answer, with the owner's own keys.
func exampleLines(krs []store.KeyResult) []string {
	var out []string
	for i, kr := range krs {
		if i == 3 {
			break
		}
		switch {
		case kr.Unit == store.UnitBoolean:
			out = append(out, kr.Key+" done")
		case i == 0:
			out = append(out, kr.Key+": "+kr.Format(kr.Start+(kr.Target-kr.Start)/2))
		case i == 1:
			out = append(out, kr.Key+": "+kr.Format(kr.Start+(kr.Target-kr.Start)/3)+" (confidence 6/10)")
		default:
			out = append(out, kr.Key+": no change, waiting on legal")
		}
	}
	return out
}
