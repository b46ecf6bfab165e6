package store

import (
	"math"
	"time"
)

// Progress is how far v is from Start to Target as a fraction (0 at
// Start, 1 at Target; below 0 or above 1 when beyond either), for either
// direction. A boolean KR is 0 or 1.
func (kr *KeyResult) Progress(v float64) float64 {
	if kr.Unit == UnitBoolean {
		if v >= 1 {
			return 1
		}
		return 0
	}
	span := kr.Target - kr.Start
	if span == 0 {
		if (kr.Direction == DirectionDown && v <= kr.Target) || (kr.Direction != DirectionDown && v >= kr.Target) {
			return 1
		}
		return 0
	}
	return (v - kr.Start) / span
}

// Elapsed is the fraction of quarter q gone at t in loc, from 0 to 1.
func Elapsed(q Quarter, t time.Time, loc *time.Location) float64 {
	s, e := q.Start(loc), q.End(loc)
	f := float64(t.Sub(s)) / float64(e.Sub(s))
	return math.Max(0, math.Min(1, f))
}

// Expected is the value on the straight line from Start (quarter start) to
// Target (quarter end) at t.
func (kr *KeyResult) Expected(q Quarter, t time.Time, loc *time.Location) float64 {
	return kr.Start + Elapsed(q, t, loc)*(kr.Target-kr.Start)
}

// KRStatusAt computes the status of kr with value v (confidence c, nil
// when not given) reported at t, against the straight line from start to
// target over quarter q in loc:
//   - done when the target is reached;
//   - off track when progress trails the line by more than a quarter of
//     the way, or confidence is 3/10 or less;
//   - at risk when it trails by more than a tenth, or confidence is 6/10
//     or less;
//   - else on track.
//
// A boolean KR not yet done is on track until the last quarter of the
// quarter, at risk in it, off track once the quarter is over.
func KRStatusAt(kr *KeyResult, v float64, c *int, q Quarter, t time.Time, loc *time.Location) string {
	p := kr.Progress(v)
	if p >= 1 {
		return KRDone
	}
	el := Elapsed(q, t, loc)
	gap := el - p
	if kr.Unit == UnitBoolean {
		gap = 0
		switch {
		case el >= 1:
			gap = 1
		case el > 0.75:
			gap = 0.2
		}
	}
	switch {
	case gap > 0.25 || (c != nil && *c <= 3):
		return KROffTrack
	case gap > 0.10 || (c != nil && *c <= 6):
		return KRAtRisk
	}
	return KROnTrack
}

// StatusLabel is the words for a status ("on track").
func StatusLabel(s string) string {
	switch s {
	case KROnTrack:
		return "on track"
	case KRAtRisk:
		return "at risk"
	case KROffTrack:
		return "off track"
	case KRDone:
		return "done"
	}
	return s
}
