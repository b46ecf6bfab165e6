package inbound

import "github.com/tidings-app/tidings/mail"

// Job priorities: mail to an address carrying one of our tokens (a reply
// to a prompt, a bounce, a confirmation) is applied before anything else
// that arrived with it, so a member's reply does not wait behind a flood
// sent to an ingest address. Every path that queues processing uses
// jobPriority: the receiver's enqueuer, ingest and the sweep.
const (
	priorityToken = 1
	priorityOther = 2
)

// jobPriority is the River priority of the job for a message sent to rcpt.
func jobPriority(a mail.Addresses, rcpt []string) int {
	for _, to := range rcpt {
		rc, err := a.Parse(to, func(string) bool { return true })
		if err != nil {
			continue
		}
		switch rc.Kind {
		case mail.RcptReply, mail.RcptBounce, mail.RcptConfirm:
			return priorityToken
		}
	}
	return priorityOther
}
