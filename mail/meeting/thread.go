package meeting

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/tidings-app/tidings/mail"
	"github.com/tidings-app/tidings/mail/reply"
	"github.com/tidings-app/tidings/store"
)

// messageID is the Message-ID of a confirmation or question about a note:
// "m.<inbound id>.<token>@domain". The token signs the note ID, so a reply
// finds its note without a lookup table and cannot name someone else's.
func (f *Filer) messageID(noteID, inboundID int64) string {
	return "m." + strconv.FormatInt(inboundID, 10) + "." + f.addr.Signer.Token(f.purpose, noteID) + "@" + f.addr.Domain
}

// threadNote returns the note a message replies to, when its In-Reply-To
// is one of our confirmations or questions.
func (f *Filer) threadNote(msg *reply.Message) (int64, bool) {
	local, domain, ok := strings.Cut(strings.Trim(msg.InReplyTo, "<> "), "@")
	if !ok || !strings.EqualFold(domain, f.addr.Domain) || !strings.HasPrefix(local, "m.") {
		return 0, false
	}
	tok := local[strings.LastIndexByte(local, '.')+1:]
	id, err := f.addr.Signer.Verify(f.purpose, tok)
	return id, err == nil
}

// followUp handles a reply in a note's thread: the answer to "which
// team?" files the note; a reply to a confirmation corrects it. Only the
// forwarder or a member of the note's team may do either.
func (f *Filer) followUp(ctx context.Context, tx *store.DB, in *store.InboundMessage, msg *reply.Message, rcpt mail.Recipient, sender *store.Member, noteID int64) (string, string, error) {
	n, err := tx.MeetingNoteByID(ctx, noteID)
	if errors.Is(err, store.ErrNotFound) {
		return store.InboundIgnored, fmt.Sprintf("meetings: note %d no longer exists", noteID), nil
	} else if err != nil {
		return "", "", fmt.Errorf("meeting: follow-up: %w", err)
	}
	teams, allowed, err := f.route(ctx, tx, msg.From, sender, rcpt)
	if err != nil {
		return "", "", fmt.Errorf("meeting: follow-up: %w", err)
	}
	if n.TeamID != nil {
		allowed = slices.ContainsFunc(teams, func(t store.Team) bool { return t.ID == *n.TeamID })
	}
	if !allowed || n.Status == store.NoteQuarantined {
		return f.quarantine(ctx, tx, in, msg, sender, rcpt)
	}
	if f.distrust && !dmarcPassed(in) {
		return store.InboundQuarantined, fmt.Sprintf("meetings: reply about note %d: DMARC did not pass (%s) and auth.token_is_proof is false",
			n.ID, in.DMARC), nil
	}
	if n.Status == store.NotePending {
		return store.InboundIgnored, fmt.Sprintf("meetings: note %d waits for its sender's reply to its confirmation address", n.ID), nil
	}
	if n.Status == store.NoteUnassigned {
		return f.assign(ctx, tx, in, msg, n, teams)
	}
	return f.correct(ctx, tx, in, msg, n, teams)
}

// assign files an unassigned note under the team the reply names (by
// meetings+TEAM address, slug or name), or asks again.
func (f *Filer) assign(ctx context.Context, tx *store.DB, in *store.InboundMessage, msg *reply.Message, n *store.MeetingNote, teams []store.Team) (string, string, error) {
	var pick []store.Team
	text := " " + strings.ToLower(strings.Join(strings.Fields(msg.Text), " ")) + " "
	for _, t := range teams {
		if len(teams) == 1 || strings.Contains(text, " "+t.Slug+" ") || strings.Contains(text, strings.ToLower(t.Name)) ||
			strings.Contains(text, "+"+t.Slug+"@") {
			pick = append(pick, t)
		}
	}
	if len(pick) != 1 {
		if err := f.askTeam(ctx, tx, in, msg, n, teams); err != nil {
			return "", "", err
		}
		return store.InboundApplied, fmt.Sprintf("meetings: reply named no single team for note %d; asked again", n.ID), nil
	}
	items, err := tx.FindActionItems(ctx, store.ActionItemFilter{NoteID: n.ID})
	if err != nil {
		return "", "", fmt.Errorf("meeting: assign: %w", err)
	}
	return f.fileUnder(ctx, tx, in, msg, n, items, pick[0])
}

// correct replaces the note's open action items (and its decisions, when
// the reply lists some) with the corrected list, and confirms again.
// Items already closed with "done:" stay closed (see keepClosed).
func (f *Filer) correct(ctx context.Context, tx *store.DB, in *store.InboundMessage, msg *reply.Message, n *store.MeetingNote, teams []store.Team) (string, string, error) {
	i := slices.IndexFunc(teams, func(t store.Team) bool { return t.ID == *n.TeamID })
	team := teams[i]
	roster, err := rosterOf(ctx, tx, []store.Team{team})
	if err != nil {
		return "", "", fmt.Errorf("meeting: correct: %w", err)
	}
	notes := f.understand(msg.Text, n.MeetingDate, msg, roster)
	if len(notes.Decisions)+len(notes.Items) == 0 {
		return store.InboundIgnored, fmt.Sprintf("meetings: reply about note %d lists no decisions or action items", n.ID), nil
	}
	current, err := tx.FindActionItems(ctx, store.ActionItemFilter{NoteID: n.ID})
	if err != nil {
		return "", "", fmt.Errorf("meeting: correct: %w", err)
	}
	items, closed := current, 0
	if len(notes.Items) > 0 {
		items, closed = keepClosed(current, f.items(notes, roster))
	}
	if len(notes.Decisions) > 0 {
		n.Decisions = notes.Decisions
	}
	if err := tx.ReplaceMeetingNote(ctx, n, items); err != nil {
		return "", "", fmt.Errorf("meeting: correct: %w", err)
	}
	f.notes.WithLabelValues("corrected").Inc()
	if err := f.confirm(ctx, tx, in, msg, n, &team, true); err != nil {
		return "", "", err
	}
	return store.InboundApplied, fmt.Sprintf("meetings: note %d corrected (%d items, %d closed kept closed)", n.ID, len(items), closed), nil
}
