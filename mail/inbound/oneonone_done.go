package inbound

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/tidings-app/tidings/mail/reply"
	"github.com/tidings-app/tidings/store"
)

// closeOneOnOneDone is the first half of "done: …" in a check-in reply:
// each query is matched (reply.MatchItem, the meeting items' rule) against
// the member's open meeting items and their own open one-on-one items
// together (store.OpenPromptItems, what their prompt lists). A query
// that names a one-on-one item closes it here; one that names several
// items equally well is reported and dropped; the others (a meeting
// item, or nothing) are returned in rest for the meeting filer. The notes
// never quote a one-on-one item's text: the message's reason is shown by
// `tidings inbound list`, outside the pair.
func (j *job) closeOneOnOneDone(ctx context.Context) (rest *reply.Message, notes []string, err error) {
	var done []int // indexes of the done: commands in j.msg.Commands
	for i, c := range j.msg.Commands {
		if c.Name == "done" {
			done = append(done, i)
		}
	}
	open, err := j.tx.OpenPromptItems(ctx, j.target.Member.ID)
	if err != nil || len(done) == 0 {
		return j.msg, nil, err
	}
	if !slices.ContainsFunc(open, func(it store.ActionItemNote) bool { return it.OneOnOneWith != "" }) {
		return j.msg, nil, nil // meeting items only: the filer decides alone
	}
	handled := map[int]bool{} // commands settled here, not passed on
	for _, ci := range done {
		texts := make([]string, len(open))
		for i, it := range open {
			texts[i] = it.Text
		}
		switch i := reply.MatchItem(strings.TrimSpace(j.msg.Commands[ci].Text), texts); {
		case i == reply.AmbiguousItems:
			notes = append(notes, "done: several open action items match, none closed")
			handled[ci] = true
		case i >= 0 && open[i].OneOnOneWith != "":
			if err := j.tx.CloseOwnOneOnOneItem(ctx, j.target.Member.ID, open[i].ID, j.p.opts.Now()); err != nil {
				return nil, nil, fmt.Errorf("inbound: close 1:1 item: %w", err)
			}
			notes = append(notes, "done: closed an item of a 1:1")
			open = append(open[:i], open[i+1:]...)
			handled[ci] = true
		}
	}
	m := *j.msg
	m.Commands = nil
	for i, c := range j.msg.Commands {
		if !handled[i] {
			m.Commands = append(m.Commands, c)
		}
	}
	return &m, notes, nil
}
