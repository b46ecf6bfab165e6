package mail

import (
	"errors"
	"fmt"
	netmail "net/mail"
	"strconv"
	"strings"
)

// Kinds of recipient address the receiver accepts.
const (
	RcptReply      = "reply"      // reply+TOKEN: an answer to a prompt
	RcptBounce     = "bounces"    // bounces+TOKEN: a DSN for an outbound message
	RcptMeetings   = "meetings"   // meetings or meetings+TEAM: meeting summaries
	RcptPostmaster = "postmaster" // RFC 5321 requires it
	RcptFrom       = "from"       // the From address of outbound mail (checkins@)
	RcptConfirm    = "confirm"    // confirm+TOKEN: the sender confirms a pending meeting note
	RcptOKRs       = "okrs"       // okrs+TEAM: objectives and key results sent by a lead
	RcptSettings   = "settings"   // settings@: member commands without a prompt
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
	ID   int64  // prompt ID (reply), outbound message ID (bounces) or meeting note ID (confirm)
	Team string // meetings+TEAM; empty for plain meetings@
}

// Addresses builds and parses the addresses Tidings hands out under Domain.
type Addresses struct {
	Domain string
	Signer *Signer
	// From is the local part of the From address of outbound mail
	// ("checkins"), which members reply to when their client drops
	// Reply-To or the message had none (a welcome). Empty: not accepted.
	From string
}

// Reply is the Reply-To address for a prompt.
func (a Addresses) Reply(promptID int64) string {
	return "reply+" + a.Signer.Token(PurposeReply, promptID) + "@" + a.Domain
}

// Bounce is the envelope sender (VERP) for an outbound message.
func (a Addresses) Bounce(outboundID int64) string {
	return "bounces+" + a.Signer.Token(PurposeBounce, outboundID) + "@" + a.Domain
}

// Confirm is the address the sender of a pending meeting note replies to
// to prove they sent it; only the note's confirmation request carries it.
func (a Addresses) Confirm(noteID int64) string {
	return "confirm+" + a.Signer.Token(PurposeConfirm, noteID) + "@" + a.Domain
}

// Meetings is the ingest address of a team; an empty slug gives the
// shared meetings@ address.
func (a Addresses) Meetings(team string) string {
	if team == "" {
		return "meetings@" + a.Domain
	}
	return "meetings+" + team + "@" + a.Domain
}

// OKRs is the address a team's lead sends objectives and key results to.
func (a Addresses) OKRs(team string) string { return "okrs+" + team + "@" + a.Domain }

// Parse classifies addr: reply+TOKEN, bounces+TOKEN, confirm+TOKEN,
// meetings[+TEAM], okrs+TEAM, ask[+TEAM], fyi[+TEAM], answer+TOKEN,
// asker+TOKEN, settings, postmaster, or From (when set; a From naming one of those
// mailboxes keeps their meaning) at Domain. It returns ErrRelay for
// another domain and ErrUnknownRecipient for an unknown mailbox or a token
// that does not verify; both compare ASCII case-insensitively (Unicode
// letters that fold to ASCII ones, such as the Kelvin sign, match
// nothing). teamExists, if not nil, decides whether a +TEAM names a team.
func (a Addresses) Parse(addr string, teamExists func(slug string) bool) (Recipient, error) {
	addr = asciiLower(strings.Trim(strings.TrimSpace(addr), "<>"))
	at := strings.LastIndexByte(addr, '@')
	if at <= 0 {
		if addr == "postmaster" { // RFC 5321 4.5.1: accepted without a domain
			return Recipient{Kind: RcptPostmaster}, nil
		}
		return Recipient{}, fmt.Errorf("%w: %q", ErrUnknownRecipient, addr)
	}
	local, domain := addr[:at], addr[at+1:]
	if domain != asciiLower(a.Domain) {
		return Recipient{}, fmt.Errorf("%w: %q", ErrRelay, domain)
	}
	box, ext, _ := strings.Cut(local, "+")
	switch box {
	case "postmaster":
		return Recipient{Kind: RcptPostmaster}, nil
	case "settings":
		if ext == "" {
			return Recipient{Kind: RcptSettings}, nil
		}
	case "meetings":
		if ext != "" && teamExists != nil && !teamExists(ext) {
			return Recipient{}, fmt.Errorf("%w: no team %q", ErrUnknownRecipient, ext)
		}
		return Recipient{Kind: RcptMeetings, Team: ext}, nil
	case "okrs":
		if ext == "" || (teamExists != nil && !teamExists(ext)) {
			return Recipient{}, fmt.Errorf("%w: okrs needs an existing team (okrs+TEAM)", ErrUnknownRecipient)
		}
		return Recipient{Kind: RcptOKRs, Team: ext}, nil
	case "reply", "bounces", "confirm":
		p := map[string]Purpose{"reply": PurposeReply, "bounces": PurposeBounce, "confirm": PurposeConfirm}[box]
		id, err := a.Signer.Verify(p, ext)
		if err != nil {
			return Recipient{}, fmt.Errorf("%w: %w", ErrUnknownRecipient, err)
		}
		return Recipient{Kind: box, ID: id}, nil
	}
	if r, ok, err := a.parseAskBox(box, ext, teamExists); ok {
		return r, err
	}
	if a.From != "" && local == asciiLower(a.From) {
		return Recipient{Kind: RcptFrom}, nil
	}
	return Recipient{}, fmt.Errorf("%w: %q", ErrUnknownRecipient, addr)
}

