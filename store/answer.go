package store

import "strings"

// SaysNothing reports whether the answer says nothing: the Negative
// verdict recorded when it was filed, else (answers filed before verdicts
// were recorded) judge's verdict on its text. A nil judge counts only a
// blank answer as saying nothing.
func (a Answer) SaysNothing(judge func(text string) bool) bool {
	switch {
	case a.Negative != nil:
		return *a.Negative
	case judge != nil:
		return judge(a.Text)
	}
	return strings.Trim(a.Text, " \t\r\n*_`") == ""
}

// Judged returns as with each answer's Negative verdict set by judge
// (mail/inbound passes reply.IsNegative).
func Judged(as []Answer, judge func(text string) bool) []Answer {
	out := make([]Answer, len(as))
	for i, a := range as {
		neg := judge(a.Text)
		a.Negative = &neg
		out[i] = a
	}
	return out
}
