package meeting

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tidings-app/tidings/mail/reply"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/templates"
)

// confirmData is what meeting_confirm and meeting_ask_team render.
type confirmData struct {
	Subject   string // "Re: " and the sender's subject
	Refused   bool   // the sender may not post (meeting_refused)
	Corrected bool   // this confirms a correction
	Address   string // the ingest address the reply goes to (confirm+TOKEN for meeting_pending)
	Ingest    string // meeting_pending: the ingest address the note was sent to
	Team      string // team name
	Title     string
	Date      time.Time
	From      string // original sender, "Name" or address
	Decisions []string
	Items     []confirmItem
	Teams     []teamChoice // meeting_ask_team
	// DueExample is the due date the correction example names: the next
	// Friday after sending, in the team's zone ("Fri 4 Dec").
	DueExample string

	dedupKey string // overrides the message's idempotency key (meeting_pending)
}

type confirmItem struct {
	Owner string
	Text  string
	Due   time.Time // zero: no due date
	Done  bool
}

type teamChoice struct {
	Name, Slug, Address string
}

// confirm queues the "Filed under …" reply listing what was understood.
func (f *Filer) confirm(ctx context.Context, tx *store.DB, in *store.InboundMessage, msg *reply.Message, n *store.MeetingNote, team *store.Team, corrected bool) error {
	items, err := tx.FindActionItems(ctx, store.ActionItemFilter{NoteID: n.ID})
	if err != nil {
		return fmt.Errorf("meeting: confirm: %w", err)
	}
	members, err := tx.FindTeamMembers(ctx, team.ID)
	if err != nil {
		return fmt.Errorf("meeting: confirm: %w", err)
	}
	names := map[int64]string{}
	for _, m := range members {
		names[m.ID] = m.Name
	}
	date, now := n.MeetingDate, f.now()
	if loc, err := time.LoadLocation(team.Timezone); err == nil {
		date, now = date.In(loc), now.In(loc)
	}
	d := confirmData{Corrected: corrected, Address: f.addr.Meetings(team.Slug), Team: team.Name, Title: n.Title,
		Date: date, From: n.OriginalFromName, Decisions: n.Decisions, DueExample: nextFriday(now)}
	if d.From == "" {
		d.From = n.OriginalFrom
	}
	for _, it := range items {
		ci := confirmItem{Owner: it.OwnerText, Text: it.Text, Done: it.Status == store.ActionDone}
		if it.Due != nil {
			ci.Due = *it.Due
		}
		if it.OwnerMemberID != nil && names[*it.OwnerMemberID] != "" {
			ci.Owner = names[*it.OwnerMemberID]
		}
		d.Items = append(d.Items, ci)
	}
	return f.send(ctx, tx, "meeting_confirm", in, msg, n, d)
}

// askTeam queues the question listing the forwarder's teams' addresses.
func (f *Filer) askTeam(ctx context.Context, tx *store.DB, in *store.InboundMessage, msg *reply.Message, n *store.MeetingNote, teams []store.Team) error {
	d := confirmData{Address: f.addr.Meetings(""), Title: n.Title, Date: n.MeetingDate, From: n.OriginalFromName}
	for _, t := range teams {
		d.Teams = append(d.Teams, teamChoice{Name: t.Name, Slug: t.Slug, Address: f.addr.Meetings(t.Slug)})
	}
	return f.send(ctx, tx, "meeting_ask_team", in, msg, n, d)
}

// send renders kind (meeting_refused renders meeting_confirm with
// Refused set) and queues it as a reply in the sender's thread.
func (f *Filer) send(ctx context.Context, tx *store.DB, kind string, in *store.InboundMessage, msg *reply.Message, n *store.MeetingNote, d confirmData) error {
	name := kind
	if kind == "meeting_refused" {
		name = "meeting_confirm"
	}
	d.Subject = replySubject(msg.Subject)
	r, err := f.tmpl.Render(name, d)
	if err != nil {
		return fmt.Errorf("meeting: render %s: %w", kind, err)
	}
	// Names, titles and items can make any line long.
	text := templates.Wrap(strings.TrimRight(r.Text, " \n"), templates.TextWidth) + "\n"
	out := Outgoing{DedupKey: kind + ":" + strconv.FormatInt(in.ID, 10), Kind: kind, To: msg.From,
		Subject: r.Subject, Text: text, HTML: r.HTML}
	if d.dedupKey != "" {
		out.DedupKey = d.dedupKey
	}
	if id := strings.Trim(msg.MessageID, "<>"); id != "" {
		out.InReplyTo, out.References = id, []string{id}
	}
	if n != nil {
		out.MessageID = f.messageID(n.ID, in.ID)
		out.ReplyTo = d.Address
		out.TeamID = n.TeamID
		out.MemberID = n.ForwardedByID
	}
	if err := f.mailer.Queue(ctx, tx, out); err != nil {
		return fmt.Errorf("meeting: queue %s: %w", kind, err)
	}
	return nil
}

// nextFriday is the first Friday after t's day, as "Fri 4 Dec".
func nextFriday(t time.Time) string {
	n := (int(time.Friday) - int(t.Weekday()) + 7) % 7
	if n == 0 {
		n = 7
	}
	return t.AddDate(0, 0, n).Format("Mon 2 Jan")
}

// replySubject is "Re: " and the subject, without stacking "Re:".
func replySubject(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 3 && strings.EqualFold(s[:3], "re:") {
		return s
	}
	return "Re: " + s
}
