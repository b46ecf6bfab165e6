package ask

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tidings-app/tidings/mail"
	"github.com/tidings-app/tidings/mail/reply"
	"github.com/tidings-app/tidings/store"
)

// Handle handles a message to ask@, ask+TEAM@, fyi@, fyi+TEAM@ (a new ask
// or FYI), answer+TOKEN@ (a member's answer) or asker+TOKEN@ (the asker
// confirming or closing), and returns the inbound status (store.Inbound*)
// and a reason. dmarcPass says whether the message passed DMARC for its
// From domain. Auto-replies, bounces and empty messages are ignored and
// never answered; strangers are quarantined without a reply. err is
// non-nil only for store or rendering failures (the job retries).
func (s *Service) Handle(ctx context.Context, tx *store.DB, in *store.InboundMessage, msg *reply.Message, rcpt mail.Recipient, dmarcPass bool) (status, reason string, err error) {
	switch msg.Kind {
	case reply.KindAutoReply:
		if rcpt.Kind == mail.RcptAnswer {
			return s.outOfOffice(ctx, tx, msg, rcpt.ID)
		}
		return store.InboundIgnored, fmt.Sprintf("ask: %s message", msg.Kind), nil
	case reply.KindBounce:
		return store.InboundIgnored, fmt.Sprintf("ask: %s message", msg.Kind), nil
	}
	switch rcpt.Kind {
	case mail.RcptAsk, mail.RcptFYI:
		if msg.Kind == reply.KindEmpty && strings.TrimSpace(msg.Subject) == "" {
			return store.InboundIgnored, "ask: empty message", nil
		}
		return s.newAsk(ctx, tx, in, msg, rcpt, dmarcPass)
	case mail.RcptAnswer:
		return s.answer(ctx, tx, in, msg, rcpt.ID)
	case mail.RcptAsker:
		return s.askerReply(ctx, tx, in, msg, rcpt.ID)
	}
	return store.InboundIgnored, "ask: not an ask address", nil
}

// newAsk files a new ask or FYI and, with proof, sends it.
func (s *Service) newAsk(ctx context.Context, tx *store.DB, in *store.InboundMessage, msg *reply.Message, rcpt mail.Recipient, dmarcPass bool) (string, string, error) {
	sender, err := tx.MemberByAddress(ctx, msg.From)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return "", "", fmt.Errorf("ask: new: %w", err)
	}
	team, why, err := s.route(ctx, tx, msg.From, sender, rcpt)
	if err != nil {
		return "", "", fmt.Errorf("ask: new: %w", err)
	}
	if team == nil {
		s.log.InfoContext(ctx, "ask quarantined", "msg_id", msg.MessageID, "team", rcpt.Team)
		return store.InboundQuarantined, "ask: " + why, nil
	}
	loc := teamLoc(team, sender)
	req := reply.ReadAsk(msg.Subject, msg.Text, msg.Date.In(loc))
	if req.Question == "" {
		return store.InboundIgnored, "ask: no subject, nothing to ask", nil
	}
	now := s.now()
	if !req.Deadline.After(now) {
		req.Deadline = reply.AddWorkingDays(now.In(loc), 2)
		req.DeadlineText = ""
	}
	a := &store.Ask{TeamID: team.ID, AskerEmail: strings.ToLower(msg.From), AskerName: msg.FromName,
		Question: req.Question, Context: req.Context, Choices: req.Choices, Multiple: req.Multiple && len(req.Choices) > 1,
		Anonymous: req.Anonymous, Urgent: req.Urgent, Deadline: req.Deadline.UTC(), DeadlineText: req.DeadlineText,
		RemindAt: now.Add(req.Deadline.Sub(now) / 2).UTC(), MessageID: msg.MessageID, InboundID: in.ID}
	if sender != nil {
		a.AskerID = &sender.ID
		if a.AskerName == "" {
			a.AskerName = sender.Name
		}
	}
	for _, att := range msg.Attachments {
		a.Attachments = append(a.Attachments, store.AskAttachment{Filename: att.Filename, ContentType: att.ContentType, Size: att.Size})
	}
	switch {
	case rcpt.Kind == mail.RcptFYI:
		a.Kind = store.AskFYI
	case len(req.Choices) > 0:
		a.Kind = store.AskPoll
	default:
		a.Kind = store.AskFeedback
	}
	a.Status = store.AskPending
	if dmarcPass {
		a.Status = liveStatus(a)
	}
	members, err := tx.FindTeamMembers(ctx, team.ID)
	if err != nil {
		return "", "", fmt.Errorf("ask: new: %w", err)
	}
	var ids []int64
	for _, m := range members {
		if m.Role != store.RoleObserver && !m.Unsubscribed && m.Email != a.AskerEmail && (sender == nil || m.ID != sender.ID) {
			ids = append(ids, m.ID)
		}
	}
	if a.Kind == store.AskFYI && !a.Urgent {
		ids = nil // held for the digest: nobody is asked anything
	}
	if err := tx.CreateAsk(ctx, a, ids); err != nil {
		return "", "", fmt.Errorf("ask: new: %w", err)
	}
	if a.Status == store.AskPending {
		if err := s.confirm(ctx, tx, a, team, len(ids), true); err != nil {
			return "", "", err
		}
		return store.InboundApplied, fmt.Sprintf("ask %d (%s) waits for the sender's confirmation (no DMARC pass)", a.ID, a.Kind), nil
	}
	if err := s.launch(ctx, tx, a, team); err != nil {
		return "", "", err
	}
	return store.InboundApplied, fmt.Sprintf("ask %d (%s) %s to %d members", a.ID, a.Kind, a.Status, len(ids)), nil
}

