package reply

import (
	"testing"
	"time"
)

func TestMemberCommands(t *testing.T) {
	cases := map[string]Command{
		"subscribe":                {Name: "subscribe"},
		"Resubscribe.":             {Name: "subscribe"},
		"timezone Berlin":          {Name: "timezone", Text: "Berlin"},
		"Time zone: Europe/Berlin": {Name: "timezone", Text: "Europe/Berlin"},
		"tz São Paulo":             {Name: "timezone", Text: "São Paulo"},
		"prompt at 10:00":          {Name: "prompt_at", Text: "10:00"},
		"prompt at 9am":            {Name: "prompt_at", Text: "09:00"},
		"check-in at 3:15 pm":      {Name: "prompt_at", Text: "15:15"},
		"days mon-thu":             {Name: "days", Text: "mon-thu"},
		"Days: mon, wed, fri":      {Name: "days", Text: "mon,wed,fri"},
		"digest off":               {Name: "digest", Text: "off"},
		"digest weekly":            {Name: "digest", Text: "weekly"},
	}
	ref := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	for in, want := range cases {
		got, ok := parseCommand(in, ref, func(string) {})
		if !ok || got != want {
			t.Errorf("%q = %+v, %v; want %+v", in, got, ok, want)
		}
	}
	for _, in := range []string{"prompt 3", "days off next week were great", "digest of the week", "timezone"} {
		if c, ok := parseCommand(in, ref, func(string) {}); ok {
			t.Errorf("%q read as a command: %+v", in, c)
		}
	}
}
