package outbound

import (
	"strings"
	"testing"
	"time"
)

func TestDescribeDigest(t *testing.T) {
	load := func(n string) *time.Location {
		l, err := time.LoadLocation(n)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	ny := load("America/New_York")
	mon := time.Date(2026, 11, 23, 9, 0, 0, 0, ny)
	for _, c := range []struct {
		spec, reader, want string
	}{
		{"fri 17:00", "America/New_York", "Fridays at 17:00 New York time"},
		{"fri 17:00", "America/Toronto", "Fridays at 17:00 New York time"},
		{"fri 17:00", "Europe/Berlin", "Fridays at 17:00 New York / 23:00 your time"},
		{"fri 17:00", "Asia/Tokyo", "Fridays at 17:00 New York time (Saturdays at 07:00 your time)"},
		{"mon,thu 17:00", "Asia/Tokyo", "Mondays, Thursdays at 17:00 New York time (Tue 07:00 your time)"},
		{"0 17 * * 5", "Europe/Berlin", `on the schedule "0 17 * * 5" (New York time)`},
	} {
		got := strings.ReplaceAll(describeDigest(c.spec, ny, load(c.reader), mon), "\u00a0", " ")
		if got != c.want {
			t.Errorf("describeDigest(%q, %s) = %q, want %q", c.spec, c.reader, got, c.want)
		}
	}
}

func TestNextWeekday(t *testing.T) {
	for _, c := range []struct {
		day  int // November 2026; the 23rd is a Monday
		want string
	}{{23, "Nov 26"}, {25, "Nov 26"}, {26, "Dec 3"}, {27, "Dec 3"}, {29, "Dec 3"}} {
		if got := nextWeekday(time.Date(2026, 11, c.day, 10, 0, 0, 0, time.UTC), time.Thursday); got != c.want {
			t.Errorf("next Thursday after Nov %d = %q, want %q", c.day, got, c.want)
		}
	}
}

func TestShortTeam(t *testing.T) {
	for in, want := range map[string]string{"Platform team": "Platform", "Platform Team": "Platform", "Platform": "Platform", "team": "team", "Steam": "Steam"} {
		if got := shortTeam(in); got != want {
			t.Errorf("shortTeam(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestUntil(t *testing.T) {
	sp, _ := time.LoadLocation("America/Sao_Paulo")
	berlin, _ := time.LoadLocation("Europe/Berlin")
	due := time.Date(2026, 12, 7, 9, 0, 0, 0, sp)
	for _, c := range []struct {
		closes time.Time
		want   string
	}{
		{due.Add(12 * time.Hour), "21:00 São Paulo time"},
		{time.Date(2026, 12, 8, 5, 0, 0, 0, berlin), "Tue 8 Dec 05:00 Berlin time"},
		{time.Time{}, ""},
	} {
		d := due.In(c.closes.Location())
		if got := strings.ReplaceAll(until(d, c.closes), "\u00a0", " "); got != c.want {
			t.Errorf("until(%v) = %q, want %q", c.closes, got, c.want)
		}
	}
}
