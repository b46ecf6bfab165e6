package meeting

import "github.com/tidings-app/tidings/store"

// keepClosed merges a correction's items with the note's current ones
// without reopening what was closed: a corrected item that names an item
// already done (same owner, same words; see sameItem) is that done row,
// with its closing time; closed items the correction leaves out are kept
// after the corrected ones, as history. Open items are replaced by the
// correction. It returns the rows to store and how many closed items it
// kept.
func keepClosed(current, corrected []store.ActionItem) ([]store.ActionItem, int) {
	var closed []store.ActionItem
	for _, it := range current {
		if it.Status == store.ActionDone {
			closed = append(closed, it)
		}
	}
	used := make([]bool, len(closed))
	out := make([]store.ActionItem, 0, len(corrected)+len(closed))
	for _, c := range corrected {
		row := c
		for i, d := range closed {
			if !used[i] && sameItem(d, c) {
				used[i], row = true, d
				break
			}
		}
		out = append(out, row)
	}
	for i, d := range closed {
		if !used[i] {
			out = append(out, d)
		}
	}
	return out, len(closed)
}

// sameItem reports whether corrected item c names the stored item d: the
// owners agree (the same member, or the same text, or c names none) and
// the texts have the same words, or one holds the other as a phrase
// (matchTier's top tiers, either way round).
func sameItem(d, c store.ActionItem) bool {
	switch {
	case c.OwnerMemberID != nil && d.OwnerMemberID != nil && *c.OwnerMemberID != *d.OwnerMemberID:
		return false
	case c.OwnerMemberID == nil && c.OwnerText != "" && !equalFoldSpace(c.OwnerText, d.OwnerText):
		return false
	}
	a, b := words(d.Text), words(c.Text)
	if len(a) == 0 || len(b) == 0 {
		return false
	}
	return max(matchTier(a, b), matchTier(b, a)) >= 3 || min(matchTier(a, b), matchTier(b, a)) >= 2
}

func equalFoldSpace(a, b string) bool {
	return normHeading(a) == normHeading(b)
}
