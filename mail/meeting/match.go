package meeting

import "github.com/tidings-app/tidings/mail/reply"

// Match results of matchItem.
const (
	noMatch   = reply.NoItemMatch
	ambiguous = reply.AmbiguousItems
)

// matchItem is reply.MatchItem: how a "done: …" command names one of the
// member's open items (the same rule closes one-on-one items named in a
// check-in reply).
func matchItem(query string, texts []string) int { return reply.MatchItem(query, texts) }

func matchTier(q, w []string) int { return reply.ItemTier(q, w) }

func words(s string) []string { return reply.ItemWords(s) }
