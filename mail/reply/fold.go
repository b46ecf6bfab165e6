package reply

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Cheap necessary conditions for case-insensitive regexps that are tried
// on every line of a message (meeting notes are read line by line). Each
// says "cannot match" only when the regexp cannot; prefilter_test.go and
// FuzzPrefilters hold them to that.

// foldRune maps r to the smallest rune of its simple case-folding orbit,
// the equivalence a (?i) regexp uses: 'k', 'K' and the Kelvin sign all map
// to 'K', 's', 'S' and 'ſ' to 'S'.
func foldRune(r rune) rune {
	if r < utf8.RuneSelf { // an ASCII capital is the smallest of its orbit
		if 'a' <= r && r <= 'z' {
			return r - ('a' - 'A')
		}
		return r
	}
	m := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		m = min(m, f)
	}
	return m
}

// foldKey maps every rune of s with foldRune: two strings are equal under
// (?i) exactly when their keys are.
func foldKey(s string) string { return strings.Map(foldRune, s) }

// prefixFilter is a necessary condition for a case-insensitive regexp
// anchored at the start whose text begins with an alternation: a match
// starts with the leading literal of one of the alternatives.
type prefixFilter struct {
	byFirst map[rune][]string // fold keys of the leading literals, by first rune
	always  bool              // an alternative has no leading literal
}

// newPrefixFilter reads the leading literal of each top-level alternative
// of alternation (regexp syntax): its runes up to the first operator,
// less the last one when that operator makes it optional (?, * or {).
func newPrefixFilter(alternation string) prefixFilter {
	f := prefixFilter{byFirst: map[rune][]string{}}
	for _, alt := range splitTopLevel(alternation) {
		lit := leadingLiteral(alt)
		if lit == "" {
			f.always = true
			continue
		}
		k := foldKey(lit)
		first, _ := utf8.DecodeRuneInString(k)
		f.byFirst[first] = append(f.byFirst[first], k)
	}
	return f
}

// may reports whether s can start with one of the alternatives.
func (f prefixFilter) may(s string) bool {
	if f.always {
		return true
	}
	r, size := utf8.DecodeRuneInString(s)
	lits := f.byFirst[foldRune(r)]
	if len(lits) == 0 {
		return false
	}
	// Fold only as much of s as the longest literal can need.
	n := size
	for _, l := range lits {
		n = max(n, len(l))
	}
	n = min(len(s), n*utf8.UTFMax)
	k := foldKey(s[:n])
	for _, l := range lits {
		if strings.HasPrefix(k, l) {
			return true
		}
	}
	return false
}

// splitTopLevel splits a regexp alternation at the | outside groups and
// classes.
func splitTopLevel(re string) []string {
	var out []string
	depth, class, start := 0, false, 0
	for i := 0; i < len(re); i++ {
		switch c := re[i]; {
		case c == '\\':
			i++
		case class:
			class = c != ']'
		case c == '[':
			class = true
		case c == '(':
			depth++
		case c == ')':
			depth--
		case c == '|' && depth == 0:
			out = append(out, re[start:i])
			start = i + 1
		}
	}
	return append(out, re[start:])
}

// leadingLiteral returns the literal text a regexp alternative starts
// with, or "" when it starts with an operator.
func leadingLiteral(alt string) string {
	end := strings.IndexAny(alt, `\.+*?()|[]{}^$`)
	if end < 0 {
		return alt
	}
	lit := alt[:end]
	if strings.ContainsRune("?*{", rune(alt[end])) && lit != "" {
		_, size := utf8.DecodeLastRuneInString(lit)
		lit = lit[:len(lit)-size] // the quantifier makes the last rune optional
	}
	return lit
}

// containsFold reports whether s contains one of keys (fold keys) under
// (?i) equivalence.
func containsFold(s string, keys []string) bool {
	k := foldKey(s)
	for _, sub := range keys {
		if strings.Contains(k, sub) {
			return true
		}
	}
	return false
}
