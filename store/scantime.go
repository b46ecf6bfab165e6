package store

import (
	"fmt"
	"time"
)

// scanTime scans a time column: a time.Time (PostgreSQL, or SQLite's
// driver on a DATETIME column), NULL (the zero time) or the text SQLite
// stores, parsed by parseSQLiteTime.
type scanTime time.Time

// Scan implements sql.Scanner.
func (t *scanTime) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*t = scanTime{}
	case time.Time:
		*t = scanTime(v)
	case string:
		p, err := parseSQLiteTime(v)
		*t = scanTime(p)
		return err
	case []byte:
		p, err := parseSQLiteTime(string(v))
		*t = scanTime(p)
		return err
	default:
		return fmt.Errorf("store: scan time: unsupported %T", src)
	}
	return nil
}

// parseSQLiteTime parses a time as SQLite's driver stores it, giving the
// same instant and zone as the driver's own parsing would: the usual
// "2006-01-02 15:04:05.999999999-07:00" directly, other layouts by
// time.ParseInLocation (UTC when no offset is given). Text in no known
// layout gives an error.
func parseSQLiteTime(s string) (time.Time, error) {
	if t, ok := parseSQLiteTimeFast(s); ok {
		return t, nil
	}
	ts := s
	if n := len(ts); n > 0 && ts[n-1] == 'Z' {
		ts = ts[:n-1]
	}
	// The layouts SQLite's driver (glebarez/go-sqlite) reads, in its order
	// (time.Time.String's, then the others after dropping a trailing "Z").
	if t, err := time.Parse("2006-01-02 15:04:05.999999999 -0700 MST", s); err == nil {
		return t, nil
	}
	layouts := [...]string{
		"2006-01-02 15:04:05.999999999-07:00",
		"2006-01-02T15:04:05.999999999-07:00",
		"2006-01-02 15:04:05.999999999",
		"2006-01-02T15:04:05.999999999",
		"2006-01-02 15:04:05",
		"2006-01-02T15:04:05",
		"2006-01-02 15:04",
		"2006-01-02T15:04",
		"2006-01-02",
	}
	for _, layout := range layouts {
		if t, err := time.ParseInLocation(layout, ts, time.UTC); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("store: parse time %q: unknown layout", s)
}

// parseSQLiteTimeFast parses "YYYY-MM-DD HH:MM:SS[.fraction]±HH:MM"; ok
// false leaves anything else (and any out-of-range field) to time.Parse.
func parseSQLiteTimeFast(s string) (time.Time, bool) {
	if len(s) < 25 || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	year, ok1 := digits(s[0:4])
	month, ok2 := digits(s[5:7])
	day, ok3 := digits(s[8:10])
	hour, ok4 := digits(s[11:13])
	minute, ok5 := digits(s[14:16])
	sec, ok6 := digits(s[17:19])
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	nsec, rest, ok := fraction(s[19:])
	if !ok {
		return time.Time{}, false
	}
	loc, ok := zone(rest)
	if !ok {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, loc)
	if t.Day() != day { // 31 April: time.Parse refuses it, Date normalises
		return time.Time{}, false
	}
	return t, true
}

// fraction reads an optional "." and one to nine digits of a second from
// the start of s as nanoseconds, returning the rest.
func fraction(s string) (nsec int, rest string, ok bool) {
	if s == "" || s[0] != '.' {
		return 0, s, true
	}
	n := 1
	for n < len(s) && n <= 9 && s[n] >= '0' && s[n] <= '9' {
		nsec = nsec*10 + int(s[n]-'0')
		n++
	}
	if n == 1 || n < len(s) && s[n] >= '0' && s[n] <= '9' {
		return 0, s, false
	}
	for k := n - 1; k < 9; k++ {
		nsec *= 10
	}
	return nsec, s[n:], true
}

// zone reads a whole "±HH:MM" offset as time.Parse places it: UTC for a
// zero offset, else an unnamed fixed zone.
func zone(z string) (*time.Location, bool) {
	if len(z) != 6 || z[0] != '+' && z[0] != '-' || z[3] != ':' {
		return nil, false
	}
	zh, ok1 := digits(z[1:3])
	zm, ok2 := digits(z[4:6])
	if !ok1 || !ok2 || zh > 24 || zm > 59 {
		return nil, false
	}
	off := (zh*60 + zm) * 60
	if z[0] == '-' {
		off = -off
	}
	if off == 0 {
		return time.UTC, true
	}
	return time.FixedZone("", off), true
}

// digits parses a run of ASCII digits.
func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}
