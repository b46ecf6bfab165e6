package okr

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/tidings-app/tidings/mail/outbound"
	"github.com/tidings-app/tidings/mail/reply"
	"github.com/tidings-app/tidings/store"
)

// retroLead is how long before the end of a quarter owners get the
// quarter's retrospective prompt.
const retroLead = 7 * 24 * time.Hour

// isRetro reports whether an occurrence due at due falls in the last week
// of quarter q, when owners also get the retrospective prompt.
func isRetro(q store.Quarter, due time.Time, loc *time.Location) bool {
	return q.End(loc).Sub(due) <= retroLead
}

// Score is the computed final score of kr at value v: progress from start
// to target, clipped to 0–1 and rounded to a tenth.
func Score(kr *store.KeyResult, v float64) float64 {
	return math.Round(10*math.Max(0, math.Min(1, kr.Progress(v)))) / 10
}

// retroView is the data of okr_retro.
type retroView struct {
	FirstName, Team, Quarter string
	Due, Closes              time.Time
	KRs                      []retroLine
	UnsubscribeURL           string
}

// retroLine is one key result in the retrospective prompt.
type retroLine struct{ Key, Title, Last, Target, Score string }

// Text is the key result as wrapped plain-text lines.
func (l retroLine) Text() string {
	return wrap(l.Key+" "+l.Title, 78, "", "    ") + "\n" +
		wrap("last "+l.Last+", target "+l.Target+"; computed score "+l.Score, 78, "    ", "    ")
}

// retroMessage renders okr_retro for the owner.
func (s *Service) retroMessage(ts *store.TeamSchedule, m *store.Member, pr *store.Prompt, loc *time.Location,
	q store.Quarter, krs []store.KeyResult, values map[int64]store.KRValue) (*store.OutboundMessage, error) {
	v := retroView{FirstName: firstName(m), Team: teamPhrase(ts.Team.Name), Quarter: q.String(),
		Due: pr.DueAt.In(loc), Closes: pr.ExpiresAt.In(loc), UnsubscribeURL: s.unsubscribeURL(m.ID)}
	for i := range krs {
		kr := &krs[i]
		last := kr.Start
		if lv, ok := values[kr.ID]; ok {
			last = lv.Value
		}
		v.KRs = append(v.KRs, retroLine{Key: kr.Key, Title: kr.Title, Last: kr.Format(last), Target: kr.Format(kr.Target),
			Score: strconv.FormatFloat(Score(kr, last), 'f', 1, 64)})
	}
	return s.compose("okr_retro", m, pr, v)
}

// compose renders template name with v as a prompt of pr to m.
func (s *Service) compose(name string, m *store.Member, pr *store.Prompt, v any) (*store.OutboundMessage, error) {
	r, err := s.opts.Templates.Render(name, v)
	if err != nil {
		return nil, fmt.Errorf("okr: render %s: %w", name, err)
	}
	id, key := s.threadIDs(pr.ID)
	reply := s.opts.Addresses.Reply(pr.ID)
	unsub := s.unsubscribeURL(m.ID)
	msg := outbound.Message{To: []outbound.Address{{Name: m.Name, Addr: m.Email}}, ReplyTo: reply,
		Subject: r.Subject, Text: strings.TrimRight(r.Text, " \n") + "\n", HTML: strings.TrimRight(r.HTML, " \n") + "\n",
		MessageID: id, References: []string{key}, Headers: listHeaders(unsub, reply)}
	out := &store.OutboundMessage{DedupKey: "prompt:" + strconv.FormatInt(pr.ID, 10), Kind: KindPrompt,
		PromptID: &pr.ID, MemberID: &m.ID, TeamID: &pr.TeamID, Recipient: m.Email, Subject: r.Subject}
	if out.Raw, out.MessageID, err = s.opts.Composer.Compose(msg); err != nil {
		return nil, fmt.Errorf("okr: compose %s: %w", name, err)
	}
	return out, nil
}

// fileRetro files a reply to a retrospective prompt: scores (computed
// where none is given), lessons and carry-over per key result, and
// answers in the thread.
func (s *Service) fileRetro(ctx context.Context, tx *store.DB, in *store.InboundMessage, msg *reply.Message, t *store.ReplyTarget,
	q store.Quarter, krs []store.KeyResult, at time.Time) (string, string, error) {
	refs := make([]reply.KRRef, len(krs))
	ids := make([]int64, len(krs))
	for i, kr := range krs {
		refs[i] = reply.KRRef{Key: kr.Key, Title: kr.Title, Unit: kr.Unit, Currency: kr.Currency, Start: kr.Start, Target: kr.Target}
		ids[i] = kr.ID
	}
	r := reply.ParseOKRRetro(msg.Text, refs)
	last, err := tx.LatestKRValues(ctx, ids, at.Add(time.Nanosecond))
	if err != nil {
		return "", "", fmt.Errorf("okr: retro: %w", err)
	}
	carry := map[string]bool{}
	for _, k := range r.Carry {
		carry[k] = true
	}
	var general []string
	perKR := map[string][]string{}
	for _, l := range r.Lessons {
		if k, rest, ok := strings.Cut(l, ": "); ok && store.NormalKey(k) == k && len(k) <= 32 {
			perKR[k] = append(perKR[k], rest)
			continue
		}
		general = append(general, l)
	}
	var rows []store.KRRetro
	rv := receiptView{Subject: replySubject(msg.Subject), FirstName: firstName(&t.Member), Team: teamPhrase(t.Team.Name),
		Quarter: q.String() + " retrospective", UnsubscribeURL: s.unsubscribeURL(t.Member.ID)}
	for i := range krs {
		kr := &krs[i]
		v := kr.Start
		if lv, ok := last[kr.ID]; ok {
			v = lv.Value
		}
		row := store.KRRetro{KeyResultID: kr.ID, MemberID: t.Member.ID, InboundID: in.ID, At: at.UTC(), CarryOver: carry[kr.Key]}
		if sc, ok := r.Scores[kr.Key]; ok {
			row.Score = sc
		} else {
			row.Score, row.Computed = Score(kr, v), true
		}
		lessons := perKR[kr.Key]
		if i == 0 {
			lessons = append(general, lessons...)
		}
		row.Lesson = strings.Join(lessons, "\n")
		rows = append(rows, row)
		line := recordedLine{Key: kr.Key, Title: kr.Title, Value: "score " + strconv.FormatFloat(row.Score, 'f', 1, 64), Status: "closes with the quarter",
			Comment: strings.Join(perKR[kr.Key], " ")}
		if row.Computed {
			line.Value += " (computed)"
		}
		if row.CarryOver {
			line.Status = "carries over to " + q.Next().String()
		}
		rv.Recorded = append(rv.Recorded, line)
	}
	if err := tx.AddKRRetros(ctx, rows); err != nil {
		return "", "", fmt.Errorf("okr: retro: %w", err)
	}
	if err := tx.MarkPromptAnswered(ctx, t.Prompt.ID, at); err != nil {
		return "", "", fmt.Errorf("okr: retro: %w", err)
	}
	rv.Lessons = general
	for _, p := range r.Problems {
		rv.Problems = append(rv.Problems, problemLine{Line: p.Line, Problem: p.Problem})
	}
	if err := s.receipt(ctx, tx, in, msg, t, rv); err != nil {
		return "", "", err
	}
	return store.InboundApplied, fmt.Sprintf("okr: retrospective of %d key result(s), %d carried over, %d line(s) refused",
		len(rows), len(r.Carry), len(r.Problems)), nil
}
