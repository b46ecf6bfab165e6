package meeting

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tidings-app/tidings/mail"
	"github.com/tidings-app/tidings/mail/reply"
	"github.com/tidings-app/tidings/store"
)

// Proof before trust. A note sent to an ingest address carries no token,
// so the From header is all that names its sender, and anyone can write
// any From. A note is filed straight away only when DMARC passed for the
// From domain (in.DMARC, as mail/inbound evaluated it). Otherwise it is
// kept pending (no team, no owners: no prompt, digest or member sees it)
// and a confirmation request goes to the From address with Reply-To
// confirm+TOKEN, TOKEN signing the note's ID. Only a reply from that
// address to that address files it: a forger never sees the token.

// dmarcPassed reports whether the message's DMARC verdict is a pass.
func dmarcPassed(in *store.InboundMessage) bool {
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(in.DMARC)), "pass")
}

// At most maxRequests confirmation requests go to one address per UTC
// day: more pending notes are kept without asking, so a flood of
// forgeries costs the member a few mails, not one per forgery.
const maxRequests = 3

// maxPendingTitle bounds the sender-controlled title repeated in the
// confirmation request.
const maxPendingTitle = 80

// filePending stores a note from a sender who may post but did not prove
// the From address, and asks that address to confirm. Its items are
// stored with no owner and (store enforces it) no team.
func (f *Filer) filePending(ctx context.Context, tx *store.DB, in *store.InboundMessage, msg *reply.Message, sender *store.Member, teams []store.Team, rcpt mail.Recipient) (string, string, error) {
	n := f.buildNote(in, msg, sender)
	if sender != nil { // count this member's requests one transaction at a time
		if err := tx.LockMember(ctx, sender.ID); err != nil {
			return "", "", fmt.Errorf("meeting: pending: %w", err)
		}
	}
	day := f.now().UTC().Truncate(24 * time.Hour)
	asked, err := tx.CountUnprovenNotes(ctx, n.ForwardedBy, day)
	if err != nil {
		return "", "", fmt.Errorf("meeting: pending: %w", err)
	}
	roster, err := rosterOf(ctx, tx, teams)
	if err != nil {
		return "", "", fmt.Errorf("meeting: pending: %w", err)
	}
	notes := f.understand(n.Summary, n.MeetingDate, msg, roster)
	n.Decisions, n.Status = notes.Decisions, store.NotePending
	n.CreatedAt = f.now().UTC() // the clock the daily count reads
	items := f.items(notes, nil)
	if err := tx.CreateMeetingNote(ctx, n, items); err != nil {
		return "", "", fmt.Errorf("meeting: pending: %w", err)
	}
	f.notes.WithLabelValues("pending").Inc()
	if asked >= maxRequests {
		return store.InboundApplied, fmt.Sprintf("meetings: note %d pending: DMARC did not pass (%s); not asking %s again: already asked %d times today",
			n.ID, in.DMARC, n.ForwardedBy, asked), nil
	}
	title := n.Title
	if utf8.RuneCountInString(title) > maxPendingTitle {
		title = string([]rune(title)[:maxPendingTitle]) + "…"
	}
	// The key allows maxRequests requests per address and UTC day even
	// when notes from one address are filed concurrently (each counted
	// the others' uncommitted rows as absent): a second request in the
	// same slot is not queued.
	key := fmt.Sprintf("meeting_pending:%s:%s:%d", strings.ToLower(n.ForwardedBy), day.Format("2006-01-02"), asked)
	d := confirmData{Address: f.addr.Confirm(n.ID), Ingest: f.addr.Meetings(rcpt.Team), Title: title,
		Date: n.MeetingDate, From: n.ForwardedBy, Decisions: n.Decisions, dedupKey: key}
	for _, it := range items {
		d.Items = append(d.Items, confirmItem{Text: it.Text})
	}
	if err := f.send(ctx, tx, "meeting_pending", in, msg, n, d); err != nil {
		return "", "", err
	}
	f.log.InfoContext(ctx, "meeting note pending confirmation", "component", "meeting", "msg_id", msg.MessageID, "note", n.ID)
	return store.InboundApplied, fmt.Sprintf("meetings: note %d pending: DMARC did not pass (%s); confirmation asked of %s",
		n.ID, in.DMARC, n.ForwardedBy), nil
}

// refusals are first words of a confirmation reply that discard the note.
var refusals = map[string]bool{"no": true, "not": true, "discard": true, "delete": true, "reject": true, "nein": true, "non": true}

