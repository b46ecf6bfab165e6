package templates

import (
	"strings"
	"testing"
	"time"
)

func TestZoneName(t *testing.T) {
	for id, want := range map[string]string{
		"America/Sao_Paulo":              "São Paulo",
		"America/New_York":               "New York",
		"America/Los_Angeles":            "Los Angeles",
		"America/Argentina/Buenos_Aires": "Buenos Aires",
		"America/Indiana/Indianapolis":   "Indianapolis",
		"Europe/Berlin":                  "Berlin",
		"Europe/Zurich":                  "Zürich",
		"Asia/Kolkata":                   "Kolkata",
		"Asia/Calcutta":                  "Kolkata",
		"Asia/Kathmandu":                 "Kathmandu",
		"Australia/Sydney":               "Sydney",
		"UTC":                            "UTC",
		"Etc/UTC":                        "UTC",
		"Etc/GMT+5":                      "UTC−5",
		"Etc/GMT-10":                     "UTC+10",
		"PST8PDT":                        "US Pacific",
		"US/Eastern":                     "US Eastern",
		"":                               "local",
		"Local":                          "local",
		"Mars/Olympus_Mons":              "Olympus Mons",
	} {
		if got := ZoneName(id); got != want {
			t.Errorf("ZoneName(%q) = %q, want %q", id, got, want)
		}
	}
}

func TestZoneNameOfEveryLoadableZoneIsReadable(t *testing.T) {
	for _, id := range []string{"America/North_Dakota/New_Salem", "Antarctica/DumontDUrville", "Pacific/Port_Moresby"} {
		if _, err := time.LoadLocation(id); err != nil {
			t.Skipf("no tzdata: %v", err)
		}
		if got := ZoneName(id); strings.ContainsAny(got, "_/") {
			t.Errorf("ZoneName(%q) = %q", id, got)
		}
	}
}

func TestBothZones(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	sp, _ := time.LoadLocation("America/Sao_Paulo")
	berlin, _ := time.LoadLocation("Europe/Berlin")
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	fri := time.Date(2026, 11, 27, 17, 0, 0, 0, ny)
	for _, c := range []struct {
		reader *time.Location
		want   string
	}{
		{ny, "17:00 New York time"},
		{berlin, "17:00 New York / 23:00 your time"},
		{sp, "17:00 New York / 19:00 your time"},
		{tokyo, "Fri 17:00 New York / Sat 07:00 your time"},
	} {
		if got := BothZones(fri, ny, c.reader, false); got != c.want {
			t.Errorf("BothZones(%s) = %q, want %q", c.reader, got, c.want)
		}
	}
	if got := BothZones(fri, ny, berlin, true); got != "17:00\u00a0New York / 23:00\u00a0your time" {
		t.Errorf("nbsp form = %q", got)
	}
}

func TestWrap(t *testing.T) {
	long := strings.Repeat("word ", 30)
	for _, c := range []struct{ in, want string }{
		{"short line", "short line"},
		{"  • " + long, "  • word word word word word word word word word word word word word word word\n" +
			"    word word word word word word word word word word word word word word word"},
		{"2. " + long, "2. word word word word word word word word word word word word word word word\n" +
			"   word word word word word word word word word word word word word word word"},
		{"> " + long, "> word word word word word word word word word word word word word word word\n" +
			"> word word word word word word word word word word word word word word word"},
		{"Stop these emails: https://tidings.example.com/u/" + strings.Repeat("x", 60),
			"Stop these emails:\nhttps://tidings.example.com/u/" + strings.Repeat("x", 60)},
	} {
		got := Wrap(c.in, 78)
		if got != c.want {
			t.Errorf("Wrap(%q) =\n%s\nwant\n%s", c.in, got, c.want)
		}
		if again := Wrap(got, 78); again != got {
			t.Errorf("Wrap is not idempotent on %q", got)
		}
		if ll := LongLines(got, 78); len(ll) > 0 {
			t.Errorf("long lines left: %q", ll)
		}
	}
}
