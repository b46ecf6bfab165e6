package mail

import (
	"errors"
	"fmt"
	"strings"
)

// Kinds of recipient address the receiver accepts.
const (
	RcptReply      = "reply"      // reply+TOKEN: an answer to a prompt
	RcptBounce     = "bounces"    // bounces+TOKEN: a DSN for an outbound message
	RcptMeetings   = "meetings"   // meetings or meetings+TEAM: meeting summaries
	RcptPostmaster = "postmaster" // RFC 5321 requires it
)

// Errors from Addresses.Parse.
var (
	// ErrUnknownRecipient: our domain, but no such mailbox or a bad token.
	ErrUnknownRecipient = errors.New("mail: unknown recipient")
	// ErrRelay: another domain; we never relay.
	ErrRelay = errors.New("mail: relaying denied")
)

// Recipient is a parsed address at our domain.
type Recipient struct {
	Kind string // one of the Rcpt* constants
	ID   int64  // prompt ID (reply) or outbound message ID (bounces)
	Team string // meetings+TEAM; empty for plain meetings@
}

// Addresses builds and parses the addresses Tidings hands out under Domain.
type Addresses struct {
	Domain string
	Signer *Signer
}

// Reply is the Reply-To address for a prompt.
func (a Addresses) Reply(promptID int64) string {
	return "reply+" + a.Signer.Token(PurposeReply, promptID) + "@" + a.Domain
}

// Bounce is the envelope sender (VERP) for an outbound message.
func (a Addresses) Bounce(outboundID int64) string {
	return "bounces+" + a.Signer.Token(PurposeBounce, outboundID) + "@" + a.Domain
}

// Meetings is the ingest address of a team; an empty slug gives the
// shared meetings@ address.
func (a Addresses) Meetings(team string) string {
	if team == "" {
		return "meetings@" + a.Domain
	}
	return "meetings+" + team + "@" + a.Domain
}

// Parse classifies addr. It returns ErrRelay for another domain and
// ErrUnknownRecipient for an unknown mailbox or a token that does not
// verify; both compare case-insensitively. teamExists, if not nil, decides
// whether meetings+TEAM names a team.
func (a Addresses) Parse(addr string, teamExists func(slug string) bool) (Recipient, error) {
	addr = strings.ToLower(strings.Trim(strings.TrimSpace(addr), "<>"))
	at := strings.LastIndexByte(addr, '@')
	if at <= 0 {
		if addr == "postmaster" { // RFC 5321 4.5.1: accepted without a domain
			return Recipient{Kind: RcptPostmaster}, nil
		}
		return Recipient{}, fmt.Errorf("%w: %q", ErrUnknownRecipient, addr)
	}
	local, domain := addr[:at], addr[at+1:]
	if domain != strings.ToLower(a.Domain) {
		return Recipient{}, fmt.Errorf("%w: %q", ErrRelay, domain)
	}
	box, ext, _ := strings.Cut(local, "+")
	switch box {
	case "postmaster":
		return Recipient{Kind: RcptPostmaster}, nil
	case "meetings":
		if ext != "" && teamExists != nil && !teamExists(ext) {
			return Recipient{}, fmt.Errorf("%w: no team %q", ErrUnknownRecipient, ext)
		}
		return Recipient{Kind: RcptMeetings, Team: ext}, nil
	case "reply", "bounces":
		p := PurposeReply
		if box == "bounces" {
			p = PurposeBounce
		}
		id, err := a.Signer.Verify(p, ext)
		if err != nil {
			return Recipient{}, fmt.Errorf("%w: %w", ErrUnknownRecipient, err)
		}
		return Recipient{Kind: box, ID: id}, nil
	}
	return Recipient{}, fmt.Errorf("%w: %q", ErrUnknownRecipient, addr)
}
