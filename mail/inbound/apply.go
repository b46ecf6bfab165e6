package inbound

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tidings-app/tidings/mail"
	"github.com/tidings-app/tidings/mail/reply"
	"github.com/tidings-app/tidings/store"
)

// job is one message being applied inside a transaction; tx is the only
// handle it may use.
type job struct {
	p      *Processor
	tx     *store.DB
	in     *store.InboundMessage
	msg    *reply.Message
	rcpt   mail.Recipient
	target *store.ReplyTarget
	auth   authResults
	from   *fromRef // set when sent to the From address
}

// apply decides the message's fate by its recipient and returns its status
// and reason. A non-nil error rolls the transaction back.
func (j *job) apply(ctx context.Context) (status, reason string, err error) {
	if j.isLoop() {
		return store.InboundIgnored, "loop: sent from our own domain", nil
	}
	switch j.rcpt.Kind {
	case mail.RcptReply:
		if entryID, ok := store.IsOneOnOneRef(j.rcpt.ID); ok && j.p.opts.OneOnOnes != nil {
			if j.p.opts.RequireDMARC && !j.auth.dmarcPass() {
				return store.InboundQuarantined, "DMARC did not pass: " + j.auth.DMARC, nil
			}
			return j.p.opts.OneOnOnes.ApplyReply(ctx, j.tx, j.in, entryID)
		}
		status, reason, err := j.applyReply(ctx)
		if j.from != nil {
			reason += "; sent to the From address, prompt found by reference"
		}
		return status, reason, err
	case mail.RcptFrom:
		return j.applyFrom(ctx)
	case mail.RcptSettings:
		return j.applySettingsMail(ctx)
	case mail.RcptBounce:
		return j.applyBounce(ctx)
	case mail.RcptOKRs:
		return j.applyOKRMail(ctx)
	case mail.RcptAsk, mail.RcptFYI, mail.RcptAnswer, mail.RcptAsker:
		return j.applyAsk(ctx)
	case mail.RcptMeetings, mail.RcptConfirm:
		if j.p.opts.Filer == nil {
			return store.InboundIgnored, "meetings not configured", nil
		}
		if refusal := j.requireDMARC(); refusal != "" {
			return store.InboundQuarantined, refusal, nil
		}
		return j.p.opts.Filer.FileMeeting(ctx, j.tx, j.in, j.msg, j.rcpt)
	}
	return store.InboundIgnored, "postmaster mail, kept for the operator", nil
}

// isLoop reports mail that claims to come from our own domain: our own
// prompts and digests bounced back by a forwarding rule, or a forgery.
func (j *job) isLoop() bool {
	own := strings.ToLower(j.p.opts.Addresses.Domain)
	return domainOf(j.msg.From) == own || (j.in.MailFrom != "" && domainOf(j.in.MailFrom) == own)
}

// applyReply applies a message sent to a prompt's reply address.
func (j *job) applyReply(ctx context.Context) (string, string, error) {
	t := j.target
	if t == nil {
		return store.InboundIgnored, "the prompt no longer exists", nil
	}
	isMember, err := j.fromMember(ctx)
	if err != nil {
		return "", "", err
	}
	switch j.msg.Kind {
	case reply.KindAutoReply:
		if !isMember {
			return store.InboundIgnored, "auto-reply from a non-member", nil
		}
		if _, refusal := j.tokenProof(); refusal != "" {
			return store.InboundQuarantined, refusal, nil
		}
		return j.applyAutoReply(ctx)
	case reply.KindBounce:
		return store.InboundIgnored, "delivery report sent to a reply address", nil
	}
	if !isMember {
		return j.unknownSender(ctx)
	}
	proof, refusal := j.tokenProof()
	if refusal != "" {
		return store.InboundQuarantined, refusal, nil
	}
	if t.CheckIn.Kind == store.CheckInOKR {
		return j.applyOKR(ctx)
	}
	notes, err := j.applyCommands(ctx)
	if err != nil {
		return "", "", err
	}
	cur, err := j.current(ctx)
	if err != nil {
		return "", "", err
	}
	if len(notes) == 0 && cur != nil && cur.InboundID != j.in.ID && isAck(j.msg) {
		return store.InboundIgnored, fmt.Sprintf("acknowledgement %q to a prompt already answered: nothing replaced (update %d version %d kept)",
			strings.TrimSpace(j.msg.Text), cur.ID, cur.Version), nil
	}
	if len(j.msg.Answers) > 0 {
		u, note, err := j.saveAnswers(ctx, cur, proof)
		if err != nil {
			return "", "", err
		}
		notes = append(notes, note)
		if u == nil && len(notes) == 1 {
			return store.InboundIgnored, note, nil
		}
		if u != nil {
			r, err := j.receipt(ctx, u)
			if err != nil {
				return "", "", err
			}
			if r != "" {
				notes = append(notes, r)
			}
		}
	}
	if len(notes) == 0 {
		return store.InboundIgnored, "nothing to apply (" + string(j.msg.Kind) + ")", nil
	}
	return store.InboundApplied, strings.Join(notes, "; ") + "; proof: " + proof, nil
}

// fromMember reports whether the From address is the prompt's member or
// one of the member's aliases.
func (j *job) fromMember(ctx context.Context) (bool, error) {
	m, err := j.tx.MemberByAddress(ctx, j.msg.From)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return m.ID == j.target.Member.ID, nil
}

// answeredAt is when the member wrote the reply: the Date header, unless it
// is missing or claims the future, then when we received it.
func (j *job) answeredAt() time.Time {
	if d := j.msg.Date; !d.IsZero() && !d.After(j.in.ReceivedAt) {
		return d
	}
	return j.in.ReceivedAt
}

// applyAutoReply never makes an update; an out-of-office reply with a
// return date marks the member away until the end of that day.
func (j *job) applyAutoReply(ctx context.Context) (string, string, error) {
	until, ok := j.endOfDay(j.msg.AutoReplyUntil)
	if !ok {
		return store.InboundIgnored, "auto-reply", nil
	}
	if err := j.tx.ChangeMember(ctx, j.target.Member.ID, store.MemberChange{AwayUntil: &until,
		Actor: store.ActorAutoReply, InboundID: j.in.ID}); err != nil {
		return "", "", err
	}
	return store.InboundIgnored, "auto-reply; member away until " + j.msg.AutoReplyUntil, nil
}

// endOfDay turns a YYYY-MM-DD last day into the instant it ends in the
// member's time zone.
func (j *job) endOfDay(day string) (time.Time, bool) {
	if day == "" {
		return time.Time{}, false
	}
	d, err := time.ParseInLocation("2006-01-02", day, j.target.Location())
	if err != nil {
		return time.Time{}, false
	}
	return d.AddDate(0, 0, 1), true
}

func answers(in []reply.Answer) []store.Answer {
	out := make([]store.Answer, len(in))
	for i, a := range in {
		out[i] = store.Answer{Key: a.Key, Question: a.Question, Text: a.Text}
	}
	return out
}
