package reply

import (
	"strings"
	"unicode"
)

// Results of MatchItem besides an index.
const (
	NoItemMatch    = -1 // no text matches
	AmbiguousItems = -2 // several texts match equally well
)

// itemStopWords carry no meaning for matching "done: the rollout doc".
var itemStopWords = map[string]bool{"the": true, "a": true, "an": true, "to": true, "for": true, "of": true,
	"on": true, "and": true, "with": true, "in": true, "my": true, "our": true, "is": true, "it": true}

// MatchItem returns the index of the one action item text that the query
// of a "done: …" command names, NoItemMatch, or AmbiguousItems. The best tier wins: the same words (1st), the query as a
// prefix of the item or a phrase inside it (2nd), every query word found
// at the start of an item word (3rd), at least two thirds of the query's
// words found (4th). Two texts on the best tier are ambiguous.
func MatchItem(query string, texts []string) int {
	q := ItemWords(query)
	if len(q) == 0 {
		return NoItemMatch
	}
	best, bestTier, count := NoItemMatch, 0, 0
	for i, t := range texts {
		tier := ItemTier(q, ItemWords(t))
		switch {
		case tier == 0 || tier < bestTier:
		case tier > bestTier:
			best, bestTier, count = i, tier, 1
		default:
			count++
		}
	}
	if count > 1 {
		return AmbiguousItems
	}
	return best
}

// ItemTier is how well the query words q name an item with the words w:
// 4 the same words, 3 a prefix or phrase, 2 every query word found (a
// word or the start of one), 1 two thirds of them, 0 not at all.
func ItemTier(q, w []string) int {
	qs, ws := strings.Join(q, " "), strings.Join(w, " ")
	switch {
	case qs == ws:
		return 4
	case strings.HasPrefix(ws+" ", qs+" ") || strings.Contains(" "+ws+" ", " "+qs+" "):
		return 3
	}
	found := 0
	for _, a := range q {
		for _, b := range w {
			if a == b || (len(a) >= 3 && strings.HasPrefix(b, a)) {
				found++
				break
			}
		}
	}
	switch {
	case found == len(q):
		return 2
	case len(q) >= 2 && found*3 >= len(q)*2:
		return 1
	}
	return 0
}

// ItemWords lowercases s, splits it on anything but letters and digits, and
// drops stop words.
func ItemWords(s string) []string {
	f := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	out := f[:0]
	for _, w := range f {
		if !itemStopWords[w] {
			out = append(out, w)
		}
	}
	return out
}
