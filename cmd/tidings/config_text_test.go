package main

import (
	"strings"
	"testing"
)

// TestControlCharactersInNames proves CR, LF, other control characters,
// line separators and bidi overrides in names and questions are errors
// naming the file and line, from the file and from YAML escapes alike.
func TestControlCharactersInNames(t *testing.T) {
	cases := []struct{ name, from, to, want string }{
		{"CR LF in member name", "name: Ana }", `name: "Ana\r\nBcc: evil@example.com" }`, `:8: member name "Ana\r\nBcc: evil@example.com" contains the control character U+000D`},
		{"LF in team name", "name: Platform", `name: "Plat\nform"`, `:5: team name`},
		{"NUL in check-in name", "- name: daily", `- name: "dai\x00ly"`, `:10: check-in name`},
		{"tab in question text", `text: "Done?"`, `text: "Done?\tNow"`, `:13: question text`},
		{"line separator in question", `text: "Done?"`, "text: \"Done?\u2028Bcc\"", `U+2028`},
		{"bidi override in member name", "name: Ana }", "name: \"Ana\u202egnp.exe\" }", `U+202E`},
		{"question key", "key: done", `key: "do\rne"`, `question key`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body := strings.Replace(validTeam, c.from, c.to, 1)
			if body == validTeam {
				t.Fatal("replacement did not apply")
			}
			p := writeConfig(t, body)
			_, err := LoadConfig(p, noEnv)
			if err == nil {
				t.Fatal("accepted")
			}
			if !strings.HasPrefix(err.Error(), p) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error = %q, want it to start with the file and contain %q", err, c.want)
			}
		})
	}
	ok := strings.Replace(validTeam, "name: Ana }", `name: "Lucía Fernández-O'Brien 李" }`, 1)
	if _, err := LoadConfig(writeConfig(t, ok), noEnv); err != nil {
		t.Errorf("ordinary Unicode name refused: %v", err)
	}
}
