package store

import "strings"

// cleanText makes s storable in any backend: PostgreSQL text columns
// refuse NUL bytes and invalid UTF-8, which mail can carry (a raw 8-bit
// subject, a NUL in a body). NULs are dropped and invalid bytes become
// U+FFFD; the raw message keeps the original bytes.
func cleanText(s string) string {
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "")
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// cleanNote applies cleanText to every text field of n and items.
func cleanNote(n *MeetingNote, items []ActionItem) {
	for _, p := range []*string{&n.ForwardedBy, &n.Title, &n.OriginalFrom, &n.OriginalFromName,
		&n.OriginalSubject, &n.Summary, &n.MessageID} {
		*p = cleanText(*p)
	}
	for i := range n.Decisions {
		n.Decisions[i] = cleanText(n.Decisions[i])
	}
	for i := range items {
		items[i].OwnerText, items[i].Text = cleanText(items[i].OwnerText), cleanText(items[i].Text)
	}
}
