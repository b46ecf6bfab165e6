//go:build reliability

package main

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// TestReliabilityCrash kills `tidings serve` (SIGKILL) in the middle of a
// burst of messages, restarts it, and checks that every message that got
// a 250 is stored exactly once and processed within two minutes of the
// restart: jobs left running by the killed process are rescued
// (server.jobs.rescue_after, 1m) and the sweep requeues anything without a
// job. Figures: sent, acknowledged, stored, lost, duplicated, stuck.
func TestReliabilityCrash(t *testing.T) {
	dsn, db := relDB(t)
	env := []string{"TIDINGS_JOBS_SWEEP_EVERY=5s"}
	s := relStart(t, dsn, env...)

	const conns, killAfter = 16, 800
	var mu sync.Mutex
	var acked []string
	sent := 0
	killed := make(chan struct{})
	var once sync.Once
	var wg sync.WaitGroup
	for w := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := smtp.Dial(s.smtp)
			if err != nil {
				return
			}
			defer c.Close()
			for i := w; ; i += conns {
				id, raw := relMessage("crash", i, 4<<10)
				mu.Lock()
				sent++
				mu.Unlock()
				if err := relSend(c, raw); err != nil {
					return // the server is gone (or refused): stop this sender
				}
				mu.Lock()
				acked = append(acked, id)
				n := len(acked)
				mu.Unlock()
				if n >= killAfter {
					once.Do(func() { s.kill(); close(killed) })
				}
			}
		}()
	}
	wg.Wait()
	select {
	case <-killed:
	default:
		t.Fatalf("the senders stopped before the kill (%d acknowledged): %s", len(acked), s.log)
	}
	stored, _, pending := relCounts(t, db, acked)
	t.Logf("at the kill: %d sent, %d acknowledged, %d of them stored, %d still to process", sent, len(acked), stored, pending)
	var dup int

	restart := time.Now()
	s2 := relStart(t, dsn, env...)
	deadline := restart.Add(2 * time.Minute)
	for {
		stored, dup, pending = relCounts(t, db, acked)
		if pending == 0 && stored == len(acked) || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Second)
	}
	drained := time.Since(restart).Round(time.Second)
	var notesDup int
	err := db.QueryRowContext(context.Background(),
		"SELECT count(*) FROM (SELECT inbound_id FROM meeting_notes GROUP BY inbound_id HAVING count(*) > 1) d").Scan(&notesDup)
	if err != nil {
		t.Fatal(err)
	}
	relFigures(t, "crash", "sent", sent, "acknowledged", len(acked), "stored", stored, "lost", len(acked)-stored,
		"duplicated", dup, "notes_filed_twice", notesDup, "stuck", pending, "processed_after_restart", drained)
	if stored != len(acked) || dup != 0 || notesDup != 0 {
		t.Errorf("acknowledged %d, stored %d, duplicated %d, notes filed twice %d: want every acknowledged message exactly once",
			len(acked), stored, dup, notesDup)
	}
	if pending != 0 {
		t.Errorf("%d acknowledged messages still unprocessed two minutes after the restart; log:\n%s", pending, s2.log)
	}
}
