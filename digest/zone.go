package digest

import (
	"time"

	"github.com/tidings-app/tidings/templates"
)

// ZoneName is how people name a time zone ("America/New_York" → "New
// York", "America/Sao_Paulo" → "São Paulo", "Etc/UTC" → "UTC"): the one
// rule every email uses, templates.ZoneName, applied to a location. A nil
// location is UTC.
func ZoneName(loc *time.Location) string {
	if loc == nil {
		return "UTC"
	}
	return templates.ZoneName(loc.String())
}
