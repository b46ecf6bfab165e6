package oneonone

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/tidings-app/tidings/mail/reply"
	"github.com/tidings-app/tidings/store"
)

// skip cancels the meeting and tells both.
func (a *applier) skip(ctx context.Context) error {
	if a.m.Status == store.MeetingSkipped {
		a.notes = append(a.notes, "meeting already skipped")
		return nil
	}
	me, _ := a.p.Person(a.e.PersonID)
	a.m.Status, a.m.Reason = store.MeetingSkipped, "skipped by "+first(me.Name)
	if err := a.tx.SaveOneOnOneMeeting(ctx, a.m); err != nil {
		return err
	}
	a.notes = append(a.notes, "meeting "+a.m.Period+" skipped")
	return a.notify(ctx, func(d *pageData) { d.Notice = first(me.Name) + " skipped the 1:1 of " + d.When + "." })
}

// reschedule moves the meeting and tells both, each in their own zone.
func (a *applier) reschedule(ctx context.Context, r reply.OneOnOneReply) error {
	me, _ := a.p.Person(a.e.PersonID)
	old := a.m.At
	a.m.At, a.m.Status = r.RescheduleAt, store.MeetingScheduled
	a.m.Reason = "moved by " + first(me.Name) + " from " + old.In(a.p.Location(a.p.LeadID)).Format("Mon 2 Jan 15:04")
	a.m.AgendaSentAt = nil
	if err := a.tx.SaveOneOnOneMeeting(ctx, a.m); err != nil {
		return err
	}
	a.notes = append(a.notes, "meeting "+a.m.Period+" moved to "+r.RescheduleAt.UTC().Format(time.RFC3339))
	return a.notify(ctx, func(d *pageData) {
		loc := a.p.Location(a.p.LeadID)
		d.Notice = first(me.Name) + " moved this 1:1 from " + old.In(loc).Format("Mon 2 Jan") + " to " + d.When + "."
	})
}

// notify sends the skip or move notice to both people.
func (a *applier) notify(ctx context.Context, fill func(*pageData)) error {
	for _, who := range []int64{a.p.LeadID, a.p.MemberID} {
		d := basePage(a.p, who, a.m)
		d.ReplyTo = a.entryReplyTo(ctx, who)
		fill(&d)
		if _, err := a.s.send(ctx, a.tx, a.p, who, "oneonone_notice", dedup("oneonone_notice", a.in.ID, who),
			0, a.threadOf(ctx, who), d); err != nil {
			return err
		}
	}
	return nil
}

// threadOf is the Message-ID of the email of this meeting that who
// received last (the agenda, else the prompt), or "".
func (a *applier) threadOf(ctx context.Context, who int64) string {
	if who == a.e.PersonID && a.msg.MessageID != "" {
		return a.msg.MessageID
	}
	es, err := a.tx.FindOneOnOneEntries(ctx, []int64{a.m.ID})
	if err != nil {
		return ""
	}
	id := ""
	for _, e := range es {
		if e.PersonID == who && e.MessageID != "" && (e.Kind == store.EntryAgenda || id == "") {
			id = e.MessageID
		}
	}
	return id
}

// fileNotes stores the notes, decisions and action items of the meeting
// and confirms what was understood to both.
func (a *applier) fileNotes(ctx context.Context, r reply.OneOnOneReply, closed []string) error {
	text := answerText(a.msg.Text)
	if a.msg.Forwarded != nil && strings.TrimSpace(a.msg.Forwarded.Text) != "" {
		text = strings.TrimSpace(a.msg.Forwarded.Text)
	}
	if text == "" && len(r.ActionItems) == 0 && len(r.Decisions) == 0 {
		if len(closed) > 0 {
			return a.confirm(ctx, nil, closed)
		}
		return nil
	}
	who := a.e.PersonID
	a.m.Notes, a.m.Decisions, a.m.NotesByID, a.m.NotesInboundID = text, r.Decisions, &who, a.in.ID
	a.m.Audience = a.p.Audience()
	if a.m.Status != store.MeetingSkipped {
		a.m.Status = store.MeetingHeld
	}
	if err := a.tx.SaveOneOnOneMeeting(ctx, a.m); err != nil {
		return err
	}
	existing, err := a.tx.FindOneOnOneItems(ctx, a.p.ID, false)
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, it := range existing {
		if it.MeetingID == a.m.ID {
			have[strings.ToLower(it.Text)] = true
		}
	}
	var items []store.OneOnOneItem
	for _, x := range r.ActionItems {
		if have[strings.ToLower(x.Text)] {
			continue
		}
		it := store.OneOnOneItem{PairID: a.p.ID, MeetingID: a.m.ID, OwnerText: x.Owner, Text: x.Text,
			Status: store.ActionOpen, Audience: a.p.Audience()}
		it.OwnerID = a.owner(x.Owner)
		if x.Done {
			it.Status, it.DoneAt = store.ActionDone, &a.at
		}
		if d, err := time.Parse("2006-01-02", x.Due); err == nil {
			it.Due = &d
		}
		items = append(items, it)
	}
	if err := a.tx.AddOneOnOneItems(ctx, items); err != nil {
		return err
	}
	a.notes = append(a.notes, "notes filed", pluralize(len(r.Decisions), "decision"), pluralize(len(items), "action item"))
	return a.confirm(ctx, r.Decisions, closed)
}

// owner resolves a written owner to the lead or the member: full name,
// first name or address, "me"/"I" for the sender; nil for anyone else.
func (a *applier) owner(name string) *int64 {
	n := strings.ToLower(strings.TrimSpace(name))
	if n == "" {
		return nil
	}
	if n == "me" || n == "i" {
		id := a.e.PersonID
		return &id
	}
	for _, m := range []*store.Member{&a.p.Lead, &a.p.Member} {
		if n == strings.ToLower(m.Name) || n == strings.ToLower(first(m.Name)) || n == strings.ToLower(m.Email) {
			id := m.ID
			return &id
		}
	}
	return nil
}

// confirm tells both what was filed, in the meeting's thread.
func (a *applier) confirm(ctx context.Context, decisions, closed []string) error {
	for _, who := range []int64{a.p.LeadID, a.p.MemberID} {
		d := basePage(a.p, who, a.m)
		d.Decisions, d.Closed = decisions, closed
		me, _ := a.p.Person(a.e.PersonID)
		d.Notice = first(me.Name)
		var err error
		if d.Items, err = a.s.items(ctx, a.tx, a.p, who, a.at.Add(-time.Minute)); err != nil {
			return err
		}
		d.ReplyTo = a.s.replyTo(a.e.ID)
		if who != a.e.PersonID {
			d.ReplyTo = a.entryReplyTo(ctx, who)
		}
		if _, err := a.s.send(ctx, a.tx, a.p, who, "oneonone_notes", dedup("oneonone_notes", a.in.ID, who), 0, a.threadOf(ctx, who),
			d); err != nil {
			return err
		}
	}
	return nil
}

// entryReplyTo is the reply address of who's agenda for this meeting
// (where notes and corrections go), else of who's prompt, else "".
func (a *applier) entryReplyTo(ctx context.Context, who int64) string {
	es, err := a.tx.FindOneOnOneEntries(ctx, []int64{a.m.ID})
	if err != nil {
		return ""
	}
	out := ""
	for _, e := range es {
		if e.PersonID == who && (e.Kind == store.EntryAgenda || e.Kind == store.EntryPrepare && out == "") {
			out = a.s.replyTo(e.ID)
		}
	}
	return out
}

func pluralize(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
