package meeting

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/tidings-app/tidings/mail/reply"
	"github.com/tidings-app/tidings/store"
)

// buildNote fills a note's header fields from the message: the original's
// sender, subject and date for a forward, the message's own otherwise.
func (f *Filer) buildNote(in *store.InboundMessage, msg *reply.Message, sender *store.Member) *store.MeetingNote {
	n := &store.MeetingNote{ForwardedBy: msg.From, InboundID: in.ID, MessageID: msg.MessageID,
		OriginalFrom: msg.From, OriginalFromName: msg.FromName, OriginalSubject: msg.Subject,
		MeetingDate: msg.Date, Summary: msg.Text}
	if sender != nil {
		n.ForwardedByID = &sender.ID
	}
	if n.MessageID == "" {
		n.MessageID = in.MessageID
	}
	if fw := msg.Forwarded; fw != nil {
		n.OriginalFrom, n.OriginalFromName, n.Summary = fw.From, fw.FromName, fw.Text
		if fw.Subject != "" {
			n.OriginalSubject = fw.Subject
		}
		if t, err := time.Parse(time.RFC3339, fw.Date); err == nil {
			n.MeetingDate = t
		}
	}
	if n.MeetingDate.IsZero() {
		n.MeetingDate = in.ReceivedAt
	}
	n.MeetingDate = n.MeetingDate.UTC()
	n.Title = cleanTitle(msg.Title)
	if n.Title == "" {
		n.Title = cleanTitle(n.OriginalSubject)
	}
	if n.Title == "" {
		n.Title = "Meeting notes"
	}
	return n
}

// fileNew stores a new note under its one team, or unassigned with a
// question when several teams are possible.
func (f *Filer) fileNew(ctx context.Context, tx *store.DB, in *store.InboundMessage, msg *reply.Message, sender *store.Member, teams []store.Team) (string, string, error) {
	n := f.buildNote(in, msg, sender)
	n.Proof = store.ProofDMARC
	roster, err := rosterOf(ctx, tx, teams)
	if err != nil {
		return "", "", fmt.Errorf("meeting: file: %w", err)
	}
	notes := f.understand(n.Summary, n.MeetingDate, msg, roster)
	n.Decisions = notes.Decisions
	if len(teams) > 1 {
		n.Status = store.NoteUnassigned
		if err := tx.CreateMeetingNote(ctx, n, f.items(notes, nil)); err != nil {
			return "", "", fmt.Errorf("meeting: file: %w", err)
		}
		f.notes.WithLabelValues("unassigned").Inc()
		if err := f.askTeam(ctx, tx, in, msg, n, teams); err != nil {
			return "", "", err
		}
		return store.InboundApplied, fmt.Sprintf("meetings: note %d unassigned, asked %s which team", n.ID, msg.From), nil
	}
	n.TeamID, n.Status = &teams[0].ID, store.NoteFiled
	if err := tx.CreateMeetingNote(ctx, n, f.items(notes, roster)); err != nil {
		return "", "", fmt.Errorf("meeting: file: %w", err)
	}
	f.notes.WithLabelValues("filed").Inc()
	if err := f.confirm(ctx, tx, in, msg, n, &teams[0], false); err != nil {
		return "", "", err
	}
	return store.InboundApplied, fmt.Sprintf("meetings: note %d filed under %s", n.ID, teams[0].Slug), nil
}

// understand structures the notes against the roster; when nothing is
// found it falls back on what the reply parser extracted.
func (f *Filer) understand(text string, date time.Time, msg *reply.Message, roster *Roster) Notes {
	notes := Structure(text, date, roster.Names)
	if len(notes.Decisions)+len(notes.Items) > 0 {
		return notes
	}
	notes.Decisions = append(notes.Decisions, msg.Decisions...)
	for _, a := range msg.ActionItems {
		it := Item{Owner: a.Owner, Text: a.Text, Done: a.Done}
		if d, err := time.Parse("2006-01-02", a.Due); err == nil {
			it.Due = &d
		}
		notes.Items = append(notes.Items, it)
	}
	return notes
}

// items turns understood items into rows; owners are matched against the
// roster when there is one (a nil roster leaves them as text).
func (f *Filer) items(notes Notes, roster *Roster) []store.ActionItem {
	out := make([]store.ActionItem, 0, len(notes.Items))
	now := f.now().UTC()
	for _, it := range notes.Items {
		row := store.ActionItem{OwnerText: it.Owner, Text: it.Text, Due: it.Due, Status: store.ActionOpen}
		if id, ok := roster.Match(it.Owner); ok && it.Owner != "" {
			row.OwnerMemberID = &id
		}
		if it.Done {
			row.Status, row.DoneAt = store.ActionDone, &now
		}
		out = append(out, row)
	}
	return out
}

// rosterOf indexes the members of teams.
func rosterOf(ctx context.Context, tx *store.DB, teams []store.Team) (*Roster, error) {
	var all []store.TeamMember
	seen := map[int64]bool{}
	for _, t := range teams {
		ms, err := tx.FindTeamMembers(ctx, t.ID)
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			if !seen[m.ID] {
				seen[m.ID] = true
				all = append(all, m)
			}
		}
	}
	return NewRoster(all), nil
}

var (
	reReplyPrefix = regexp.MustCompile(`(?i)^\s*(?:re|fwd?|fw|wg|aw|tr|rv|enc|i|vs|sv|doorst|antw)\s*(?:\[\d+\])?\s*:\s*`)
	reTitlePrefix = regexp.MustCompile(`(?i)^\s*(?:(?:meeting\s+)?(?:notes|summary|recap|minutes)(?:\s+(?:for|of|from))?|recap|protokoll|notizen|compte[- ]rendu|résumé|notas|resumen|ata|acta)\s*[:\-–—]?\s+`)
	reQuoted      = regexp.MustCompile(`^\s*["“„«']([^"“”«»]+)["”“»']`)
	reTitleDate   = regexp.MustCompile(`\s*(?:[-–—|·]\s*)?\(?\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\)?\s*$`)
)

// cleanTitle removes reply and forward prefixes, "Notes:", "Meeting
// summary for", quotes and a trailing date from a subject.
func cleanTitle(s string) string {
	for {
		t := reReplyPrefix.ReplaceAllString(s, "")
		t = reTitlePrefix.ReplaceAllString(t, "")
		if t == s {
			break
		}
		s = t
	}
	s = reTitleDate.ReplaceAllString(s, "")
	if m := reQuoted.FindStringSubmatch(s); m != nil {
		s = m[1] // Notes: “Platform weekly” Nov 25, 2026
	}
	s = strings.Trim(strings.TrimSpace(s), `"“”'‘’«» `)
	return strings.Join(strings.Fields(s), " ")
}
