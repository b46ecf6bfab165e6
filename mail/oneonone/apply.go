package oneonone

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tidings-app/tidings/mail/reply"
	"github.com/tidings-app/tidings/store"
)

// FeedbackQuestions are the questions of the optional feedback email.
func FeedbackQuestions() []reply.Question {
	return []reply.Question{
		{Key: "score", Text: "Was this 1:1 useful? 1–5", Aliases: []string{"score", "useful", "rating", "s"}},
		{Key: "comment", Text: "Anything to do differently next time?", Aliases: []string{"comment", "next time", "c"}},
	}
}

// ApplyReply applies, inside tx, a message sent to the reply address of
// entry entryID (the signed token ID minus store.OneOnOneTokenBase) and
// returns the inbound status (store.Inbound*) and a reason. Only the
// entry's own person may answer it; anyone else's message is quarantined.
// Answers to the agenda prompt are stored for the pair; "skip" and
// "reschedule thu 10:00" change the meeting and tell both; a reply to the
// agenda (or to the prompt after the meeting began), or notes forwarded to
// it, files decisions and action items and confirms them to both; "done:
// …" closes the pair's matching open items.
func (s *Service) ApplyReply(ctx context.Context, tx *store.DB, in *store.InboundMessage, entryID int64) (string, string, error) {
	e, err := tx.OneOnOneEntryByID(ctx, entryID)
	if errors.Is(err, store.ErrNotFound) {
		return store.InboundIgnored, "the one-on-one email no longer exists", nil
	}
	if err != nil {
		return "", "", err
	}
	p, err := tx.OneOnOneByID(ctx, e.PairID)
	if err != nil {
		return "", "", err
	}
	m, err := tx.OneOnOneMeetingByID(ctx, e.MeetingID)
	if err != nil {
		return "", "", err
	}
	qs := questions(p.Questions)
	if e.Kind == store.EntryFeedback {
		qs = FeedbackQuestions()
	}
	msg, err := reply.Parse(in.Raw, reply.Options{Questions: qs, Now: in.ReceivedAt})
	if err != nil {
		return store.InboundIgnored, "not a readable message: " + err.Error(), nil
	}
	switch msg.Kind {
	case reply.KindAutoReply:
		return store.InboundIgnored, "auto-reply to a one-on-one email", nil
	case reply.KindBounce:
		return store.InboundIgnored, "delivery report sent to a reply address", nil
	}
	sender, err := tx.MemberByAddress(ctx, msg.From)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return "", "", err
	}
	if err != nil || sender.ID != e.PersonID {
		return store.InboundQuarantined, fmt.Sprintf("sender %s is not the person this one-on-one email went to", msg.From), nil
	}
	a := &applier{s: s, tx: tx, in: in, msg: msg, p: p, m: m, e: e, at: answeredAt(msg, in)}
	return a.run(ctx)
}

func questions(qs []store.Question) []reply.Question {
	if len(qs) == 0 {
		return reply.OneOnOneQuestions()
	}
	out := make([]reply.Question, len(qs))
	for i, q := range qs {
		out[i] = reply.Question{Key: q.Key, Text: q.Text, Aliases: q.Aliases}
	}
	return out
}

// answeredAt is the Date header unless missing or in the future.
func answeredAt(msg *reply.Message, in *store.InboundMessage) time.Time {
	if d := msg.Date; !d.IsZero() && !d.After(in.ReceivedAt) {
		return d
	}
	return in.ReceivedAt
}

// applier is one reply being applied.
type applier struct {
	s     *Service
	tx    *store.DB
	in    *store.InboundMessage
	msg   *reply.Message
	p     *store.OneOnOnePair
	m     *store.OneOnOneMeeting
	e     *store.OneOnOneEntry
	at    time.Time
	notes []string
}

