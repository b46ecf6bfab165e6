//go:build reliability

package main

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// TestReliabilityThreeInstances runs three `tidings serve` on one
// PostgreSQL schema holding the example team and 2,000 synthetic members
// (.ci/scale.sql, 40 teams), sends meeting notes to all three, and kills
// the first (which started first, so it is likely River's leader) in the
// middle: every acknowledged message is stored once and processed, and
// the prompt passes the survivors run leave no member without a prompt
// for a period another instance had started and no prompt twice.
// Figures: sent, acknowledged, stored, lost, duplicated, stuck, prompts.
func TestReliabilityThreeInstances(t *testing.T) {
	dsn, db := relDB(t)
	env := []string{"TIDINGS_JOBS_SWEEP_EVERY=5s"}
	s1 := relStart(t, dsn, env...) // applies the example configuration
	if _, err := db.ExecContext(context.Background(), scaleSQL(t, 40, 50, 0)); err != nil {
		t.Fatal(err)
	}
	s2 := relStartArgs(t, dsn, []string{"--no-apply"}, env...)
	s3 := relStartArgs(t, dsn, []string{"--no-apply"}, env...)

	const perInstance, killAfter, stopAfter = 6, 600, 1500
	var mu sync.Mutex
	var acked []string
	sent := 0
	var once sync.Once
	var wg sync.WaitGroup
	for k, s := range []*relServe{s1, s2, s3} {
		for w := range perInstance {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c, err := smtp.Dial(s.smtp)
				if err != nil {
					return
				}
				defer c.Close()
				for i := (k*perInstance + w) * 100000; ; i++ {
					id, raw := relMessage("scaleout", i, 4<<10)
					mu.Lock()
					if len(acked) >= stopAfter {
						mu.Unlock()
						return
					}
					sent++
					mu.Unlock()
					if err := relSend(c, raw); err != nil {
						return
					}
					mu.Lock()
					acked = append(acked, id)
					n := len(acked)
					mu.Unlock()
					if n >= killAfter {
						once.Do(s1.kill)
					}
				}
			}()
		}
	}
	wg.Wait()
	deadline := time.Now().Add(3 * time.Minute)
	var stored, dup, pending int
	for {
		stored, dup, pending = relCounts(t, db, acked)
		if pending == 0 && stored == len(acked) || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Second)
	}
	var prompts, promptDups, unsent int
	q := func(sql string, v *int) {
		if err := db.QueryRowContext(context.Background(), sql).Scan(v); err != nil {
			t.Fatal(err)
		}
	}
	q("SELECT count(*) FROM prompts", &prompts)
	q("SELECT count(*) FROM (SELECT 1 FROM prompts GROUP BY check_in_id, member_id, period HAVING count(*) > 1) d", &promptDups)
	// A pending prompt must have its message: created in one transaction.
	q(`SELECT count(*) FROM prompts p WHERE p.status IN ('pending', 'sent')
		AND NOT EXISTS (SELECT 1 FROM outbound_messages o WHERE o.prompt_id = p.id)`, &unsent)
	relFigures(t, "three-instances", "sent", sent, "acknowledged", len(acked), "stored", stored,
		"lost", len(acked)-stored, "duplicated", dup, "stuck", pending, "prompts", prompts,
		"prompts_twice", promptDups, "prompts_without_message", unsent)
	if stored != len(acked) || dup != 0 || pending != 0 {
		t.Errorf("acknowledged %d, stored %d, duplicated %d, unprocessed %d", len(acked), stored, dup, pending)
	}
	if promptDups != 0 || unsent != 0 {
		t.Errorf("%d prompts twice, %d prompts without their message", promptDups, unsent)
	}
	if prompts == 0 {
		t.Errorf("no prompt was scheduled: the survivors' scheduler did not run")
	}
}
