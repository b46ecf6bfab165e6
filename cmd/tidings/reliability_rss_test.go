//go:build reliability

package main

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// TestReliabilityRSS sends 100 messages of 25 MB at once over 100
// connections and reads the serve process's peak resident memory
// (VmHWM), which must stay under 1 GiB: messages are spooled and held
// whole only while committed and processed, within the in-flight budget.
// Figures: sent, acknowledged, refused, stored, peak RSS.
func TestReliabilityRSS(t *testing.T) {
	dsn, db := relDB(t)
	s := relStart(t, dsn, "TIDINGS_SMTP_STORE_TIMEOUT=120s")
	const conns, size = 100, 25_000_000
	var mu sync.Mutex
	var acked []string
	var refused atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for i := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := smtp.Dial(s.smtp)
			if err != nil {
				refused.Add(1)
				return
			}
			defer c.Close()
			id, raw := relMessage("rss", i, size)
			if err := relSend(c, raw); err != nil {
				t.Logf("message %d: %v", i, err)
				refused.Add(1)
				return
			}
			mu.Lock()
			acked = append(acked, id)
			mu.Unlock()
		}()
	}
	wg.Wait()
	took := time.Since(start).Round(time.Second)
	deadline := time.Now().Add(10 * time.Minute)
	var stored, pending int
	for {
		stored, _, pending = relCounts(t, db, acked)
		if pending == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Second)
	}
	peak := s.peakRSS(t)
	relFigures(t, "rss", "sent", conns, "size", size, "acknowledged", len(acked), "refused", refused.Load(),
		"stored", stored, "unprocessed", pending, "received_in", took, "peak_rss_mib", peak>>20)
	if peak >= 1<<30 {
		t.Errorf("peak RSS %d MiB, want < 1024 MiB", peak>>20)
	}
	if stored != len(acked) {
		t.Errorf("acknowledged %d, stored %d", len(acked), stored)
	}
}
