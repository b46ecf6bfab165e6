package mail

import (
	"fmt"
	"strconv"
	"strings"
)

// Recipient kinds for asks and FYIs (see mail/ask).
const (
	RcptAsk    = "ask"    // ask or ask+TEAM: a question to the team
	RcptFYI    = "fyi"    // fyi or fyi+TEAM: an announcement for the digest
	RcptAnswer = "answer" // answer+TOKEN: a member's answer to an ask
	RcptAsker  = "asker"  // asker+TOKEN: the asker's thread (confirm, close)
)

// Token purposes for asks.
const (
	PurposeAnswer Purpose = "ask-answer" // id is a store.AskRecipient ID
	PurposeAsker  Purpose = "ask-owner"  // id is a store.Ask ID
)

// Ask is the address a member sends a question to; an empty team gives
// ask@, which works for members of one team.
func (a Addresses) Ask(team string) string { return a.teamBox("ask", team) }

// FYI is the address of a team's announcements; an empty team gives fyi@.
func (a Addresses) FYI(team string) string { return a.teamBox("fyi", team) }

// Answer is the signed reply address of one member's copy of an ask.
func (a Addresses) Answer(recipientID int64) string {
	return "answer+" + a.Signer.Token(PurposeAnswer, recipientID) + "@" + a.Domain
}

// Asker is the signed reply address of the asker's thread: confirming a
// pending ask and closing an open one.
func (a Addresses) Asker(askID int64) string {
	return "asker+" + a.Signer.Token(PurposeAsker, askID) + "@" + a.Domain
}

func (a Addresses) teamBox(box, team string) string {
	if team == "" {
		return box + "@" + a.Domain
	}
	return box + "+" + team + "@" + a.Domain
}

// parseAskBox recognises the ask mailboxes; ok is false for any other box.
func (a Addresses) parseAskBox(box, ext string, teamExists func(string) bool) (r Recipient, ok bool, err error) {
	switch box {
	case RcptAsk, RcptFYI:
		if ext != "" && teamExists != nil && !teamExists(ext) {
			return Recipient{}, true, fmt.Errorf("%w: no team %q", ErrUnknownRecipient, ext)
		}
		return Recipient{Kind: box, Team: ext}, true, nil
	case RcptAnswer, RcptAsker:
		p := PurposeAnswer
		if box == RcptAsker {
			p = PurposeAsker
		}
		id, err := a.Signer.Verify(p, ext)
		if err != nil {
			return Recipient{}, true, fmt.Errorf("%w: %w", ErrUnknownRecipient, err)
		}
		return Recipient{Kind: box, ID: id}, true, nil
	}
	return Recipient{}, false, nil
}

// PurposeAskCopy signs the Message-ID of a member's copy of an ask.
const PurposeAskCopy Purpose = "ask-copy"

// AnswerMessageID is the Message-ID (without angle brackets) of the copy
// of an ask sent to recipient recipientID: "ask-copy.ID.TOKEN@domain". A
// reply whose client dropped Reply-To still names it in In-Reply-To.
func (a Addresses) AnswerMessageID(recipientID int64) string {
	return "ask-copy." + strconv.FormatInt(recipientID, 10) + "." + a.Signer.Token(PurposeAskCopy, recipientID) + "@" + a.Domain
}

// AnswerReference returns the recipient whose copy the first of ids (with
// or without angle brackets) names, when its token verifies for that ID.
func (a Addresses) AnswerReference(ids []string) (int64, bool) {
	for _, raw := range ids {
		id := strings.ToLower(strings.Trim(strings.TrimSpace(raw), "<>"))
		local, d, ok := strings.Cut(id, "@")
		if !ok || d != strings.ToLower(a.Domain) || !strings.HasPrefix(local, "ask-copy.") {
			continue
		}
		num, tok, ok := strings.Cut(local[len("ask-copy."):], ".")
		if !ok {
			continue
		}
		rid, err := a.Signer.Verify(PurposeAskCopy, tok)
		if err != nil || strconv.FormatInt(rid, 10) != num {
			continue
		}
		return rid, true
	}
	return 0, false
}
