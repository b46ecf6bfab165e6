package main

import (
	"strings"
	"testing"
	"time"
)

const validPair = `server:
  domain: t.example.com
teams:
  - slug: platform
    name: Platform
    timezone: Europe/Berlin
    members:
      - { email: ana@example.com, name: Ana, timezone: America/Sao_Paulo }
      - { email: ben@example.com, name: Ben, role: lead }
    one_on_ones:
      - lead: ben@example.com
        member: ana@example.com
        schedule: "every 2nd tue 15:00"
        prepare: 48h
`

func TestOneOnOneConfigDefaults(t *testing.T) {
	cfg, err := LoadConfig(writeConfig(t, validPair), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	specs := cfg.OneOnOneSpecs()
	if len(specs) != 1 {
		t.Fatalf("specs = %+v", specs)
	}
	s := specs[0]
	if s.Team != "platform" || s.Lead != "ben@example.com" || s.Member != "ana@example.com" || s.Schedule != "every 2nd tue 15:00" ||
		s.Prepare != 48*time.Hour || s.AgendaBefore != 3*time.Hour || s.ShareMood || len(s.Questions) != 3 || s.Questions[0].Key != "mood" {
		t.Errorf("spec = %+v", s)
	}
}

func TestBadOneOnOneNamesLine(t *testing.T) {
	for _, c := range []struct{ name, from, to, want string }{
		{"lead not in team", "lead: ben@example.com", "lead: cy@example.com", `:11: team "platform" one-on-one: lead "cy@example.com" is not a member`},
		{"member not in team", "member: ana@example.com", "member: dee@example.com", `:12: team "platform" one-on-one: member "dee@example.com" is not a member`},
		{"same person", "member: ana@example.com", "member: ben@example.com", `:12: team "platform" one-on-one: lead and member are the same person`},
		{"bad schedule", `"every 2nd tue 15:00"`, `"every 2nd tuesday-ish 15:00"`, `:13: one-on-one ben@example.com with ana@example.com: schedule`},
		{"daily schedule", `"every 2nd tue 15:00"`, `"mon-fri 15:00"`, `:13: one-on-one ben@example.com with ana@example.com: schedule "mon-fri 15:00" must name one weekday`},
		{"agenda after prepare", "prepare: 48h", "prepare: 2h", `:14: one-on-one ben@example.com with ana@example.com: agenda (3h0m0s) must be shorter than prepare (2h0m0s)`},
		{"agenda too long", "prepare: 48h", "prepare: 48h\n        agenda: 72h", `:15: one-on-one ben@example.com with ana@example.com: agenda (72h0m0s) must be shorter`},
		{"unknown key", "prepare: 48h", "prepare: 48h\n        share_moods: true", `:15: unknown key "share_moods"`},
		{"bad question", "prepare: 48h", "prepare: 48h\n        questions:\n          - { key: mood }", `:16: one-on-one ben@example.com with ana@example.com: each question`},
	} {
		t.Run(c.name, func(t *testing.T) {
			body := strings.Replace(validPair, c.from, c.to, 1)
			if body == validPair {
				t.Fatal("replacement did not apply")
			}
			p := writeConfig(t, body)
			_, err := LoadConfig(p, noEnv)
			if err == nil || !strings.HasPrefix(err.Error(), p) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error = %v, want it to start with the file and contain %q", err, c.want)
			}
		})
	}
}
