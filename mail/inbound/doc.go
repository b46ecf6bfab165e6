// Package inbound is Tidings' mail intake: the SMTP receiver that accepts
// replies, delivery reports and meeting summaries, and the pipeline that
// applies what it received.
//
// The receiver never loses a reply and lets no stranger in. Recipients are
// checked at RCPT TO (reply+TOKEN and bounces+TOKEN must verify, meetings+TEAM
// must name a team, the From address of outbound mail is accepted, anything
// else is refused with 550 before DATA, so there is no backscatter).
// A message to the From address (a client that dropped Reply-To, a reply to
// a welcome) is a reply to the prompt its In-Reply-To or References name
// with a verified token; without one only commands from a member are
// applied, and only when DMARC passed or it answers our mail to them. A message is answered 250 only after it and the job
// that will process it are committed in one transaction (group commit:
// messages arriving together share one transaction); when the database
// is down or slow the sender gets 451 and retries. Processing (parsing with
// mail/reply, sender checks, applying answers, commands, bounces and meeting
// summaries) is a River job that ends every message in a recorded state:
// applied, ignored, quarantined or failed.
//
// inbound imports store, mail, mail/reply and mail/outbound (to compose
// the reply to "help"); it must not import digest or mail/meeting (which
// satisfies MeetingFiler).
package inbound
