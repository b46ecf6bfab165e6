package main

import (
	"fmt"
	"strings"

	"github.com/tidings-app/tidings/store"
)

// configSummary counts what a configuration declares: "1 team, 3
// members, 1 check-in, 2 holidays" (a member in two teams counts once).
func configSummary(cfg *Config) string {
	members := map[string]bool{}
	var checkins, holidays int
	for _, t := range cfg.Teams {
		for _, m := range t.Members {
			members[strings.ToLower(m.Email)] = true
		}
		checkins += len(t.CheckIns)
		holidays += len(t.holidays)
	}
	parts := []string{plural(len(cfg.Teams), "team", "teams"), plural(len(members), "member", "members"),
		plural(checkins, "check-in", "check-ins")}
	if holidays > 0 {
		parts = append(parts, plural(holidays, "holiday", "holidays"))
	}
	return strings.Join(parts, ", ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// printNotes prints what the lead should know after an apply that is not
// a change (a member added back who had unsubscribed).
func printNotes(a *app, ch store.Changes) {
	for _, n := range ch.Notes {
		fmt.Fprintf(a.stdout, "note     %s\n", n)
	}
}