// activate handles a reply to confirm+TOKEN for note noteID: from the
// note's From address, not an auto-reply or a bounce, it files the note
// as if it had just arrived with proof (under its one team, or asking
// which team), marked ProofConfirmed; a reply starting with "no" discards
// it (quarantined). Anything else leaves the note pending.
func (f *Filer) activate(ctx context.Context, tx *store.DB, in *store.InboundMessage, msg *reply.Message, noteID int64) (string, string, error) {
	switch msg.Kind {
	case reply.KindAutoReply, reply.KindBounce:
		return store.InboundIgnored, fmt.Sprintf("meetings: %s to the confirmation address of note %d, not a confirmation", msg.Kind, noteID), nil
	}
	n, err := tx.MeetingNoteByID(ctx, noteID)
	if errors.Is(err, store.ErrNotFound) {
		return store.InboundIgnored, fmt.Sprintf("meetings: note %d no longer exists", noteID), nil
	} else if err != nil {
		return "", "", fmt.Errorf("meeting: confirm: %w", err)
	}
	if n.Status != store.NotePending {
		return store.InboundIgnored, fmt.Sprintf("meetings: note %d is %s, not waiting for confirmation", n.ID, n.Status), nil
	}
	if !strings.EqualFold(strings.TrimSpace(msg.From), strings.TrimSpace(n.ForwardedBy)) {
		return store.InboundQuarantined, fmt.Sprintf("meetings: confirmation of note %d from %s, but it was asked of %s",
			n.ID, msg.From, n.ForwardedBy), nil
	}
	items, err := tx.FindActionItems(ctx, store.ActionItemFilter{NoteID: n.ID})
	if err != nil {
		return "", "", fmt.Errorf("meeting: confirm: %w", err)
	}
	if w := strings.Fields(strings.ToLower(msg.Text)); len(w) > 0 && refusals[strings.Trim(w[0], ".,!")] {
		n.Status = store.NoteQuarantined
		if err := tx.ReplaceMeetingNote(ctx, n, items); err != nil {
			return "", "", fmt.Errorf("meeting: confirm: %w", err)
		}
		f.notes.WithLabelValues("discarded").Inc()
		return store.InboundApplied, fmt.Sprintf("meetings: note %d discarded by its sender", n.ID), nil
	}
	sender, err := tx.MemberByAddress(ctx, n.ForwardedBy)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return "", "", fmt.Errorf("meeting: confirm: %w", err)
	}
	rcpt, err := f.originalRecipient(ctx, tx, n.InboundID)
	if err != nil {
		return "", "", err
	}
	teams, allowed, err := f.route(ctx, tx, n.ForwardedBy, sender, rcpt)
	if err != nil {
		return "", "", fmt.Errorf("meeting: confirm: %w", err)
	}
	if !allowed {
		n.Status = store.NoteQuarantined
		if err := tx.ReplaceMeetingNote(ctx, n, items); err != nil {
			return "", "", fmt.Errorf("meeting: confirm: %w", err)
		}
		return store.InboundQuarantined, fmt.Sprintf("meetings: note %d confirmed, but %s may no longer post to %s",
			n.ID, n.ForwardedBy, f.addr.Meetings(rcpt.Team)), nil
	}
	n.Proof = store.ProofConfirmed
	if len(teams) > 1 {
		n.Status = store.NoteUnassigned
		if err := tx.ReplaceMeetingNote(ctx, n, items); err != nil {
			return "", "", fmt.Errorf("meeting: confirm: %w", err)
		}
		f.notes.WithLabelValues("unassigned").Inc()
		if err := f.askTeam(ctx, tx, in, msg, n, teams); err != nil {
			return "", "", err
		}
		return store.InboundApplied, fmt.Sprintf("meetings: note %d confirmed, unassigned, asked %s which team", n.ID, msg.From), nil
	}
	return f.fileUnder(ctx, tx, in, msg, n, items, teams[0])
}

// fileUnder files note n with items under team: owners are matched
// against the team's roster, the note is saved as filed and the
// confirmation queued.
func (f *Filer) fileUnder(ctx context.Context, tx *store.DB, in *store.InboundMessage, msg *reply.Message, n *store.MeetingNote, items []store.ActionItem, team store.Team) (string, string, error) {
	roster, err := rosterOf(ctx, tx, []store.Team{team})
	if err != nil {
		return "", "", fmt.Errorf("meeting: file: %w", err)
	}
	for i := range items {
		items[i].OwnerMemberID = nil
		if id, ok := roster.Match(items[i].OwnerText); ok && items[i].OwnerText != "" {
			items[i].OwnerMemberID = &id
		}
	}
	n.TeamID, n.Status = &team.ID, store.NoteFiled
	if err := tx.ReplaceMeetingNote(ctx, n, items); err != nil {
		return "", "", fmt.Errorf("meeting: file: %w", err)
	}
	f.notes.WithLabelValues("filed").Inc()
	if err := f.confirm(ctx, tx, in, msg, n, &team, false); err != nil {
		return "", "", err
	}
	return store.InboundApplied, fmt.Sprintf("meetings: note %d filed under %s", n.ID, team.Slug), nil
}

// originalRecipient is the ingest address the note was sent to
// (meetings+TEAM or meetings@), read from its inbound message; plain
// meetings@ when that message is gone.
func (f *Filer) originalRecipient(ctx context.Context, tx *store.DB, inboundID int64) (mail.Recipient, error) {
	rows, err := tx.FindInbound(ctx, store.InboundFilter{IDs: []int64{inboundID}})
	if err != nil {
		return mail.Recipient{}, fmt.Errorf("meeting: confirm: %w", err)
	}
	for _, row := range rows {
		for _, a := range row.Rcpt {
			if r, err := f.addr.Parse(a, nil); err == nil && r.Kind == mail.RcptMeetings {
				return r, nil
			}
		}
	}
	return mail.Recipient{Kind: mail.RcptMeetings}, nil
}
