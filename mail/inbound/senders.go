package inbound

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/tidings-app/tidings/mail/outbound"
	"github.com/tidings-app/tidings/mail/reply"
	"github.com/tidings-app/tidings/store"
)

// queueReply queues a reply to the member's known address, threaded to the
// message being processed and answering to the same prompt address; once
// per inbound message and kind.
func (j *job) queueReply(ctx context.Context, kind, subject, text string) (string, error) {
	m := j.target.Member
	return j.queueMail(ctx, kind, outbound.Address{Name: m.Name, Addr: m.Email}, subject, text, true)
}

// queueMail queues a message to one address. threaded makes it a reply to
// the message being processed (its subject, In-Reply-To and References);
// the dedup key is KIND:INBOUND-ID, so reprocessing never sends it twice.
func (j *job) queueMail(ctx context.Context, kind string, to outbound.Address, subject, text string, threaded bool) (string, error) {
	c := j.p.opts.Composer
	if c == nil {
		return kind + " reply not sent (no composer configured)", nil
	}
	msg := outbound.Message{To: []outbound.Address{to}, Subject: subject, Text: text,
		Headers: []outbound.Header{{Key: "Auto-Submitted", Value: "auto-replied"}, {Key: "X-Auto-Response-Suppress", Value: "All"}}}
	var pid, tid *int64
	if id := j.target.Prompt.ID; id != 0 {
		msg.ReplyTo, pid = j.p.opts.Addresses.Reply(id), &id
	}
	if id := j.target.Team.ID; id != 0 {
		tid = &id
	}
	if threaded {
		if s := strings.TrimSpace(j.msg.Subject); s != "" {
			msg.Subject = "Re: " + strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(s, "Re: "), "RE: "))
		}
		if j.msg.InReplyTo != "" {
			msg.References = append(msg.References, j.msg.InReplyTo)
		}
		if j.msg.MessageID != "" {
			msg.InReplyTo = j.msg.MessageID
			msg.References = append(msg.References, j.msg.MessageID)
		}
	}
	raw, msgID, err := c.Compose(msg)
	if err != nil {
		return "", fmt.Errorf("inbound: compose %s reply: %w", kind, err)
	}
	mid := j.target.Member.ID
	out := store.OutboundMessage{DedupKey: fmt.Sprintf("%s:%d", kind, j.in.ID), Kind: kind, PromptID: pid,
		MemberID: &mid, TeamID: tid, Recipient: to.Addr, MessageID: msgID, Subject: msg.Subject, Raw: raw}
	if _, err := j.tx.QueueOutbound(ctx, &out); err != nil {
		return "", err
	}
	return fmt.Sprintf("%s reply queued to %s (outbound %d)", kind, to.Addr, out.ID), nil
}

// confirmURL is the link that settles confirmation id.
func (j *job) confirmURL(id int64) string {
	base := j.p.opts.PublicURL
	if base == "" {
		base = "https://" + j.p.opts.Addresses.Domain
	}
	return outbound.ConfirmURL(base, j.p.opts.Addresses.Signer, id)
}

// unknownSender handles a reply to a valid prompt token from an address
// that is not the member's. Another member's address stays quarantined.
// A stranger address is held (quarantined) until the member confirms, by a
// link sent to their known address, that it is theirs: then it becomes an
// alias and the message is processed again. When DMARC passed for the
// stranger address, it is asked once "Is it yours?"; without DMARC nothing
// goes to it (no backscatter), and the member's known address gets one
// notice. Each decision is recorded in the reason and the member's history.
func (j *job) unknownSender(ctx context.Context) (string, string, error) {
	from := strings.ToLower(j.msg.From)
	m := j.target.Member
	if other, err := j.tx.MemberByAddress(ctx, from); err == nil && other.ID != m.ID {
		return store.InboundQuarantined, fmt.Sprintf("sender %s is another member, not the prompt's member", from), nil
	} else if err != nil && !errors.Is(err, store.ErrNotFound) {
		return "", "", err
	}
	if from == "" || j.msg.Kind == reply.KindAutoReply || j.msg.Kind == reply.KindBounce {
		return store.InboundQuarantined, fmt.Sprintf("sender %s is not the prompt's member", from), nil
	}
	c := store.Confirmation{Kind: store.ConfirmAlias, MemberID: m.ID, Address: from, InboundID: j.in.ID}
	first, err := j.tx.AskConfirmation(ctx, &c)
	if err != nil {
		return "", "", err
	}
	reason := fmt.Sprintf("sender %s is not the prompt's member; held until %s confirms the address", from, m.Email)
	if !first {
		return store.InboundQuarantined, reason + " (asked already)", nil
	}
	link := j.confirmURL(c.ID)
	known := fmt.Sprintf(unknownNotice, firstName(m.Name), from, link)
	n1, err := j.queueMail(ctx, "confirm-address", outbound.Address{Name: m.Name, Addr: m.Email},
		"Was this you? A reply to your check-in came from "+from, known, false)
	if err != nil {
		return "", "", err
	}
	decision := "no DMARC pass for " + from + ": nothing sent to it; notice with a confirmation link sent to " + m.Email
	notes := []string{n1}
	if j.auth.dmarcPass() {
		ask := fmt.Sprintf(strangerQuestion, m.Name, maskAddress(m.Email))
		n2, err := j.queueMail(ctx, "ask-address", outbound.Address{Addr: from}, "Is this address yours?", ask, true)
		if err != nil {
			return "", "", err
		}
		decision = "DMARC passed for " + from + ": asked it once and sent a confirmation link to " + m.Email
		notes = append(notes, n2)
	}
	e := store.MemberEvent{MemberID: m.ID, Actor: store.ActorEmail, Action: "unknown address", Detail: decision, InboundID: &j.in.ID}
	if err := j.tx.RecordEvents(ctx, e); err != nil {
		return "", "", err
	}
	return store.InboundQuarantined, reason + "; " + decision + "; " + strings.Join(notes, "; "), nil
}

