package main

import (
	"strings"
	"testing"
	"time"
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

// TestAuthSettings proves server.auth's defaults, its environment
// overrides and that a bad auth.dns is an error at its line.
func TestAuthSettings(t *testing.T) {
	cfg, err := LoadConfig(writeConfig(t, validTeam), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if a := cfg.Server.Auth; !a.TokenIsProof || a.DNS != "system" || a.DNSTimeout <= 0 || a.RequireDMARC {
		t.Errorf("defaults %+v", a)
	}
	env := map[string]string{"TIDINGS_AUTH_TOKEN_IS_PROOF": "false", "TIDINGS_AUTH_DNS": "127.0.0.1:5353", "TIDINGS_AUTH_DNS_TIMEOUT": "1s"}
	cfg, err = LoadConfig(writeConfig(t, validTeam), func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	if a := cfg.Server.Auth; a.TokenIsProof || a.DNS != "127.0.0.1:5353" || time.Duration(a.DNSTimeout) != time.Second {
		t.Errorf("from the environment %+v", a)
	}
	bad := strings.Replace(validTeam, "domain: t.example.com", "domain: t.example.com\n  auth:\n    dns: 8.8.8.8", 1)
	p := writeConfig(t, bad)
	if _, err := LoadConfig(p, noEnv); err == nil || !strings.Contains(err.Error(), p+":4: auth.dns") {
		t.Errorf("bad auth.dns: %v", err)
	}
}
