package outbound

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tidings-app/tidings/mail"
	"github.com/tidings-app/tidings/store"
)

// PurposeUnsubscribe is the token namespace of unsubscribe links (ID is
// the member's).
const PurposeUnsubscribe mail.Purpose = "unsubscribe"

// Outbound message kinds (store.OutboundMessage.Kind).
const (
	KindPrompt   = "prompt"
	KindReminder = "reminder"
	KindWelcome  = "welcome"
)

// PromptMessageID is the deterministic Message-ID of a prompt (without
// angle brackets): "prompt-ID-TOKEN@domain".
func (p *Prompter) PromptMessageID(promptID int64) string {
	tok := p.opts.Addresses.Signer.Token(mail.PurposeReply, promptID)
	return "prompt-" + strconv.FormatInt(promptID, 10) + "-" + tok + "@" + p.opts.Addresses.Domain
}

// threadKey is the fallback References entry that leads a reply to its
// prompt even when the client dropped Reply-To.
func (p *Prompter) threadKey(promptID int64) string {
	return "reply-" + p.opts.Addresses.Signer.Token(mail.PurposeReply, promptID) + "@" + p.opts.Addresses.Domain
}

// UnsubscribeURL is the one-click unsubscribe link of a member.
func (p *Prompter) UnsubscribeURL(memberID int64) string {
	return p.opts.PublicURL + "/u/" + p.opts.Addresses.Signer.Token(PurposeUnsubscribe, memberID)
}

// listHeaders are the headers every automated message carries (RFC 3834,
// RFC 8058, Microsoft's auto-reply suppression).
func (p *Prompter) listHeaders(memberID, promptID int64) []Header {
	unsub := "<" + p.UnsubscribeURL(memberID) + ">"
	if promptID != 0 {
		unsub += ", <mailto:" + p.opts.Addresses.Reply(promptID) + "?subject=unsubscribe>"
	}
	return []Header{
		{"Auto-Submitted", "auto-generated"},
		{"X-Auto-Response-Suppress", "All"},
		{"List-Unsubscribe", unsub},
		{"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"},
	}
}

func (p *Prompter) promptView(ts *store.TeamSchedule, c *store.CheckIn, m *store.Member, pr *store.Prompt, loc *time.Location, open []store.ActionItemNote) promptView {
	due := pr.DueAt.In(loc)
	v := promptView{Title: checkInTitle(c.Name), FirstName: firstName(*m), Team: teamPhrase(ts.Team.Name),
		Greeting: greeting(due), Due: due, Closes: pr.ExpiresAt.In(loc), Questions: c.Questions,
		Hint: hints(c.Questions), Items: items(open, loc), AwayExample: awayExample(due),
		UnsubscribeURL: p.UnsubscribeURL(m.ID)}
	v.TitleLower = strings.ToLower(v.Title)
	v.Count = strconv.Itoa(len(c.Questions))
	if len(c.Questions) < len(counts) {
		v.Count = counts[len(c.Questions)]
	}
	if ts.Team.DigestSchedule != "" {
		v.Digest = describeSchedule(ts.Team.DigestSchedule)
	}
	return v
}

// promptMessage renders and composes the first prompt of pr.
func (p *Prompter) promptMessage(ts *store.TeamSchedule, c *store.CheckIn, o occurrence, pr *store.Prompt, open []store.ActionItemNote) (*store.OutboundMessage, error) {
	v := p.promptView(ts, c, &o.member.Member, pr, o.loc, open)
	msg := Message{MessageID: p.PromptMessageID(pr.ID), References: []string{p.threadKey(pr.ID)}}
	return p.compose(KindPrompt, "prompt:"+strconv.FormatInt(pr.ID, 10), &o.member.Member, pr, msg, v)
}

// compose renders template kind with v and composes msg around it into an
// OutboundMessage with the dedup key.
func (p *Prompter) compose(kind, key string, m *store.Member, pr *store.Prompt, msg Message, v any) (*store.OutboundMessage, error) {
	r, err := p.opts.Templates.Render(kind, v)
	if err != nil {
		return nil, fmt.Errorf("outbound: render %s: %w", kind, err)
	}
	msg.To = []Address{{Name: m.Name, Addr: m.Email}}
	msg.Subject = r.Subject
	msg.Text = strings.TrimRight(r.Text, " \n") + "\n" // define blocks leave blank lines
	msg.HTML = strings.TrimRight(r.HTML, " \n") + "\n"
	out := &store.OutboundMessage{DedupKey: key, Kind: kind, MemberID: &m.ID, Recipient: m.Email, Subject: msg.Subject}
	var promptID int64
	if pr != nil {
		msg.ReplyTo = p.opts.Addresses.Reply(pr.ID)
		promptID = pr.ID
		out.PromptID, out.TeamID = &pr.ID, &pr.TeamID
	}
	msg.Headers = p.listHeaders(m.ID, promptID)
	if out.Raw, out.MessageID, err = p.opts.Composer.Compose(msg); err != nil {
		return nil, err
	}
	return out, nil
}

// queueReminders queues one reminder, in the prompt's thread, for each
// sent and unanswered prompt whose reminder delay has passed while its
// window is open.
func (p *Prompter) queueReminders(ctx context.Context, now time.Time, sum *Summary) error {
	due, err := p.db.DueReminders(ctx, now)
	if err != nil {
		return fmt.Errorf("outbound: reminders: %w", err)
	}
	for i := range due {
		err := p.db.InTx(ctx, func(tx *store.DB) error { return p.remind(ctx, tx, &due[i], now, sum) })
		if err != nil {
			return fmt.Errorf("outbound: reminder for prompt %d: %w", due[i].Prompt.ID, err)
		}
	}
	return nil
}

func (p *Prompter) remind(ctx context.Context, tx *store.DB, d *store.DueReminder, now time.Time, sum *Summary) error {
	ok, err := tx.MarkReminded(ctx, d.Prompt.ID, now)
	if err != nil || !ok {
		return err
	}
	m, err := tx.MemberByID(ctx, d.Prompt.MemberID)
	if err != nil {
		return err
	}
	sup, err := tx.Suppressed(ctx, m.Email)
	if err != nil {
		return err
	}
	if kind, _ := memberSkip(m, now, sup); kind != "" {
		sum.Skipped["reminder "+kind]++
		return nil
	}
	team, err := tx.TeamByID(ctx, d.Prompt.TeamID)
	if err != nil {
		return err
	}
	zone := m.Timezone
	if zone == "" {
		zone = team.Timezone
	}
	loc, err := p.location(zone)
	if err != nil {
		return err
	}
	open, err := tx.OpenActionItems(ctx, m.ID)
	if err != nil {
		return err
	}
	v := p.promptView(&store.TeamSchedule{Team: *team}, &d.CheckIn, m, &d.Prompt, loc, open)
	parent := d.Prompt.MessageID
	if parent == "" {
		parent = p.PromptMessageID(d.Prompt.ID)
	}
	msg := Message{InReplyTo: parent, References: []string{parent, p.threadKey(d.Prompt.ID)}}
	out, err := p.compose(KindReminder, "reminder:"+strconv.FormatInt(d.Prompt.ID, 10), m, &d.Prompt, msg, v)
	if err != nil {
		return err
	}
	created, err := tx.QueueOutbound(ctx, out)
	if created {
		sum.Reminders++
	}
	return err
}