// liveStatus is the status of a proven ask: open for questions, held or
// sent for FYIs.
func liveStatus(a *store.Ask) string {
	switch {
	case a.Kind != store.AskFYI:
		return store.AskOpen
	case a.Urgent:
		return store.AskSent
	}
	return store.AskHeld
}

// launch sends a proven ask: the copies to the members (a question or an
// urgent FYI) and the confirmation to the asker.
func (s *Service) launch(ctx context.Context, tx *store.DB, a *store.Ask, team *store.Team) error {
	rs, err := tx.AskRecipients(ctx, a.ID)
	if err != nil {
		return fmt.Errorf("ask: launch: %w", err)
	}
	if a.Kind != store.AskFYI || a.Urgent {
		if err := s.sendCopies(ctx, tx, a, team, rs, false); err != nil {
			return err
		}
	}
	return s.confirm(ctx, tx, a, team, len(rs), false)
}

// route returns the team the ask goes to, or nil and why not: ask+TEAM
// needs a member of TEAM or an address in its AllowedDomains; plain ask@
// needs exactly one such team.
func (s *Service) route(ctx context.Context, tx *store.DB, from string, sender *store.Member, rcpt mail.Recipient) (*store.Team, string, error) {
	var id int64
	if sender != nil {
		id = sender.ID
	}
	_, domain, _ := strings.Cut(strings.ToLower(from), "@")
	ok, err := tx.SenderTeams(ctx, id, domain, rcpt.Team)
	if err != nil {
		return nil, "", err
	}
	switch {
	case len(ok) == 1:
		return &ok[0], "", nil
	case len(ok) > 1:
		return nil, fmt.Sprintf("%s belongs to %d teams; write to %s+TEAM@ instead", from, len(ok), rcpt.Kind), nil
	}
	where := s.addr.Ask(rcpt.Team)
	if rcpt.Kind == mail.RcptFYI {
		where = s.addr.FYI(rcpt.Team)
	}
	return nil, fmt.Sprintf("%s may not write to %s", from, where), nil
}

// teamLoc is the asker's time zone (the team's when the member has none).
func teamLoc(t *store.Team, m *store.Member) *time.Location {
	name := t.Timezone
	if m != nil && m.Timezone != "" {
		name = m.Timezone
	}
	if loc, err := time.LoadLocation(name); err == nil {
		return loc
	}
	return time.UTC
}

