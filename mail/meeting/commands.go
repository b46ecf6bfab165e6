package meeting

import (
	"context"
	"fmt"
	"strings"

	"github.com/tidings-app/tidings/mail/reply"
	"github.com/tidings-app/tidings/store"
)

// ApplyCommands closes the member's open action items named by "done: …"
// commands in msg and returns what happened, for the inbound message's
// reason: each "done:" text is matched case-insensitively
// against the member's open items from filed notes (the same words, a
// prefix or phrase, or word overlap, best tier wins); when two items match
// equally well none is closed and the reason says so; that is not an
// error, so the rest of the reply is still applied. The reason is empty
// when msg has no done command. Errors are wrapped store errors.
func (f *Filer) ApplyCommands(ctx context.Context, tx *store.DB, memberID int64, msg *reply.Message) (string, error) {
	var queries []string
	for _, c := range msg.Commands {
		if c.Name == "done" {
			queries = append(queries, strings.TrimSpace(c.Text))
		}
	}
	if len(queries) == 0 {
		return "", nil
	}
	open, err := tx.OpenActionItems(ctx, memberID)
	if err != nil {
		return "", fmt.Errorf("meeting: close done: %w", err)
	}
	var notes []string
	for _, q := range queries {
		texts := make([]string, len(open))
		for i, it := range open {
			texts[i] = it.Text
		}
		switch i := matchItem(q, texts); i {
		case noMatch:
			notes = append(notes, fmt.Sprintf("done %q: no open action item matches", q))
		case ambiguous:
			notes = append(notes, fmt.Sprintf("done %q: several open action items match, none closed", q))
		default:
			if err := tx.CloseActionItem(ctx, open[i].ID, f.now()); err != nil {
				return "", fmt.Errorf("meeting: close done: %w", err)
			}
			f.closed.Inc()
			notes = append(notes, fmt.Sprintf("done %q: closed %q", q, open[i].Text))
			open = append(open[:i], open[i+1:]...)
		}
	}
	return strings.Join(notes, "; "), nil
}
