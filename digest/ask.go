package digest

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/tidings-app/tidings/store"
)

// Asks is the digest's view of a team's asks in a period: the results of
// asks closed in it (polls and feedback requests) and the FYIs held for
// it. The templates _digest_ask.{txt,html}.tmpl render it as the named
// templates "digest_asks_txt" and "digest_asks_html".
type Asks struct {
	Results []AskResult
	FYIs    []FYI
}

// Empty reports whether there is nothing to show.
func (a Asks) Empty() bool { return len(a.Results) == 0 && len(a.FYIs) == 0 }

// AskResult is one closed ask. For an anonymous ask Comments are bare
// texts: the digest never sees who answered what (the store no longer
// knows it once the ask is closed).
type AskResult struct {
	ID        int64
	Question  string
	Asker     string
	Feedback  bool
	Anonymous bool
	Closed    time.Time // in the team's zone
	Asked     int
	Answered  int
	Rows      []AskRow
	Comments  []string // "Ben Okafor: …", or the bare text when anonymous
}

// AskRow is one choice with its count and a text bar.
type AskRow struct {
	Letter  string
	Text    string
	Label   string // Text cut or padded to the widest choice (24 at most), for text bars
	Count   int
	Percent int
	Bar     string // 10 cells of █/░
}

// FYI is one announcement held for the digest (urgent ones were sent at
// once and are listed too, marked Urgent).
type FYI struct {
	From    string
	Subject string
	Text    string
	At      time.Time // in the team's zone
	Urgent  bool
}

// askBar is the width of the digest's text bars.
const askBar = 10

// LoadAsks reads the asks closed and the FYIs received in p for team
// teamID. Held FYIs and FYIs sent at once are both listed; pending
// (unconfirmed) ones never are.
func LoadAsks(ctx context.Context, db *store.DB, teamID int64, p Period) (Asks, error) {
	var out Asks
	loc := p.Loc
	if loc == nil {
		loc = time.UTC
	}
	closed, err := db.FindAsks(ctx, store.AskFilter{TeamID: &teamID, Status: store.AskClosed, Closed: true, Since: p.Start, Until: p.End})
	if err != nil {
		return out, fmt.Errorf("digest: asks: %w", err)
	}
	for i := len(closed) - 1; i >= 0; i-- { // oldest first
		r, err := askResult(ctx, db, &closed[i], loc)
		if err != nil {
			return out, err
		}
		out.Results = append(out.Results, r)
	}
	fyis, err := db.FindAsks(ctx, store.AskFilter{TeamID: &teamID, Kind: store.AskFYI, Since: p.Start, Until: p.End})
	if err != nil {
		return out, fmt.Errorf("digest: fyis: %w", err)
	}
	for i := len(fyis) - 1; i >= 0; i-- {
		f := fyis[i]
		if f.Status != store.AskHeld && f.Status != store.AskSent {
			continue
		}
		out.FYIs = append(out.FYIs, FYI{From: nameOr(f.AskerName, f.AskerEmail), Subject: f.Question, Text: f.Context,
			At: f.CreatedAt.In(loc), Urgent: f.Status == store.AskSent})
	}
	return out, nil
}

func askResult(ctx context.Context, db *store.DB, a *store.Ask, loc *time.Location) (AskResult, error) {
	rs, err := db.AskRecipients(ctx, a.ID)
	if err != nil {
		return AskResult{}, fmt.Errorf("digest: ask %d: %w", a.ID, err)
	}
	answers, err := db.AskAnswers(ctx, a.ID)
	if err != nil {
		return AskResult{}, fmt.Errorf("digest: ask %d: %w", a.ID, err)
	}
	r := AskResult{ID: a.ID, Question: a.Question, Asker: nameOr(a.AskerName, a.AskerEmail), Feedback: a.Kind == store.AskFeedback,
		Anonymous: a.Anonymous, Asked: len(rs)}
	if a.ClosedAt != nil {
		r.Closed = a.ClosedAt.In(loc)
	}
	for _, x := range rs {
		if x.Answered {
			r.Answered++
		}
	}
	width := 0
	for _, c := range a.Choices {
		width = max(width, min(len([]rune(c)), 24))
	}
	for i, n := range a.Tally(answers) {
		pct, cells := 0, 0
		if r.Answered > 0 {
			pct = (n*100 + r.Answered/2) / r.Answered
			cells = (n*askBar + r.Answered/2) / r.Answered
		}
		label := []rune(a.Choices[i])
		if len(label) > width {
			label = append(label[:width-1], '…')
		}
		r.Rows = append(r.Rows, AskRow{Letter: string(rune('A' + min(i, 25))), Text: a.Choices[i], Count: n, Percent: pct,
			Label: string(label) + strings.Repeat(" ", width-len(label)),
			Bar:   strings.Repeat("█", cells) + strings.Repeat("░", askBar-cells)})
	}
	for _, ans := range answers {
		c := strings.TrimSpace(ans.Comment)
		if c == "" {
			continue
		}
		if !a.Anonymous && ans.MemberID != nil {
			if m, err := db.MemberByID(ctx, *ans.MemberID); err == nil {
				c = m.Name + ": " + c
			}
		}
		r.Comments = append(r.Comments, c)
	}
	return r, nil
}

func nameOr(name, addr string) string {
	if name != "" {
		return name
	}
	return addr
}
