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
}

// applyOKR hands a reply to a key-result prompt to the OKR filer.
func (j *job) applyOKR(ctx context.Context) (string, string, error) {
	if j.p.opts.OKR == nil {
		return store.InboundIgnored, "key-result check-ins not configured", nil
	}
	return j.p.opts.OKR.FileCheckIn(ctx, j.tx, j.in, j.msg, j.target)
}