func (a *applier) run(ctx context.Context) (string, string, error) {
	who := a.e.PersonID
	r := reply.ReadOneOnOne(a.msg, a.p.Location(who))
	closed, err := a.closeItems(ctx, r.Done)
	if err != nil {
		return "", "", err
	}
	afterStart := !a.at.Before(a.m.At)
	switch {
	case r.Skip && !afterStart && a.e.Kind != store.EntryFeedback:
		if err := a.skip(ctx); err != nil {
			return "", "", err
		}
	case !r.RescheduleAt.IsZero():
		if err := a.reschedule(ctx, r); err != nil {
			return "", "", err
		}
	}
	switch {
	case a.e.Kind == store.EntryFeedback:
		err = a.saveAnswers(ctx, r.Mood)
	case a.e.Kind == store.EntryAgenda || afterStart:
		err = a.fileNotes(ctx, r, closed)
	default:
		err = a.saveAnswers(ctx, r.Mood)
	}
	if err != nil {
		return "", "", err
	}
	if len(a.notes) == 0 {
		return store.InboundIgnored, "nothing to apply to the one-on-one (" + string(a.msg.Kind) + ")", nil
	}
	return store.InboundApplied, "one-on-one " + strings.Join(a.notes, "; "), nil
}

// answerLines drops command lines from an answer.
func answerText(s string) string {
	var keep []string
	for _, l := range strings.Split(s, "\n") {
		t := strings.ToLower(strings.TrimSpace(l))
		if reply.IsOneOnOneCommand(l) || strings.HasPrefix(t, "done:") || t == "skip" {
			continue
		}
		keep = append(keep, l)
	}
	return strings.TrimSpace(strings.Join(keep, "\n"))
}

// saveAnswers stores the answers (and mood or score) on the entry; a
// later reply replaces the answers it repeats.
func (a *applier) saveAnswers(ctx context.Context, mood int) error {
	var ans []store.Answer
	for _, x := range a.msg.Answers {
		if t := answerText(x.Text); t != "" {
			ans = append(ans, store.Answer{Key: x.Key, Question: x.Question, Text: t})
		}
	}
	if len(ans) == 0 && mood == 0 {
		return nil
	}
	// A later reply replaces the answers it gives and keeps the others.
	merged := append([]store.Answer{}, a.e.Answers...)
	for _, x := range ans {
		i := slices.IndexFunc(merged, func(y store.Answer) bool { return y.Key == x.Key })
		if i < 0 {
			merged = append(merged, x)
		} else {
			merged[i] = x
		}
	}
	a.e.Answers, a.e.Status, a.e.AnsweredAt, a.e.InboundID = merged, "answered", &a.at, a.in.ID
	if mood > 0 {
		a.e.Mood = mood
	}
	if err := a.tx.SaveOneOnOneEntry(ctx, a.e); err != nil {
		return err
	}
	a.notes = append(a.notes, fmt.Sprintf("%s entry %d answered (%d answers)", a.e.Kind, a.e.ID, len(ans)))
	return nil
}

// closeItems closes the pair's open items matching "done: …" texts.
func (a *applier) closeItems(ctx context.Context, done []string) ([]string, error) {
	if len(done) == 0 {
		return nil, nil
	}
	open, err := a.tx.FindOneOnOneItems(ctx, a.p.ID, true)
	if err != nil {
		return nil, err
	}
	var closed []string
	for _, d := range done {
		// The rule of "done:" everywhere (reply.MatchItem): the best
		// match wins, two equally good ones close nothing.
		texts := make([]string, len(open))
		for i, it := range open {
			texts[i] = it.Text
		}
		i := reply.MatchItem(d, texts)
		if i < 0 {
			continue
		}
		if err := a.tx.CloseOneOnOneItem(ctx, open[i].ID, a.at); err != nil {
			return nil, err
		}
		closed = append(closed, open[i].Text)
		open = append(open[:i], open[i+1:]...)
	}
	if len(closed) > 0 {
		a.notes = append(a.notes, fmt.Sprintf("%d items closed", len(closed)))
	}
	return closed, nil
}
