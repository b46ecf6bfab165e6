package outbound

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tidings-app/tidings/mail"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/templates"
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
	id, _ := p.threadIDs(promptID)
	return id
}

// threadIDs returns the prompt's Message-ID and the fallback References
// entry ("reply-TOKEN@domain") that leads a reply to its prompt even when
// the client dropped Reply-To, from one token.
func (p *Prompter) threadIDs(promptID int64) (msgID, key string) {
	tok := p.opts.Addresses.Signer.Token(mail.PurposeReply, promptID)
	at := "@" + p.opts.Addresses.Domain
	return "prompt-" + strconv.FormatInt(promptID, 10) + "-" + tok + at, "reply-" + tok + at
}

// UnsubscribeURL is the one-click unsubscribe link of a member.
func (p *Prompter) UnsubscribeURL(memberID int64) string {
	return p.opts.PublicURL + "/u/" + p.opts.Addresses.Signer.Token(PurposeUnsubscribe, memberID)
}

// listHeaders are the headers every automated message carries (RFC 3834,
// RFC 8058, Microsoft's auto-reply suppression).
// unsubURL is the member's UnsubscribeURL and reply the prompt's Reply-To
// address ("" for mail without a prompt).
func listHeaders(unsubURL, reply string) []Header {
	unsub := "<" + unsubURL + ">"
	if reply != "" {
		unsub += ", <mailto:" + reply + "?subject=unsubscribe>"
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
	v := promptView{Title: checkInTitle(c.Name), TeamName: shortTeam(ts.Team.Name), FirstName: firstName(*m), Team: teamPhrase(ts.Team.Name),
		Greeting: greeting(due), Due: due, Closes: pr.ExpiresAt.In(loc), Questions: c.Questions,
		Hint: hints(c.Questions), Items: items(open, loc), AwayExample: awayExample(due),
		UnsubscribeURL: p.CheckInUnsubscribeURL(c.ID, m.ID)}
	v.TitleLower = strings.ToLower(v.Title)
	if p.opts.PageLink != nil {
		v.PageURL = p.opts.PageLink(ts.Team.Slug, pr.ID, m.ID)
	}
	v.Until = until(v.Due, v.Closes)
	v.Count = strconv.Itoa(len(c.Questions))
	if len(c.Questions) < len(counts) {
		v.Count = counts[len(c.Questions)]
	}
	if ts.Team.DigestSchedule != "" {
		home, err := p.location(ts.Team.Timezone)
		if err != nil {
			home = loc
		}
		v.Digest = describeDigest(ts.Team.DigestSchedule, home, loc, pr.DueAt)
	}
	return v
}

// promptMessage renders and composes the first prompt of pr.
func (p *Prompter) promptMessage(ts *store.TeamSchedule, c *store.CheckIn, o occurrence, pr *store.Prompt, open []store.ActionItemNote) (*store.OutboundMessage, error) {
	v := p.promptView(ts, c, &o.member.Member, pr, o.loc, open)
	id, key := p.threadIDs(pr.ID)
	msg := Message{MessageID: id, References: []string{key}}
	return p.compose(KindPrompt, "prompt:"+strconv.FormatInt(pr.ID, 10), &o.member.Member, pr, msg, v, v.UnsubscribeURL)
}

// compose renders template kind with v and composes msg around it into an
// OutboundMessage with the dedup key; unsubURL is the member's
// UnsubscribeURL.
func (p *Prompter) compose(kind, key string, m *store.Member, pr *store.Prompt, msg Message, v any, unsubURL string) (*store.OutboundMessage, error) {
	r, err := p.opts.Templates.Render(kind, v)
	if err != nil {
		return nil, fmt.Errorf("outbound: render %s: %w", kind, err)
	}
	msg.To = []Address{{Name: m.Name, Addr: m.Email}}
	msg.Subject = r.Subject
	// Define blocks leave blank lines; members' words (questions, item
	// texts) can make any line long.
	msg.Text = templates.Wrap(strings.TrimRight(r.Text, " \n"), templates.TextWidth) + "\n"
	msg.HTML = strings.TrimRight(r.HTML, " \n") + "\n"
	out := &store.OutboundMessage{DedupKey: key, Kind: kind, MemberID: &m.ID, Recipient: m.Email, Subject: msg.Subject}
	if pr != nil {
		msg.ReplyTo = p.opts.Addresses.Reply(pr.ID)
		out.PromptID, out.TeamID = &pr.ID, &pr.TeamID
	}
	msg.Headers = listHeaders(unsubURL, msg.ReplyTo)
	if out.Raw, out.MessageID, err = p.opts.Composer.Compose(msg); err != nil {
		return nil, err
	}
	return out, nil
}

// queueReminders queues one reminder, in the prompt's thread, for each
// sent and unanswered prompt whose reminder delay has passed while its
// window is open.
func (p *Prompter) queueReminders(ctx context.Context, r *run) error {
	due, err := p.db.DueReminders(ctx, r.now)
	if err != nil {
		return fmt.Errorf("outbound: reminders: %w", err)
	}
	for i := range due {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("outbound: reminders: %w", err)
		}
		// As for prompts, a started transaction is not cut by ctx.
		sctx := context.WithoutCancel(ctx)
		var out *store.OutboundMessage
		err := p.db.InTx(sctx, func(tx *store.DB) error {
			var err error
			out, err = p.remind(sctx, tx, &due[i], r)
			return err
		})
		if err != nil {
			return fmt.Errorf("outbound: reminder for prompt %d: %w", due[i].Prompt.ID, err)
		}
		if out != nil {
			r.handOff([]*store.OutboundMessage{out})
		}
	}
	return nil
}

