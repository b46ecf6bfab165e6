package meeting

import (
	"strings"
	"unicode"
)

// Match results of matchItem.
const (
	noMatch   = -1
	ambiguous = -2
)

// stopWords carry no meaning for matching "done: the rollout doc".
var stopWords = map[string]bool{"the": true, "a": true, "an": true, "to": true, "for": true, "of": true,
	"on": true, "and": true, "with": true, "in": true, "my": true, "our": true, "is": true, "it": true}

// matchItem returns the index of the one text that query names, noMatch,
// or ambiguous. The best tier wins: the same words (1st), the query as a
// prefix of the item or a phrase inside it (2nd), every query word found
// at the start of an item word (3rd), at least two thirds of the query's
// words found (4th). Two texts on the best tier are ambiguous.
func matchItem(query string, texts []string) int {
	q := words(query)
	if len(q) == 0 {
		return noMatch
	}
	best, bestTier, count := noMatch, 0, 0
	for i, t := range texts {
		tier := matchTier(q, words(t))
		switch {
		case tier == 0 || tier < bestTier:
		case tier > bestTier:
			best, bestTier, count = i, tier, 1
		default:
			count++
		}
	}
	if count > 1 {
		return ambiguous
	}
	return best
}

func matchTier(q, w []string) int {
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

// words lowercases s, splits it on anything but letters and digits, and
// drops stop words.
func words(s string) []string {
	f := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	out := f[:0]
	for _, w := range f {
		if !stopWords[w] {
			out = append(out, w)
		}
	}
	return out
}
