package ask

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/tidings-app/tidings/store"
)

// barWidth is the width of a text bar at 100%.
const barWidth = 20

// row is one choice's line in the results.
type row struct {
	Letter  string
	Text    string
	Label   string // Text padded for the text bars
	Count   int
	Percent int // of the members who answered
	Bar     string
}

// comment is one comment in the results; Who and Choice are empty for an
// anonymous ask.
type comment struct {
	Who    string
	Choice string
	Text   string
	// Indented is Text with its later lines indented under the bullet.
	Indented string
}

// results is what ask_results renders.
type results struct {
	Team      string
	Asker     string
	Question  string
	Feedback  bool
	Anonymous bool
	Reason    string // "at the deadline", "as everyone answered", "by Ana Lima"
	Asked     int
	Answered  int
	Rows      []row
	Comments  []comment
	// Missing names the members who did not answer; empty for an
	// anonymous ask, where naming them would tell who did (with one
	// answer, what they answered): there only the count is given.
	Missing []string
}

// close closes an open ask (false when another path closed it first) and
// queues one results email to the asker and to every member asked.
func (s *Service) close(ctx context.Context, tx *store.DB, a *store.Ask, reason string) (bool, error) {
	// Read everything before closing: an anonymous ask's links are erased
	// by CloseAsk, and the results need only counts and comments.
	rs, err := tx.AskRecipients(ctx, a.ID)
	if err != nil {
		return false, fmt.Errorf("ask: close: %w", err)
	}
	answers, err := tx.AskAnswers(ctx, a.ID)
	if err != nil {
		return false, fmt.Errorf("ask: close: %w", err)
	}
	team, err := tx.TeamByID(ctx, a.TeamID)
	if err != nil {
		return false, fmt.Errorf("ask: close: %w", err)
	}
	closed, err := tx.CloseAsk(ctx, a.ID, s.now(), reason)
	if err != nil || !closed {
		return false, err
	}
	res := results{Team: team.Name, Asker: askerName(a), Question: a.Question, Feedback: a.Kind == store.AskFeedback,
		Anonymous: a.Anonymous, Reason: reason, Asked: len(rs)}
	names := map[int64]string{}
	var to []*store.Member
	for _, r := range rs {
		m, err := tx.MemberByID(ctx, r.MemberID)
		if err != nil {
			return false, fmt.Errorf("ask: close: %w", err)
		}
		names[m.ID] = m.Name
		to = append(to, m)
		if r.Answered {
			res.Answered++
		} else if !a.Anonymous {
			res.Missing = append(res.Missing, m.Name)
		}
	}
	res.Rows = bars(a, answers, res.Answered)
	res.Comments = comments(a, answers, names)
	send := func(email string, memberID *int64) error {
		key := "ask_results:" + strconv.FormatInt(a.ID, 10) + ":" + strings.ToLower(email)
		return s.render(ctx, tx, "ask_results", res, Outgoing{DedupKey: key, Kind: "ask_results", To: email,
			MemberID: memberID, TeamID: &a.TeamID, ReplyTo: a.AskerEmail,
			InReplyTo: s.askerMessageID(a.ID, store.AskOpen), References: []string{s.askerMessageID(a.ID, store.AskOpen)}})
	}
	if err := send(a.AskerEmail, a.AskerID); err != nil {
		return false, err
	}
	for _, m := range to {
		if m.Unsubscribed || strings.EqualFold(m.Email, a.AskerEmail) {
			continue
		}
		id := m.ID
		if err := send(m.Email, &id); err != nil {
			return false, err
		}
	}
	s.log.InfoContext(ctx, "ask closed", "ask", a.ID, "reason", reason, "answered", res.Answered, "asked", res.Asked)
	return true, nil
}

// bars counts answers per choice, with text bars of barWidth at 100% of
// the members who answered.
func bars(a *store.Ask, answers []store.AskAnswer, answered int) []row {
	counts := a.Tally(answers)
	width := 0
	for _, c := range a.Choices {
		width = max(width, min(len([]rune(c)), 24))
	}
	out := make([]row, len(counts))
	for i, n := range counts {
		pct := 0
		if answered > 0 {
			pct = (n*100 + answered/2) / answered
		}
		full := (n*barWidth + answered/2) / max(answered, 1)
		label := []rune(a.Choices[i])
		if len(label) > width {
			label = append(label[:width-1], '…')
		}
		out[i] = row{Letter: letter(i), Text: a.Choices[i], Count: n, Percent: pct,
			Label: string(label) + strings.Repeat(" ", width-len(label)),
			Bar:   strings.Repeat("█", full) + strings.Repeat("░", barWidth-full)}
	}
	return out
}

// comments lists the answers' comments: attributed with the choice when
// the ask is not anonymous, bare otherwise.
func comments(a *store.Ask, answers []store.AskAnswer, names map[int64]string) []comment {
	var out []comment
	for _, ans := range answers {
		if strings.TrimSpace(ans.Comment) == "" {
			continue
		}
		c := comment{Text: strings.TrimSpace(ans.Comment)}
		c.Indented = strings.ReplaceAll(c.Text, "\n", "\n    ")
		if !a.Anonymous && ans.MemberID != nil {
			c.Who = names[*ans.MemberID]
			var ls []string
			for _, i := range ans.Choices {
				ls = append(ls, letter(i))
			}
			c.Choice = strings.Join(ls, ", ")
		}
		out = append(out, c)
	}
	return out
}
