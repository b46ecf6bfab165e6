package reply

import "testing"

func TestSubjectCommand(t *testing.T) {
	for subject, want := range map[string]string{
		"unsubscribe":                       "unsubscribe",
		"Unsubscribe":                       "unsubscribe",
		"Re: Unsubscribe":                   "unsubscribe",
		"RE: AW: unsubscribe.":              "unsubscribe",
		"Unsubscribe from Tidings":          "unsubscribe",
		"unsubscribe - Daily check-in":      "unsubscribe",
		"Re: skip: Daily check-in":          "skip",
		"ooo until Dec 3 - Daily check-in":  "away",
		"help":                              "help",
		"Re: Daily check-in · Tue 24 Nov":   "",
		"Re: Skipping lunch":                "",
		"":                                  "",
		"Re: ":                              "",
		"Re: done: ship the migration plan": "done",
		"Backlog grooming":                  "",
	} {
		c, ok := subjectCommand(subject, testNow, func(string) {})
		if got := c.Name; got != want || ok != (want != "") {
			t.Errorf("subjectCommand(%q) = %q %v, want %q", subject, got, ok, want)
		}
	}
}
