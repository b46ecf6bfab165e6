package inbound

import (
	"context"
	"errors"
	"fmt"

	"github.com/tidings-app/tidings/mail/reply"
	"github.com/tidings-app/tidings/store"
)

// applyBounce applies a delivery status notification sent to the VERP
// address of an outbound message (see store.RecordDeliveryReport).
func (j *job) applyBounce(ctx context.Context) (string, string, error) {
	switch {
	case j.msg.Kind == reply.KindAutoReply:
		return store.InboundIgnored, "auto-reply to a bounce address", nil
	case j.msg.Kind != reply.KindBounce || j.msg.Bounce == nil:
		return store.InboundIgnored, "not a delivery report", nil
	}
	b := j.msg.Bounce
	r := store.DeliveryReport{OutboundID: j.rcpt.ID, Action: b.Action, Status: b.Status, Recipient: b.Recipient}
	out, err := j.tx.RecordDeliveryReport(ctx, r)
	if errors.Is(err, store.ErrNotFound) {
		return store.InboundIgnored, fmt.Sprintf("delivery report for unknown outbound message %d", j.rcpt.ID), nil
	}
	if err != nil {
		return "", "", err
	}
	reason := fmt.Sprintf("delivery report for outbound %d: %s %s", out.ID, b.Action, b.Status)
	if r.Permanent() {
		reason += "; " + out.Recipient + " suppressed"
	}
	return store.InboundApplied, reason, nil
}
