package ask

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/templates"
)

// choice is one choice as shown: "B) Porto".
type choice struct {
	Letter string
	Text   string
}

// view is what ask_confirm, ask_question and fyi render.
type view struct {
	Subject      string // ask_confirm: "Re: " and the asker's subject
	Title        string // ask_confirm's heading
	Team         string
	Asker        string
	Question     string
	Context      string
	Choices      []choice
	Example      string // "B" or "A, C"
	Multiple     bool
	Anonymous    bool
	Feedback     bool
	FYI          bool
	Urgent       bool
	Pending      bool
	Reminder     bool
	Count        int      // members asked
	Names        []string // their names, for the asker
	Digest       string   // the team's digest schedule ("fri 17:00")
	Deadline     string   // in the reader's zone
	DeadlineHTML string   // the same with non-breaking spaces
	// DefaultDeadline: the asker gave none.
	DefaultDeadline bool
	Attachments     []string // attached file names
	TooLarge        []string // named, not attached
}

func (s *Service) baseView(a *store.Ask, team *store.Team) view {
	v := view{Team: team.Name, Asker: askerName(a), Question: a.Question, Context: a.Context,
		Multiple: a.Multiple, Anonymous: a.Anonymous, Feedback: a.Kind == store.AskFeedback,
		FYI: a.Kind == store.AskFYI, Urgent: a.Urgent}
	if d := []rune(team.DigestSchedule); len(d) > 0 {
		v.Digest = "next digest " + string(unicode.ToUpper(d[0])) + string(d[1:])
	}
	for i, c := range a.Choices {
		v.Choices = append(v.Choices, choice{Letter: letter(i), Text: c})
	}
	v.Example = "B"
	if len(a.Choices) < 2 {
		v.Example = "A"
	}
	if a.Multiple && len(a.Choices) > 2 {
		v.Example = "A, C"
	}
	return v
}

// letter is the label of choice i: A, B, … Z, then 27, 28, ….
func letter(i int) string {
	if i < 26 {
		return string(rune('A' + i))
	}
	return strconv.Itoa(i + 1)
}

// deadline says a's deadline for a reader in zone reader ("" for the
// team's): "Thu 3 Dec, 17:00 Lisbon time", and in the reader's own time
// when that differs: "… (Fri 4 Dec, 01:00 your time)".
func deadline(a *store.Ask, team *store.Team, reader string, nbsp bool) string {
	home := loadLoc(team.Timezone)
	r := home
	if reader != "" {
		r = loadLoc(reader)
	}
	h, l := a.Deadline.In(home), a.Deadline.In(r)
	s := h.Format("Mon 2 Jan, 15:04") + " " + templates.ZoneOf(h) + " time"
	if l.Format("Mon 2 Jan 15:04") != h.Format("Mon 2 Jan 15:04") {
		s += " (" + l.Format("Mon 2 Jan, 15:04") + " your time)"
	}
	if nbsp {
		s = templates.NBSP(s)
	}
	return s
}

func loadLoc(name string) *time.Location {
	if loc, err := time.LoadLocation(name); err == nil {
		return loc
	}
	return time.UTC
}

// confirm queues the reply to the asker in their thread: what was (or,
// when pending, will be) sent, to how many, and the deadline. A pending
// confirmation asks for a reply, which proves the From address.
func (s *Service) confirm(ctx context.Context, tx *store.DB, a *store.Ask, team *store.Team, count int, pending bool) error {
	v := s.baseView(a, team)
	v.Pending, v.Count = pending, count
	rs, err := tx.AskRecipients(ctx, a.ID)
	if err != nil {
		return fmt.Errorf("ask: confirm: %w", err)
	}
	for _, r := range rs {
		m, err := tx.MemberByID(ctx, r.MemberID)
		if err != nil {
			return fmt.Errorf("ask: confirm: %w", err)
		}
		v.Names = append(v.Names, m.Name)
	}
	v.Subject = replySubject(a.Question)
	v.Deadline, v.DeadlineHTML = deadline(a, team, "", false), deadline(a, team, "", true)
	v.DefaultDeadline = a.DeadlineText == ""
	for _, f := range a.Attachments {
		v.Attachments = append(v.Attachments, f.Filename)
	}
	switch {
	case pending:
		v.Title = "Confirm before it goes to the " + team.Name + " team"
	case v.FYI && v.Urgent:
		v.Title = "Sent to the " + team.Name + " team"
	case v.FYI:
		v.Title = "Held for the " + team.Name + " digest"
	default:
		v.Title = fmt.Sprintf("Asked %d member%s of the %s team", count, plural(count), team.Name)
	}
	key := "ask_confirm:" + strconv.FormatInt(a.ID, 10) + ":" + a.Status
	out := Outgoing{DedupKey: key, Kind: "ask_confirm", To: a.AskerEmail, MemberID: a.AskerID, TeamID: &a.TeamID,
		MessageID: s.askerMessageID(a.ID, a.Status), ReplyTo: s.addr.Asker(a.ID)}
	if a.MessageID != "" {
		out.InReplyTo, out.References = a.MessageID, []string{a.MessageID}
	}
	return s.render(ctx, tx, "ask_confirm", v, out)
}

