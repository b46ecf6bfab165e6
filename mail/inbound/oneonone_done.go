package inbound

import (
	"context"
	"fmt"
	"strings"

	"github.com/tidings-app/tidings/mail/reply"
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
	var queries []string
	for _, c := range j.msg.Commands {
		if c.Name == "done" {
			queries = append(queries, strings.TrimSpace(c.Text))
		}
	}
	open, err := j.tx.OpenPromptItems(ctx, j.target.Member.ID)
	if err != nil || len(queries) == 0 {
		return j.msg, nil, err
	}
	private := false
	for _, it := range open {
		private = private || it.OneOnOneWith != ""
	}
	if !private {
		return j.msg, nil, nil // meeting items only: the filer decides alone
	}
	keep := map[string]bool{}
	for _, q := range queries {
		texts := make([]string, len(open))
		for i, it := range open {
			texts[i] = it.Text
		}
		switch i := reply.MatchItem(q, texts); {
		case i == reply.AmbiguousItems:
			notes = append(notes, "done: several open action items match, none closed")
		case i >= 0 && open[i].OneOnOneWith != "":
			if err := j.tx.CloseOwnOneOnOneItem(ctx, j.target.Member.ID, open[i].ID, j.p.opts.Now()); err != nil {
				return nil, nil, fmt.Errorf("inbound: close 1:1 item: %w", err)
			}
			notes = append(notes, "done: closed an item of a 1:1")
			open = append(open[:i], open[i+1:]...)
		default:
			keep[q] = true
		}
	}
	m := *j.msg
	m.Commands = nil
	for _, c := range j.msg.Commands {
		if c.Name != "done" || keep[strings.TrimSpace(c.Text)] {
			m.Commands = append(m.Commands, c)
		}
	}
	return &m, notes, nil
}