// askerReply handles a reply in the asker's thread: it confirms a pending
// ask, or closes an open one on "close". Only the asker may do either.
func (s *Service) askerReply(ctx context.Context, tx *store.DB, in *store.InboundMessage, msg *reply.Message, askID int64) (string, string, error) {
	a, err := tx.AskByID(ctx, askID)
	if errors.Is(err, store.ErrNotFound) {
		return store.InboundIgnored, fmt.Sprintf("ask: ask %d no longer exists", askID), nil
	} else if err != nil {
		return "", "", fmt.Errorf("ask: asker reply: %w", err)
	}
	if ok, err := s.isAsker(ctx, tx, a, msg.From); err != nil {
		return "", "", err
	} else if !ok {
		return store.InboundQuarantined, fmt.Sprintf("ask: %s is not the asker of ask %d", msg.From, a.ID), nil
	}
	team, err := tx.TeamByID(ctx, a.TeamID)
	if err != nil {
		return "", "", fmt.Errorf("ask: asker reply: %w", err)
	}
	switch {
	case a.Status == store.AskPending:
		live := liveStatus(a)
		if ok, err := tx.SetAskStatus(ctx, a.ID, store.AskPending, live); err != nil || !ok {
			return store.InboundIgnored, fmt.Sprintf("ask %d was confirmed already", a.ID), err
		}
		a.Status = live
		if err := s.reschedule(ctx, tx, a, team); err != nil {
			return "", "", err
		}
		if err := s.launch(ctx, tx, a, team); err != nil {
			return "", "", err
		}
		return store.InboundApplied, fmt.Sprintf("ask %d confirmed by its sender: %s", a.ID, live), nil
	case a.Status == store.AskOpen && reply.IsClose(msg.Text):
		closed, err := s.close(ctx, tx, a, "by "+askerName(a))
		if err != nil {
			return "", "", err
		}
		if !closed {
			return store.InboundIgnored, fmt.Sprintf("ask %d was closed already", a.ID), nil
		}
		return store.InboundApplied, fmt.Sprintf("ask %d closed by its asker; results sent", a.ID), nil
	}
	return store.InboundIgnored, fmt.Sprintf("ask %d is %s; nothing to do (reply \"close\" to close an open ask)", a.ID, a.Status), nil
}

func (s *Service) isAsker(ctx context.Context, tx *store.DB, a *store.Ask, from string) (bool, error) {
	if strings.EqualFold(from, a.AskerEmail) {
		return true, nil
	}
	if a.AskerID == nil {
		return false, nil
	}
	m, err := tx.MemberByAddress(ctx, from)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("ask: %w", err)
	}
	return m.ID == *a.AskerID, nil
}

// answer records a member's reply to their copy of an ask; when everyone
// has answered, it closes the ask.
func (s *Service) answer(ctx context.Context, tx *store.DB, in *store.InboundMessage, msg *reply.Message, recipientID int64) (string, string, error) {
	r, err := tx.AskRecipientByID(ctx, recipientID)
	if errors.Is(err, store.ErrNotFound) {
		return store.InboundIgnored, "ask: the question no longer exists", nil
	} else if err != nil {
		return "", "", fmt.Errorf("ask: answer: %w", err)
	}
	m, err := tx.MemberByAddress(ctx, msg.From)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return "", "", fmt.Errorf("ask: answer: %w", err)
	}
	if m == nil || m.ID != r.MemberID {
		return store.InboundQuarantined, fmt.Sprintf("ask: %s is not the member this copy went to", msg.From), nil
	}
	a, err := tx.AskByID(ctx, r.AskID)
	if err != nil {
		return "", "", fmt.Errorf("ask: answer: %w", err)
	}
	if a.Status != store.AskOpen {
		return store.InboundIgnored, fmt.Sprintf("ask %d is %s; answer not counted", a.ID, a.Status), nil
	}
	v := reply.ReadVote(msg.Text, a.Choices, a.Multiple)
	if len(v.Choices) == 0 && v.Comment == "" {
		return store.InboundIgnored, fmt.Sprintf("ask %d: the reply names no choice and says nothing", a.ID), nil
	}
	changed, err := tx.SaveAskAnswer(ctx, r.ID, in.ID, v.Choices, v.Comment, !a.Anonymous)
	if errors.Is(err, store.ErrConflict) {
		return store.InboundIgnored, fmt.Sprintf("ask %d closed meanwhile; answer not counted", a.ID), nil
	} else if err != nil {
		return "", "", fmt.Errorf("ask: answer: %w", err)
	}
	// The reason never says what was answered: for an anonymous ask it is
	// stored beside the sender's message.
	reason := fmt.Sprintf("ask %d: answer recorded", a.ID)
	if changed {
		reason = fmt.Sprintf("ask %d: answer changed", a.ID)
	}
	if v.Problem != "" {
		reason += " (" + v.Problem + ")"
	}
	rs, err := tx.AskRecipients(ctx, a.ID)
	if err != nil {
		return "", "", fmt.Errorf("ask: answer: %w", err)
	}
	if !slices.ContainsFunc(rs, func(r store.AskRecipient) bool { return !r.Answered }) {
		if _, err := s.close(ctx, tx, a, "as everyone answered"); err != nil {
			return "", "", err
		}
		reason += "; everyone answered, results sent"
	}
	return store.InboundApplied, reason, nil
}