// askerMessageID is the Message-ID of a message in the asker's thread.
func (s *Service) askerMessageID(askID int64, step string) string {
	return "ask." + strconv.FormatInt(askID, 10) + "." + step + "." + s.addr.Signer.Token("ask-thread", askID) + "@" + s.addr.Domain
}

// questionMessageID is the Message-ID of a member's copy; reminders
// reply to it.
func (s *Service) questionMessageID(recipientID int64) string {
	return s.addr.AnswerMessageID(recipientID)
}

// sendCopies queues the question (or reminder, or urgent FYI) to each of
// rs; a reminder skips members who answered or are away or paused.
func (s *Service) sendCopies(ctx context.Context, tx *store.DB, a *store.Ask, team *store.Team, rs []store.AskRecipient, reminder bool) error {
	atts, names, large, err := s.attachments(ctx, tx, a)
	if err != nil {
		return err
	}
	now := s.now()
	// The team's members with the pause and away in force for the team,
	// read once; a recipient who left the team since is read alone.
	members, err := tx.FindTeamMembers(ctx, team.ID)
	if err != nil {
		return fmt.Errorf("ask: copies: %w", err)
	}
	inTeam := make(map[int64]*store.Member, len(members))
	for i := range members {
		inTeam[members[i].ID] = &members[i].Member
	}
	for _, r := range rs {
		if reminder && r.Answered {
			continue
		}
		m, ok := inTeam[r.MemberID]
		if !ok {
			if m, err = tx.MemberByID(ctx, r.MemberID); err != nil {
				return fmt.Errorf("ask: copies: %w", err)
			}
		}
		if m.Unsubscribed || (reminder && (after(m.AwayUntil, now) || after(m.PausedUntil, now))) {
			continue
		}
		v := s.baseView(a, team)
		v.Reminder, v.Attachments, v.TooLarge = reminder, names, large
		zone := m.Timezone
		v.Deadline, v.DeadlineHTML = deadline(a, team, zone, false), deadline(a, team, zone, true)
		rid := r.ID
		out := Outgoing{Kind: "ask_question", To: m.Email, MemberID: &m.ID, TeamID: &a.TeamID,
			ReplyTo: s.addr.Answer(rid), Attachments: atts}
		name := "ask_question"
		switch {
		case a.Kind == store.AskFYI:
			name, out.Kind, out.ReplyTo = "fyi", "fyi", a.AskerEmail
			out.DedupKey = "fyi:" + strconv.FormatInt(rid, 10)
		case reminder:
			out.Kind, out.Attachments = "ask_reminder", nil
			out.DedupKey = "ask_reminder:" + strconv.FormatInt(rid, 10)
			id := s.questionMessageID(rid)
			out.InReplyTo, out.References = id, []string{id}
			v.Attachments = nil
		default:
			out.DedupKey = "ask_question:" + strconv.FormatInt(rid, 10)
			out.MessageID = s.questionMessageID(rid)
		}
		if err := s.render(ctx, tx, name, v, out); err != nil {
			return err
		}
	}
	return nil
}

func after(t *time.Time, now time.Time) bool { return t != nil && t.After(now) }

// render renders name with v into out and queues it.
func (s *Service) render(ctx context.Context, tx *store.DB, name string, v any, out Outgoing) error {
	r, err := s.tmpl.Render(name, v)
	if err != nil {
		return fmt.Errorf("ask: render %s: %w", name, err)
	}
	out.Subject = r.Subject
	out.Text = templates.Wrap(strings.TrimRight(r.Text, " \n"), templates.TextWidth) + "\n"
	out.HTML = r.HTML
	if err := s.mailer.Queue(ctx, tx, out); err != nil {
		return fmt.Errorf("ask: queue %s: %w", out.Kind, err)
	}
	return nil
}

// replySubject is "Re: " and the subject, without stacking "Re:".
func replySubject(subj string) string {
	subj = strings.TrimSpace(subj)
	if len(subj) >= 3 && strings.EqualFold(subj[:3], "re:") {
		return subj
	}
	return "Re: " + subj
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
