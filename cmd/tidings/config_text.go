package main

import (
	"strings"
	"unicode"
)

// badRune reports characters that may not appear in a name or question:
// control characters (CR, LF, tab, NUL, ...), Unicode line and paragraph
// separators, and bidirectional overrides and isolates, which would let a
// name inject a header line or display as something else in a mail.
func badRune(r rune) bool {
	return unicode.IsControl(r) || r == '\u2028' || r == '\u2029' ||
		(r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069')
}

// checkText returns an error at path when s holds a badRune.
func (c *Config) checkText(what, s string, path []any) error {
	if i := strings.IndexFunc(s, badRune); i >= 0 {
		r := []rune(s[i:])[0]
		return c.errAt("%s %q contains the control character %U; names and questions must be one line of text", path, what, s, r)
	}
	return nil
}

// validateText checks every name and text that ends up in a mail:
// team names, member names, check-in names, question keys, texts and
// aliases.
func (c *Config) validateText() error {
	for i, t := range c.Teams {
		at := []any{"teams", i}
		if err := c.checkText("team name", t.Name, append(at, "name")); err != nil {
			return err
		}
		for j, m := range t.Members {
			if err := c.checkText("member name", m.Name, append(append([]any{}, at...), "members", j, "name")); err != nil {
				return err
			}
		}
		for j, ci := range t.CheckIns {
			cat := append(append([]any{}, at...), "checkins", j)
			if err := c.checkText("check-in name", ci.Name, append(cat, "name")); err != nil {
				return err
			}
			for k, q := range ci.Questions {
				qat := append(append([]any{}, cat...), "questions", k)
				for _, f := range []struct{ what, v, key string }{{"question key", q.Key, "key"}, {"question text", q.Text, "text"}} {
					if err := c.checkText(f.what, f.v, append(qat, f.key)); err != nil {
						return err
					}
				}
				for _, a := range q.Aliases {
					if err := c.checkText("question alias", a, append(qat, "aliases")); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}
