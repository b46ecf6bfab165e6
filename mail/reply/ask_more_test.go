package reply

import (
	"testing"
	"time"
)

// TestReadAskDeadlineForms covers the deadline forms docs/asks.md names.
func TestReadAskDeadlineForms(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 30, 0, 0, time.UTC) // Tuesday
	for text, want := range map[string]time.Time{
		"before tomorrow 5pm": time.Date(2026, 12, 2, 17, 0, 0, 0, time.UTC),
		"due 12 Jan":          time.Date(2027, 1, 12, 17, 0, 0, 0, time.UTC),
		"bis Freitag":         time.Date(2026, 12, 4, 17, 0, 0, 0, time.UTC),
		"until noon":          time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC),
		"by Thu 9:30":         time.Date(2026, 12, 3, 9, 30, 0, 0, time.UTC),
	} {
		if got := ReadAsk("Q", text, now); !got.Deadline.Equal(want) || got.DeadlineText == "" {
			t.Errorf("%q: deadline %v (%q), want %v", text, got.Deadline, got.DeadlineText, want)
		}
	}
}
