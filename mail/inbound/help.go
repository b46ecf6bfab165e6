package inbound

import (
	"context"
	"fmt"
	"strings"

	"github.com/tidings-app/tidings/mail/outbound"
	"github.com/tidings-app/tidings/mail/reply"
	"github.com/tidings-app/tidings/store"
)

// helpText lists what a member can write back. It names the commands
// mail/reply understands.
const helpText = `Hi %s,

You asked Tidings for help. Reply to any check-in with your answers, under
each question or after headings such as "Yesterday:", "Today:" and
"Blockers:". Write one of these on a line of its own instead to:

  skip                   skip this check-in
  ooo until Dec 3        be away (no check-ins) until a date; also "away",
                         "vacation"
  pause 2 weeks          pause check-ins for a while, or "pause" until you
                         resume
  resume                 get check-ins again (also after unsubscribing)
  done: <action item>    close an action item from a meeting
  unsubscribe            in reply to a check-in: stop that check-in's
                         prompts (elsewhere: all email)
  unsubscribe all        stop all email from Tidings; also "stop everything"
  subscribe              undo "unsubscribe"; also "resubscribe"

Your settings (yours override your team's defaults):

  timezone Berlin        your time zone: a city, or e.g. Europe/Berlin
                         ("timezone default" goes back to the team's)
  prompt at 10:00        the time your check-ins arrive
  days mon-thu           the days you work; no check-ins on other days
  digest off             no team digests ("digest default" undoes it)
  help                   get this message

Each change is confirmed by a reply that says how to undo it. You can also
send these lines to %s from your own address.

Replying to this message works like replying to the check-in.
`

// queueHelp answers a "help" command with the list of commands, threaded
// to the member's message and replying to the same prompt address. It is
// queued once per inbound message (reprocessing does not send it again).
func (j *job) queueHelp(ctx context.Context) (string, error) {
	c := j.p.opts.Composer
	if c == nil {
		return "help requested (no composer configured: not answered)", nil
	}
	m := j.target.Member
	refs := []string{}
	if j.msg.InReplyTo != "" {
		refs = append(refs, j.msg.InReplyTo)
	}
	if j.msg.MessageID != "" {
		refs = append(refs, j.msg.MessageID)
	}
	subject := "Tidings commands"
	if s := strings.TrimSpace(j.msg.Subject); s != "" {
		subject = "Re: " + strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(s, "Re: "), "RE: "))
	}
	var replyTo string
	var pid, tid *int64
	if id := j.target.Prompt.ID; id != 0 { // else replies come to the From address
		replyTo, pid = j.p.opts.Addresses.Reply(id), &id
	}
	if id := j.target.Team.ID; id != 0 {
		tid = &id
	}
	raw, msgID, err := c.Compose(outbound.Message{
		To:      []outbound.Address{{Name: m.Name, Addr: m.Email}},
		ReplyTo: replyTo,
		Subject: subject, Text: fmt.Sprintf(helpText, firstName(m.Name), "settings@"+j.p.opts.Addresses.Domain),
		InReplyTo: j.msg.MessageID, References: refs,
		Headers: []outbound.Header{{Key: "Auto-Submitted", Value: "auto-replied"}, {Key: "X-Auto-Response-Suppress", Value: "All"}},
	})
	if err != nil {
		return "", fmt.Errorf("inbound: compose help reply: %w", err)
	}
	mid := m.ID
	out := store.OutboundMessage{DedupKey: fmt.Sprintf("help:%d", j.in.ID), Kind: "help", PromptID: pid,
		MemberID: &mid, TeamID: tid, Recipient: m.Email, MessageID: msgID, Subject: subject, Raw: raw}
	if _, err := j.tx.QueueOutbound(ctx, &out); err != nil {
		return "", err
	}
	return fmt.Sprintf("help reply queued (outbound %d)", out.ID), nil
}

// firstName is the first word of a display name, or "there".
func firstName(name string) string {
	if f := strings.Fields(name); len(f) > 0 {
		return f[0]
	}
	return "there"
}

// wantsHelp reports whether msg asks for help.
func wantsHelp(msg *reply.Message) bool {
	for _, c := range msg.Commands {
		if c.Name == "help" {
			return true
		}
	}
	return false
}