const unknownNotice = `Hi %s,

A reply to your check-in came from %s, an address Tidings does not know
as yours. It has not been used.

If it was you, confirm here and Tidings will accept that address from now
on and apply the reply:

  %s

If it was not you, ignore this message: nothing will change.
`

const strangerQuestion = `Hello,

We don't know this address. Is it yours, %s?

Tidings received your reply to a check-in from this address. To keep
updates from being sent in someone else's name, we sent a confirmation
link to your usual address (%s). Click it there and your
reply will be applied; this address will then work too.
`

// maskAddress shows enough of an address to recognise it: "a***@example.com".
func maskAddress(a string) string {
	at := strings.LastIndexByte(a, '@')
	if at <= 0 {
		return a
	}
	return a[:1] + "***" + a[at:]
}

// applySettingsMail handles a message to settings@DOMAIN: member commands
// from a member's address. Without a reply token it needs proof: DMARC
// pass, a reference to mail we sent the member, or the member's click on a
// confirmation link sent to their known address (then it is processed
// again). Strangers get nothing back.
func (j *job) applySettingsMail(ctx context.Context) (string, string, error) {
	if j.msg.Kind == reply.KindBounce || j.msg.Kind == reply.KindAutoReply {
		return store.InboundIgnored, "automatic message sent to settings@", nil
	}
	m, err := j.tx.MemberByAddress(ctx, j.msg.From)
	if errors.Is(err, store.ErrNotFound) {
		return store.InboundIgnored, "settings from " + j.msg.From + ", who is not a member: not answered", nil
	}
	if err != nil {
		return "", "", err
	}
	if j.target, err = j.tx.MemberTarget(ctx, m.ID); err != nil {
		return "", "", err
	}
	if len(j.msg.Commands) == 0 {
		return store.InboundIgnored, "no command in a message to settings@", nil
	}
	proven := j.auth.dmarcPass()
	if !proven {
		ref := j.p.fromReference(j.in.Raw)
		if proven, err = j.tx.SentToMember(ctx, m.ID, ref.ids); err != nil {
			return "", "", err
		}
	}
	if !proven {
		if proven, err = j.tx.SettingsConfirmed(ctx, j.in.ID); err != nil {
			return "", "", err
		}
	}
	if !proven {
		c := store.Confirmation{Kind: store.ConfirmSettings, MemberID: m.ID, Address: j.msg.From, InboundID: j.in.ID}
		if _, err := j.tx.AskConfirmation(ctx, &c); err != nil {
			return "", "", err
		}
		text := fmt.Sprintf(settingsConfirm, firstName(m.Name), j.msg.From, commandList(j.msg.Commands), j.confirmURL(c.ID))
		n, err := j.queueMail(ctx, "confirm-settings", outbound.Address{Name: m.Name, Addr: m.Email},
			"Confirm your Tidings settings change", text, false)
		if err != nil {
			return "", "", err
		}
		return store.InboundQuarantined, "settings without DMARC pass or a reply token: held until " + m.Email +
			" confirms by link; " + n, nil
	}
	notes, err := j.applyCommands(ctx)
	if err != nil {
		return "", "", err
	}
	if len(notes) == 0 {
		return store.InboundIgnored, "nothing to apply (settings@)", nil
	}
	return store.InboundApplied, strings.Join(notes, "; ") + " (settings@)", nil
}

const settingsConfirm = `Hi %s,

Tidings received a settings change from %s:

%s
To make sure it was you, confirm here and it will be applied:

  %s

If it was not you, ignore this message: nothing will change.
`

func commandList(cs []reply.Command) string {
	var b strings.Builder
	for _, c := range cs {
		b.WriteString("  " + strings.ReplaceAll(c.Name, "_", " "))
		if c.Text != "" {
			b.WriteString(" " + c.Text)
		}
		if c.Until != "" {
			b.WriteString(" until " + c.Until)
		}
		b.WriteString("\n")
	}
	return b.String()
}