func askerName(a *store.Ask) string {
	if a.AskerName != "" {
		return a.AskerName
	}
	return a.AskerEmail
}

// outOfOffice handles an automatic reply to a member's copy: never an
// answer; when it comes from that member and names a return date, the
// member is away until the end of that day (no reminder goes to them).
func (s *Service) outOfOffice(ctx context.Context, tx *store.DB, msg *reply.Message, recipientID int64) (string, string, error) {
	if msg.AutoReplyUntil == "" {
		return store.InboundIgnored, "ask: auto-reply", nil
	}
	r, err := tx.AskRecipientByID(ctx, recipientID)
	if errors.Is(err, store.ErrNotFound) {
		return store.InboundIgnored, "ask: auto-reply", nil
	} else if err != nil {
		return "", "", fmt.Errorf("ask: auto-reply: %w", err)
	}
	m, err := tx.MemberByAddress(ctx, msg.From)
	if errors.Is(err, store.ErrNotFound) || (err == nil && m.ID != r.MemberID) {
		return store.InboundIgnored, "ask: auto-reply from another address", nil
	} else if err != nil {
		return "", "", fmt.Errorf("ask: auto-reply: %w", err)
	}
	a, err := tx.AskByID(ctx, r.AskID)
	if err != nil {
		return "", "", fmt.Errorf("ask: auto-reply: %w", err)
	}
	team, err := tx.TeamByID(ctx, a.TeamID)
	if err != nil {
		return "", "", fmt.Errorf("ask: auto-reply: %w", err)
	}
	day, err := time.ParseInLocation("2006-01-02", msg.AutoReplyUntil, teamLoc(team, m))
	if err != nil {
		return store.InboundIgnored, "ask: auto-reply", nil
	}
	until := day.AddDate(0, 0, 1)
	if err := tx.ChangeMember(ctx, m.ID, store.MemberChange{AwayUntil: &until}); err != nil {
		return "", "", fmt.Errorf("ask: auto-reply: %w", err)
	}
	return store.InboundIgnored, "ask: auto-reply; member away until " + msg.AutoReplyUntil, nil
}

// reschedule moves the reminder of an ask confirmed late to half-way
// between now and the deadline, and a deadline already past to two
// working days from now.
func (s *Service) reschedule(ctx context.Context, tx *store.DB, a *store.Ask, team *store.Team) error {
	if a.Kind == store.AskFYI {
		return nil
	}
	now := s.now()
	if !a.Deadline.After(now) {
		a.Deadline, a.DeadlineText = reply.AddWorkingDays(now.In(loadLoc(team.Timezone)), 2).UTC(), ""
	}
	a.RemindAt = now.Add(a.Deadline.Sub(now) / 2).UTC()
	if err := tx.ScheduleAsk(ctx, a.ID, a.Deadline, a.RemindAt); err != nil {
		return fmt.Errorf("ask: reschedule: %w", err)
	}
	return nil
}
