package inbound

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/emersion/go-message"
	msgmail "github.com/emersion/go-message/mail"
	"github.com/tidings-app/tidings/mail/reply"
	"github.com/tidings-app/tidings/store"
)

// maxThreadIDs bounds the references looked at (a References field can be
// long; the prompt is among the newest), keeping the work per message small.
const maxThreadIDs = 50

// fromRef is what the thread fields of a message sent to the From address
// (checkins@) say: the prompt they name, if any.
type fromRef struct {
	ids      []string // In-Reply-To, then References newest first; distinct, no brackets
	promptID int64
	bad      int // ids of a prompt form whose token did not verify
	found    bool
}

// fromReference reads In-Reply-To and References and looks for a prompt
// reference (mail.Addresses.PromptReference): the prompt's Message-ID or
// the reply-TOKEN key every prompt carries in References. The newest
// reference wins, so a reply in a thread spanning several prompts goes to
// the latest.
func (p *Processor) fromReference(raw []byte) *fromRef {
	r := &fromRef{}
	if h, err := readHeader(raw); err == nil {
		mh := msgmail.Header{Header: message.Header{Header: h}}
		r.ids = msgIDs(mh, "In-Reply-To")
		r.ids = r.ids[:min(len(r.ids), maxThreadIDs)]
		refs := msgIDs(mh, "References")
		slices.Reverse(refs)
		for _, id := range refs {
			if len(r.ids) == maxThreadIDs {
				break
			}
			if !slices.Contains(r.ids, id) {
				r.ids = append(r.ids, id)
			}
		}
	}
	r.promptID, r.bad, r.found = p.opts.Addresses.PromptReference(r.ids)
	return r
}

// msgIDs returns the Message-IDs of field k, falling back to its
// whitespace-separated words when it does not parse.
func msgIDs(h msgmail.Header, k string) []string {
	ids, err := h.MsgIDList(k)
	if err == nil {
		return ids
	}
	var out []string
	for _, w := range strings.Fields(h.Get(k)) {
		out = append(out, strings.Trim(w, "<>,"))
	}
	return out
}

// applyFrom handles a message sent to the From address that names no
// prompt: a reply to a welcome, or mail out of the blue. Nothing becomes
// an update. Commands alone ("unsubscribe", "pause 2 weeks", "help") and
// an out-of-office return date from a member are applied to that member
// when the message proves it is theirs (see provenMember); a delivery
// report here is ignored (they are matched by bounces+TOKEN only).
func (j *job) applyFrom(ctx context.Context) (string, string, error) {
	reason := "sent to the From address without a prompt reference"
	if j.from.bad > 0 {
		reason += fmt.Sprintf(" (%d reference(s) with an invalid token)", j.from.bad)
	}
	switch j.msg.Kind {
	case reply.KindBounce:
		return store.InboundIgnored, "delivery report sent to the From address", nil
	case reply.KindAutoReply, reply.KindCommand:
	default:
		return store.InboundIgnored, reason, nil
	}
	m, err := j.tx.MemberByAddress(ctx, j.msg.From)
	if errors.Is(err, store.ErrNotFound) {
		return store.InboundIgnored, reason + "; sender is not a member", nil
	}
	if err != nil {
		return "", "", err
	}
	if j.target, err = j.tx.MemberTarget(ctx, m.ID); err != nil {
		return "", "", err
	}
	proven, err := j.provenMember(ctx)
	if err != nil {
		return "", "", err
	}
	if j.msg.Kind == reply.KindAutoReply {
		if refusal := j.requireDMARC(); refusal != "" {
			return store.InboundQuarantined, refusal, nil
		}
		if !proven {
			return store.InboundIgnored, "auto-reply to the From address, not proven to be the member's", nil
		}
		return j.applyAutoReply(ctx)
	}
	return j.applyMemberCommands(ctx, proven)
}

// applyMemberCommands applies the commands of a message without a prompt.
func (j *job) applyMemberCommands(ctx context.Context, proven bool) (string, string, error) {
	if refusal := j.requireDMARC(); refusal != "" {
		return store.InboundQuarantined, refusal, nil
	}
	if !proven {
		return store.InboundQuarantined, "commands sent to the From address without a prompt reference need " +
			"DMARC to pass or a reply to our mail to the member", nil
	}
	notes, err := j.applyCommands(ctx)
	if err != nil {
		return "", "", err
	}
	if len(notes) == 0 {
		return store.InboundIgnored, "nothing to apply (command without a prompt)", nil
	}
	return store.InboundApplied, strings.Join(notes, "; ") + " (sent to the From address, no prompt)", nil
}

// provenMember reports whether a token-less message from the member is
// theirs: DMARC passed for the From domain, or it answers a message we
// sent to them (our generated Message-IDs are random, like a token) and
// tokens count as proof (Options.DistrustTokens unset).
func (j *job) provenMember(ctx context.Context) (bool, error) {
	if j.auth.dmarcPass() {
		return true, nil
	}
	if j.p.opts.DistrustTokens {
		return false, nil
	}
	return j.tx.SentToMember(ctx, j.target.Member.ID, j.from.ids)
}
