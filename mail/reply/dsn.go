package reply

import (
	"regexp"
	"strings"
)

var (
	reBounceSubject = regexp.MustCompile(`(?i)undeliver|delivery\s+(?:status\s+notification|failure|has\s+failed)|failure\s+notice|returned\s+mail|mail\s+delivery\s+(?:failed|system)|nicht\s+zustellbar|unzustellbar|non\s+remis|no\s+se\s+puede\s+entregar|não\s+entregue`)
	reStatusCode    = regexp.MustCompile(`\b([245]\.\d{1,3}\.\d{1,3})\b`)
	reAddress       = regexp.MustCompile(`[\w.+-]+@[\w-]+(?:\.[\w-]+)+`)
)

// findBounce returns the first failed recipient of a delivery status
// notification (multipart/report; report-type=delivery-status, RFC 3464),
// or of a non-standard bounce from a mailer daemon; nil when it is not one.
func findBounce(c *content, m *Message) *Bounce {
	if c.reportType == "delivery-status" && c.dsn != "" {
		if b := parseDSN(c.dsn); b != nil {
			return b
		}
	}
	if !reNoReplySender.MatchString(m.From) || !reBounceSubject.MatchString(m.Subject) {
		return nil
	}
	b := &Bounce{Action: "failed"}
	text := c.plain
	if len(text) > 20000 {
		text = text[:20000]
	}
	if s := reStatusCode.FindString(text); s != "" {
		b.Status = s
	}
	if a := reAddress.FindString(text); a != "" {
		b.Recipient = strings.ToLower(a)
	}
	return b
}

// parseDSN reads the per-recipient blocks of a message/delivery-status
// body and returns the first failed one, else the first one.
func parseDSN(s string) *Bounce {
	blocks := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n")
	var first *Bounce
	for _, blk := range blocks[min(1, len(blocks)-1):] {
		f := dsnFields(blk)
		rcpt := f["final-recipient"]
		if rcpt == "" {
			rcpt = f["original-recipient"]
		}
		if rcpt == "" && f["action"] == "" {
			continue
		}
		if _, addr, ok := strings.Cut(rcpt, ";"); ok {
			rcpt = addr
		}
		status := f["status"]
		if i := strings.IndexAny(status, " ("); i > 0 {
			status = status[:i]
		}
		b := &Bounce{Action: strings.ToLower(f["action"]), Status: status, Recipient: strings.ToLower(strings.Trim(strings.TrimSpace(rcpt), "<>"))}
		if b.Action == "failed" {
			return b
		}
		if first == nil {
			first = b
		}
	}
	return first
}

// dsnFields parses one block of "Name: value" lines with continuations.
func dsnFields(blk string) map[string]string {
	f := map[string]string{}
	last := ""
	for _, l := range strings.Split(blk, "\n") {
		if (strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t")) && last != "" {
			f[last] += " " + strings.TrimSpace(l)
			continue
		}
		name, val, ok := strings.Cut(l, ":")
		if !ok {
			continue
		}
		last = strings.ToLower(strings.TrimSpace(name))
		f[last] = strings.TrimSpace(val)
	}
	return f
}
