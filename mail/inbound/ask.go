package inbound

import (
	"context"

	"github.com/tidings-app/tidings/mail"
	"github.com/tidings-app/tidings/mail/reply"
	"github.com/tidings-app/tidings/store"
)

// AskHandler handles messages to the ask addresses (ask@, ask+TEAM@,
// fyi@, fyi+TEAM@, answer+TOKEN@, asker+TOKEN@). mail/ask implements it.
type AskHandler interface {
	// Handle returns the final inbound status (store.Inbound*) and a
	// reason; dmarcPass says whether the message passed DMARC.
	Handle(ctx context.Context, tx *store.DB, in *store.InboundMessage, msg *reply.Message, rcpt mail.Recipient, dmarcPass bool) (status, reason string, err error)
}

// applyAsk hands a message to an ask address to the ask handler.
func (j *job) applyAsk(ctx context.Context) (string, string, error) {
	if j.p.opts.Asks == nil {
		return store.InboundIgnored, "asks not configured", nil
	}
	return j.p.opts.Asks.Handle(ctx, j.tx, j.in, j.msg, j.rcpt, j.auth.dmarcPass())
}
