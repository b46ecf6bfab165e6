package inbound

import (
	"fmt"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"
)

// resolveZone turns what a member wrote after "timezone" into an IANA
// zone: an IANA name in any case ("europe/berlin"), a city of the tz
// database ("Berlin", "São Paulo", "new york"), UTC, or "default" (the
// empty string: back to the configured zone).
func resolveZone(s string) (string, error) {
	s = strings.TrimSpace(strings.TrimRight(s, "."))
	switch strings.ToLower(s) {
	case "default", "reset", "config":
		return "", nil
	case "utc", "gmt", "z":
		return "UTC", nil
	}
	want := cityKey(s)
	for _, name := range strings.Split(zoneNames, "\n") {
		if strings.EqualFold(name, s) {
			return name, nil
		}
	}
	var found []string
	for _, name := range strings.Split(zoneNames, "\n") {
		if cityKey(name[strings.LastIndexByte(name, '/')+1:]) == want {
			found = append(found, name)
		}
	}
	if len(found) > 0 {
		// Links come after their zones only by name; prefer a name whose
		// location loads and is canonical-looking (the shortest region).
		best := found[0]
		for _, f := range found[1:] {
			if len(f) < len(best) {
				best = f
			}
		}
		if _, err := time.LoadLocation(best); err == nil {
			return best, nil
		}
	}
	if strings.Contains(s, "/") {
		if _, err := time.LoadLocation(s); err == nil {
			return s, nil
		}
	}
	return "", fmt.Errorf("inbound: unknown time zone %q", s)
}

// cityKey folds a city for comparison: lower case, no accents, spaces and
// underscores alike.
func cityKey(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case r == '_' || r == ' ' || r == '-':
			b.WriteByte(' ')
		case r >= 0x300 && r <= 0x36f: // combining accents
		default:
			b.WriteRune(r)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}
