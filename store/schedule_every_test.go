package store

import (
	"strings"
	"testing"
	"time"
)

func TestParseEveryErrors(t *testing.T) {
	for _, c := range []struct{ spec, want string }{
		{"every 15:00", "want a day and a time"},
		{"every 2nd 15:00", `"2nd" is not one weekday`},
		{"every 2nd tue 25:00", "is not HH:MM"},
		{"every 99 weeks tue 15:00", "from 1 to 52"},
		{"monthly tue 15:00", "which weekday of the month"},
		{"every 2nd tux 15:00", "is not one weekday"},
		{"every tue 15:00 from 2026-12-08", "only applies to every N weeks"},
		{"every 2nd tue 15:00 from 8/12", "is not a YYYY-MM-DD date"},
	} {
		_, err := ParseSchedule(c.spec)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseSchedule(%q) = %v, want an error containing %q", c.spec, err, c.want)
		}
	}
}

func TestEveryNextOccurrences(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	ny, _ := time.LoadLocation("America/New_York")
	for _, c := range []struct {
		spec  string
		loc   *time.Location
		start string
		want  []string // successive Next, RFC 3339 in loc
	}{
		{"every tue 15:00", berlin, "2026-12-01T16:00:00+01:00",
			[]string{"2026-12-08T15:00:00+01:00", "2026-12-15T15:00:00+01:00"}},
		// Every second Tuesday across the spring-forward change: still 15:00 local.
		{"every 2nd tue 15:00 from 2026-03-17", berlin, "2026-03-01T00:00:00+01:00",
			[]string{"2026-03-03T15:00:00+01:00", "2026-03-17T15:00:00+01:00", "2026-03-31T15:00:00+02:00", "2026-04-14T15:00:00+02:00"}},
		{"every other tue 15:00 from 2026-03-10", berlin, "2026-03-01T00:00:00+01:00",
			[]string{"2026-03-10T15:00:00+01:00", "2026-03-24T15:00:00+01:00", "2026-04-07T15:00:00+02:00"}},
		{"every 3 weeks mon 09:30 from 2026-11-02", ny, "2026-10-20T00:00:00-04:00",
			[]string{"2026-11-02T09:30:00-05:00", "2026-11-23T09:30:00-05:00", "2026-12-14T09:30:00-05:00"}},
		{"monthly 1st tue 15:00", berlin, "2026-09-30T00:00:00+02:00",
			[]string{"2026-10-06T15:00:00+02:00", "2026-11-03T15:00:00+01:00", "2026-12-01T15:00:00+01:00"}},
		{"monthly last sun 02:30", berlin, "2026-03-01T00:00:00+01:00",
			// 02:30 does not exist on 29 March 2026 in Berlin: the end of the gap.
			[]string{"2026-03-29T03:00:00+02:00", "2026-04-26T02:30:00+02:00"}},
		// 01:30 happens twice on 1 November 2026 in New York: the first.
		{"monthly 1st sun 01:30", ny, "2026-10-15T00:00:00-04:00",
			[]string{"2026-11-01T01:30:00-04:00", "2026-12-06T01:30:00-05:00"}},
		{"biweekly thu 10:00 from 2026-12-03", berlin, "2026-12-01T00:00:00+01:00",
			[]string{"2026-12-03T10:00:00+01:00", "2026-12-17T10:00:00+01:00", "2026-12-31T10:00:00+01:00"}},
	} {
		s, err := ParseSchedule(c.spec)
		if err != nil {
			t.Fatalf("ParseSchedule(%q): %v", c.spec, err)
		}
		at, _ := time.Parse(time.RFC3339, c.start)
		for i, w := range c.want {
			at = s.Next(at, c.loc)
			if got := at.In(c.loc).Format(time.RFC3339); got != w {
				t.Errorf("%s: occurrence %d = %s, want %s", c.spec, i+1, got, w)
				break
			}
		}
		if s.String() != c.spec {
			t.Errorf("String() = %q, want %q", s.String(), c.spec)
		}
		// Prev is the inverse of Next.
		if p := s.Prev(at, c.loc); !p.Equal(at) {
			t.Errorf("%s: Prev(%s) = %s", c.spec, at, p)
		}
	}
}

func TestEveryPhaseDefaultIsStable(t *testing.T) {
	s, err := ParseSchedule("every 2nd tue 15:00")
	if err != nil {
		t.Fatal(err)
	}
	utc := time.UTC
	a := s.Next(time.Date(2026, 12, 1, 0, 0, 0, 0, utc), utc)
	b := s.Next(a, utc)
	if b.Sub(a) != 14*24*time.Hour || a.Weekday() != time.Tuesday {
		t.Errorf("every 2nd tue: %s then %s", a, b)
	}
}
