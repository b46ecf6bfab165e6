package store

import (
	"testing"
	"time"
)

func mustLoc(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestParseScheduleErrors(t *testing.T) {
	for _, bad := range []string{"", "09:00", "mon-fri 9", "mon-fri 25:00", "funday 09:00", "mon-fri 09:60", "0 9 * *", "61 9 * * *"} {
		if _, err := ParseSchedule(bad); err == nil {
			t.Errorf("ParseSchedule(%q) accepted", bad)
		}
	}
}

func TestScheduleLocalTimeAcrossDST(t *testing.T) {
	cases := []struct {
		zone, spec string
		after      string // RFC 3339
		want       []string
	}{
		// New York springs forward on 2026-03-08: 09:00 stays 09:00 local.
		{"America/New_York", "daily 09:00", "2026-03-07T10:00:00-05:00",
			[]string{"2026-03-08T09:00:00-04:00", "2026-03-09T09:00:00-04:00"}},
		// 02:30 does not exist on 2026-03-08 in New York: the gap ends at 03:00.
		{"America/New_York", "daily 02:30", "2026-03-07T03:00:00-05:00",
			[]string{"2026-03-08T03:00:00-04:00", "2026-03-09T02:30:00-04:00"}},
		// 01:30 happens twice on 2026-11-01 in New York: fired once.
		{"America/New_York", "daily 01:30", "2026-10-31T02:00:00-04:00",
			[]string{"2026-11-01T01:30:00-04:00", "2026-11-02T01:30:00-05:00"}},
		// Berlin: 02:30 skipped on 2026-03-29, repeated on 2026-10-25.
		{"Europe/Berlin", "daily 02:30", "2026-03-28T12:00:00+01:00",
			[]string{"2026-03-29T03:00:00+02:00", "2026-03-30T02:30:00+02:00"}},
		{"Europe/Berlin", "daily 02:30", "2026-10-24T12:00:00+02:00",
			[]string{"2026-10-25T02:30:00+02:00", "2026-10-26T02:30:00+01:00"}},
		// Sydney (southern hemisphere) springs forward on 2026-10-04 and falls back on 2026-04-05.
		{"Australia/Sydney", "daily 02:15", "2026-10-03T12:00:00+10:00",
			[]string{"2026-10-04T03:00:00+11:00", "2026-10-05T02:15:00+11:00"}},
		{"Australia/Sydney", "mon-fri 09:00", "2026-04-02T12:00:00+11:00",
			[]string{"2026-04-03T09:00:00+11:00", "2026-04-06T09:00:00+10:00"}},
		{"Australia/Sydney", "daily 02:30", "2026-04-04T12:00:00+11:00",
			[]string{"2026-04-05T02:30:00+11:00", "2026-04-06T02:30:00+10:00"}},
		// Half-hour and 45-minute zones.
		{"Asia/Kolkata", "mon-fri 09:00", "2026-11-27T12:00:00+05:30",
			[]string{"2026-11-30T09:00:00+05:30", "2026-12-01T09:00:00+05:30"}},
		{"Asia/Kathmandu", "fri 16:00", "2026-11-26T00:00:00+05:45",
			[]string{"2026-11-27T16:00:00+05:45", "2026-12-04T16:00:00+05:45"}},
		// Cron spec, weekdays at 09:30.
		{"Europe/Berlin", "30 9 * * 1-5", "2026-11-27T10:00:00+01:00",
			[]string{"2026-11-30T09:30:00+01:00", "2026-12-01T09:30:00+01:00"}},
	}
	for _, c := range cases {
		s, err := ParseSchedule(c.spec)
		if err != nil {
			t.Fatal(err)
		}
		loc := mustLoc(t, c.zone)
		at, _ := time.Parse(time.RFC3339, c.after)
		for _, w := range c.want {
			want, _ := time.Parse(time.RFC3339, w)
			got := s.Next(at, loc)
			if !got.Equal(want) {
				t.Errorf("%s %q Next(%s) = %s, want %s", c.zone, c.spec, at.In(loc), got.In(loc), want)
			}
			if p := s.Prev(got, loc); !p.Equal(got) {
				t.Errorf("%s %q Prev(%s) = %s", c.zone, c.spec, got, p)
			}
			at = got
		}
	}
}

func TestSchedulePeriods(t *testing.T) {
	loc := mustLoc(t, "America/New_York")
	at := time.Date(2026, 11, 24, 9, 0, 0, 0, loc)
	for spec, want := range map[string]string{
		"mon-fri 09:00": "2026-11-24", "tue 09:00": "2026-W48", "daily 09:00": "2026-11-24",
		"0 9,15 * * *": "2026-11-24T09:00",
	} {
		s, err := ParseSchedule(spec)
		if err != nil {
			t.Fatal(err)
		}
		if got := s.Period(at, loc); got != want {
			t.Errorf("%q Period = %s, want %s", spec, got, want)
		}
	}
}

func TestScheduleBetween(t *testing.T) {
	loc := mustLoc(t, "Europe/Berlin")
	s, _ := ParseSchedule("mon-fri 09:00")
	from := time.Date(2026, 11, 20, 10, 0, 0, 0, loc) // Friday after 09:00
	to := time.Date(2026, 11, 25, 9, 0, 0, 0, loc)    // Wednesday 09:00
	got := s.Between(from, to, loc, 10)
	if len(got) != 3 || got[0].Day() != 23 || got[2].Day() != 25 {
		t.Errorf("Between = %v", got)
	}
	if got := s.Between(from, to, loc, 2); len(got) != 2 || got[1].Day() != 25 {
		t.Errorf("Between with limit = %v", got)
	}
}
