package inbound

import (
	"context"

	"github.com/tidings-app/tidings/mail/reply"
	"github.com/tidings-app/tidings/store"
)

// OKRFiler files replies to key-result prompts (`kind: okr` check-ins).
// mail/okr implements it.
type OKRFiler interface {
	// FileCheckIn files a reply from the prompt's member, inside tx, and
	// returns the final inbound status and a reason.
	FileCheckIn(ctx context.Context, tx *store.DB, in *store.InboundMessage, msg *reply.Message, t *store.ReplyTarget) (status, reason string, err error)
	// FileOKRMail handles a message to okrs+TEAM@ (a list of OKRs, or a
	// confirmation or correction of one); dmarcPass reports the sender's
	// domain authenticated it.
	FileOKRMail(ctx context.Context, tx *store.DB, in *store.InboundMessage, msg *reply.Message, team string, dmarcPass bool) (status, reason string, err error)
}

// applyOKR hands a reply to a key-result prompt to the OKR filer.
func (j *job) applyOKR(ctx context.Context) (string, string, error) {
	if j.p.opts.OKR == nil {
		return store.InboundIgnored, "key-result check-ins not configured", nil
	}
	return j.p.opts.OKR.FileCheckIn(ctx, j.tx, j.in, j.msg, j.target)
}

// applyOKRMail hands a message to okrs+TEAM@ to the OKR filer.
func (j *job) applyOKRMail(ctx context.Context) (string, string, error) {
	if j.p.opts.OKR == nil {
		return store.InboundIgnored, "OKRs by email not configured", nil
	}
	return j.p.opts.OKR.FileOKRMail(ctx, j.tx, j.in, j.msg, j.rcpt.Team, j.auth.dmarcPass())
}