// remind queues the reminder of one prompt in tx and returns it when it
// created it.
func (p *Prompter) remind(ctx context.Context, tx *store.DB, d *store.DueReminder, r *run) (*store.OutboundMessage, error) {
	now := r.now
	ok, err := tx.MarkReminded(ctx, d.Prompt.ID, now)
	if err != nil || !ok {
		return nil, err
	}
	m, err := tx.MemberByID(ctx, d.Prompt.MemberID)
	if err != nil {
		return nil, err
	}
	sup, err := tx.Suppressed(ctx, m.Email)
	if err != nil {
		return nil, err
	}
	if kind, _ := memberSkip(m, now, sup); kind != "" {
		r.sum.Skipped["reminder "+kind]++
		return nil, nil
	}
	if stopped, err := tx.OptedOut(ctx, m.ID, store.OptoutPrompts, d.CheckIn.ID); err != nil || stopped {
		if stopped {
			r.sum.Skipped["reminder unsubscribed"]++
		}
		return nil, err
	}
	team, err := tx.TeamByID(ctx, d.Prompt.TeamID)
	if err != nil {
		return nil, err
	}
	zone := m.Timezone
	if zone == "" {
		zone = team.Timezone
	}
	loc, err := p.location(zone)
	if err != nil {
		return nil, err
	}
	open, err := tx.OpenPromptItems(ctx, m.ID) // meeting items and the member's own 1:1 items
	if err != nil {
		return nil, err
	}
	v := p.promptView(&store.TeamSchedule{Team: *team}, &d.CheckIn, m, &d.Prompt, loc, open)
	parent, key := p.threadIDs(d.Prompt.ID)
	if d.Prompt.MessageID != "" {
		parent = d.Prompt.MessageID
	}
	msg := Message{InReplyTo: parent, References: []string{parent, key}}
	out, err := p.compose(KindReminder, "reminder:"+strconv.FormatInt(d.Prompt.ID, 10), m, &d.Prompt, msg, v, v.UnsubscribeURL)
	if err != nil {
		return nil, err
	}
	out.Status = r.status()
	created, err := tx.QueueOutbound(ctx, out)
	if err != nil || !created {
		return nil, err
	}
	r.sum.Reminders++
	return out, nil
}
