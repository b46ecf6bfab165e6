package digest

import (
	"strings"
	"time"
)

// zoneCities spells city names that an IANA id writes without accents or
// differently from how people say them.
var zoneCities = map[string]string{
	"America/Sao_Paulo": "São Paulo", "America/Bogota": "Bogotá", "America/Mexico_City": "Mexico City",
	"Asia/Kolkata": "India", "Asia/Calcutta": "India", "Asia/Ho_Chi_Minh": "Ho Chi Minh City",
	"Asia/Kathmandu": "Kathmandu", "Europe/Kiev": "Kyiv", "Europe/Kyiv": "Kyiv", "America/Cordoba": "Córdoba",
	"Atlantic/Reykjavik": "Reykjavík", "Europe/Zurich": "Zürich", "America/Asuncion": "Asunción",
	"UTC": "UTC", "Etc/UTC": "UTC", "Local": "local",
}

// ZoneName is how people name a time zone: the city of its IANA id with
// spaces ("America/New_York" → "New York", "America/Sao_Paulo" → "São
// Paulo"), "UTC" for UTC.
func ZoneName(loc *time.Location) string {
	if loc == nil {
		return "UTC"
	}
	id := loc.String()
	if n, ok := zoneCities[id]; ok {
		return n
	}
	city := id[strings.LastIndex(id, "/")+1:]
	return strings.ReplaceAll(city, "_", " ")
}