// ThreadIDs returns, without angle brackets, the Message-ID of a prompt
// ("prompt-ID-TOKEN@domain") and the key its References also carry
// ("reply-TOKEN@domain"), which lead a reply to its prompt when the
// client dropped Reply-To. TOKEN is the prompt's reply token.
func (a Addresses) ThreadIDs(promptID int64) (msgID, key string) {
	tok := a.Signer.Token(PurposeReply, promptID)
	at := "@" + a.Domain
	return "prompt-" + strconv.FormatInt(promptID, 10) + "-" + tok + at, "reply-" + tok + at
}

// PromptReference returns the prompt named by the first of ids (Message-IDs
// from References and In-Reply-To, with or without angle brackets) that is
// a ThreadIDs form under Domain whose token verifies; the ID in a
// prompt-ID-TOKEN form must match its token's. bad counts the ids of that
// form whose token did not verify (forged or mangled). found is false when
// no id names a prompt.
func (a Addresses) PromptReference(ids []string) (promptID int64, bad int, found bool) {
	dom := asciiLower(a.Domain)
	for _, raw := range ids {
		id := asciiLower(strings.Trim(strings.TrimSpace(raw), "<>"))
		local, d, ok := strings.Cut(id, "@")
		if !ok || d != dom {
			continue
		}
		var tok, num string
		switch {
		case strings.HasPrefix(local, "reply-"):
			tok = local[len("reply-"):]
		case strings.HasPrefix(local, "prompt-"):
			if num, tok, ok = strings.Cut(local[len("prompt-"):], "-"); !ok {
				continue
			}
		default:
			continue
		}
		pid, err := a.Signer.Verify(PurposeReply, tok)
		if err != nil || (num != "" && num != strconv.FormatInt(pid, 10)) {
			bad++
			continue
		}
		return pid, bad, true
	}
	return 0, bad, false
}

// FromLocalPart returns the local part of from (an RFC 5322 address such
// as "Tidings <checkins@example.com>") for Addresses.From, or "" when it
// does not parse or its domain is not domain (mail there is not ours to
// receive). Case does not matter.
func FromLocalPart(from, domain string) string {
	a, err := netmail.ParseAddress(from)
	if err != nil {
		return ""
	}
	at := strings.LastIndexByte(a.Address, '@')
	if at <= 0 || !strings.EqualFold(a.Address[at+1:], domain) {
		return ""
	}
	return strings.ToLower(a.Address[:at])
}

// asciiLower lowercases ASCII letters only. strings.ToLower would also map
// Unicode letters onto ASCII ones (the Kelvin sign K to k), giving one
// address or token several spellings.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
