package outbound

import (
	"slices"
	"testing"
	"time"

	"github.com/tidings-app/tidings/store"
)

// TestOutboxNamesSortInSendingOrder proves outbox file names sort as the
// messages were sent: by time, then by queue ID (9 before 10 before 100,
// which plain IDs would not).
func TestOutboxNamesSortInSendingOrder(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 12, 0, 0, 0, time.FixedZone("x", -5*3600))
	sent := []struct {
		id   int64
		kind string
		at   time.Time
	}{
		{9, KindWelcome, t0},
		{10, KindPrompt, t0},
		{100, KindPrompt, t0.Add(time.Millisecond)},
		{7, KindReminder, t0.Add(time.Second)}, // a retry sent later
		{2, "", t0.Add(26 * time.Hour)},
	}
	var names []string
	for _, s := range sent {
		names = append(names, outboxName(&store.OutboundMessage{ID: s.id, Kind: s.kind}, s.at))
	}
	if got := names[0]; got != "20261123T170000.000Z-0000000009-welcome.eml" {
		t.Errorf("name = %q", got)
	}
	sorted := slices.Clone(names)
	slices.Sort(sorted)
	if !slices.Equal(sorted, names) {
		t.Errorf("sorted names %q, want sending order %q", sorted, names)
	}
}
