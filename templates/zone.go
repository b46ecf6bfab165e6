package templates

import (
	"strconv"
	"strings"
	"time"
)

// zoneNames are the IANA ids whose readable name is not simply their last
// part with spaces: abbreviations people use where they are unambiguous,
// renamed cities, and city names IANA spells without their accents.
var zoneNames = map[string]string{
	"UTC": "UTC", "Etc/UTC": "UTC", "Etc/UCT": "UTC", "UCT": "UTC", "Etc/Universal": "UTC", "Universal": "UTC",
	"Etc/Zulu": "UTC", "Zulu": "UTC", "GMT": "UTC", "Etc/GMT": "UTC", "Etc/GMT0": "UTC", "Etc/GMT+0": "UTC",
	"Etc/GMT-0": "UTC", "GMT0": "UTC", "Etc/Greenwich": "UTC", "Greenwich": "UTC",
	"EST5EDT": "US Eastern", "US/Eastern": "US Eastern", "CST6CDT": "US Central", "US/Central": "US Central",
	"MST7MDT": "US Mountain", "US/Mountain": "US Mountain", "PST8PDT": "US Pacific", "US/Pacific": "US Pacific",
	"US/Alaska": "Alaska", "US/Hawaii": "Hawaii", "HST": "Hawaii", "US/Arizona": "Arizona",
	"CET": "CET", "MET": "CET", "EET": "EET", "WET": "WET",
	"Asia/Calcutta": "Kolkata", "Asia/Saigon": "Ho Chi Minh City", "Asia/Katmandu": "Kathmandu",
	"Europe/Kiev": "Kyiv", "Asia/Rangoon": "Yangon", "Asia/Ulan_Bator": "Ulaanbaatar",
}

// accented are city parts IANA writes in ASCII.
var accented = map[string]string{
	"Sao Paulo": "São Paulo", "Bogota": "Bogotá", "Asuncion": "Asunción", "Cancun": "Cancún",
	"Merida": "Mérida", "Reykjavik": "Reykjavík", "Zurich": "Zürich", "Cordoba": "Córdoba",
	"Belem": "Belém", "Maceio": "Maceió", "Araguaina": "Araguaína", "Cuiaba": "Cuiabá",
	"Santarem": "Santarém", "Curacao": "Curaçao", "Tucuman": "Tucumán", "Noumea": "Nouméa",
	"Lome": "Lomé", "Sao Tome": "São Tomé", "Ndjamena": "N’Djamena", "Montreal": "Montréal",
}

// ZoneName is how people name the time zone with IANA id: the city part
// with spaces ("America/Sao_Paulo" → "São Paulo", "America/Argentina/
// Buenos_Aires" → "Buenos Aires"), an abbreviation where one is
// well known and unambiguous ("Etc/UTC" → "UTC", "Etc/GMT+5" → "UTC−5",
// "PST8PDT" → "US Pacific"), and "local" for "" and "Local". Unknown ids
// are returned by the same rule; it never fails. Use it as "São Paulo
// time".
func ZoneName(id string) string {
	id = strings.TrimSpace(id)
	switch {
	case id == "" || id == "Local":
		return "local"
	case zoneNames[id] != "":
		return zoneNames[id]
	case strings.HasPrefix(id, "Etc/GMT"):
		// POSIX sign: Etc/GMT+5 is five hours behind UTC.
		if n, err := strconv.Atoi(strings.TrimPrefix(id, "Etc/GMT")); err == nil {
			if n > 0 {
				return "UTC−" + strconv.Itoa(n)
			}
			return "UTC+" + strconv.Itoa(-n)
		}
	}
	city := id
	if i := strings.LastIndexByte(id, '/'); i >= 0 {
		city = id[i+1:]
	}
	city = strings.ReplaceAll(city, "_", " ")
	if a, ok := accented[city]; ok {
		return a
	}
	return city
}

// ZoneOf is ZoneName of t's location.
func ZoneOf(t time.Time) string { return ZoneName(t.Location().String()) }

// BothZones says instant t for a reader in zone reader when it was set in
// zone home (a team's digest, a meeting): "17:00 New York time" when both
// zones read the same clock, else "17:00 New York / 23:00 your time",
// with the weekday in front of both when the day differs there ("Fri 17:00
// New York / Sat 01:00 your time"). Spaces inside each time are
// non-breaking when nbsp is true (for HTML).
func BothZones(t time.Time, home, reader *time.Location, nbsp bool) string {
	h, r := t.In(home), t.In(reader)
	sp := " "
	if nbsp {
		sp = "\u00a0"
	}
	if h.Format("Mon 15:04") == r.Format("Mon 15:04") {
		return h.Format("15:04") + sp + ZoneOf(h) + " time"
	}
	layout := "15:04"
	if h.Weekday() != r.Weekday() {
		layout = "Mon" + sp + "15:04"
	}
	return h.Format(layout) + sp + ZoneOf(h) + " / " + r.Format(layout) + sp + "your time"
}

// NBSP replaces the spaces of s by non-breaking spaces, so that a date
// such as "Tue 8 Dec" never breaks across lines in HTML.
func NBSP(s string) string { return strings.ReplaceAll(s, " ", "\u00a0") }
