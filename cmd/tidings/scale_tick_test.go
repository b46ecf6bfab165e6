//go:build scale

package main

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

// TestScaleSchedulerTick measures one prompt-scheduler pass (the work of
// each minute's tick) on PostgreSQL with 10,000 and 100,000 members
// (.ci/scale.sql: teams of 50 over eight time zones): a first pass that
// catches up the past week, then three times (for Berlin's, London's and
// São Paulo's 09:00) a quiet tick, a tick when that zone's prompts are
// due (the pass creates them) and the next tick (nothing new), so each
// kind of tick is measured three times on the same data. Run with
//
//	go test -tags scale -run TestScaleSchedulerTick -v -timeout 30m ./cmd/tidings/
func TestScaleSchedulerTick(t *testing.T) {
	for _, teams := range []int{200, 2000} {
		t.Run(fmt.Sprintf("%d_members", teams*50), func(t *testing.T) {
			dsn := storetest.PostgresDSN(t)
			ctx := context.Background()
			db, err := store.Open(ctx, dsn, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			raw, err := sql.Open("pgx", dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer raw.Close()
			if _, err := raw.ExecContext(ctx, scaleSQL(t, teams, 50, 2)); err != nil {
				t.Fatal(err)
			}
			berlin, _ := time.LoadLocation("Europe/Berlin")
			day := time.Now().In(berlin)
			for day.Weekday() == time.Saturday || day.Weekday() == time.Sunday {
				day = day.AddDate(0, 0, -1)
			}
			at := func(h, m int) time.Time { return time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, berlin) }
			cfg := &Config{Server: defaultServer()}
			cfg.Server.Domain, cfg.Server.Outbox, cfg.Server.Secret = "tidings.test", t.TempDir(), "scale-test-secret-0123456789abcdef"
			for _, pass := range []struct {
				name string
				now  time.Time
			}{{"catch-up after downtime (05:00 Berlin)", at(5, 0)},
				{"quiet (06:00 Berlin)", at(6, 0)}, {"due (09:01 Berlin: Berlin's 09:00)", at(9, 1)}, {"next tick (09:02)", at(9, 2)},
				{"quiet (09:30 Berlin)", at(9, 30)}, {"due (10:01 Berlin: London's 09:00)", at(10, 1)}, {"next tick (10:02)", at(10, 2)},
				{"quiet (12:30 Berlin)", at(12, 30)}, {"due (13:01 Berlin: São Paulo's 09:00)", at(13, 1)}, {"next tick (13:02)", at(13, 2)}} {
				d, err := newDeps(ctx, cfg, db, slog.New(slog.DiscardHandler), nil, func() time.Time { return pass.now })
				if err != nil {
					t.Fatal(err)
				}
				p, err := d.prompter()
				if err != nil {
					t.Fatal(err)
				}
				start := time.Now()
				sum, err := p.SendDue(ctx, pass.now)
				if err != nil {
					t.Fatal(err)
				}
				line := fmt.Sprintf("SCALE tick members=%d %s: %v, queued %d, expired %d", teams*50, pass.name,
					time.Since(start).Round(time.Millisecond), sum.Queued, sum.Expired)
				t.Log(line)
				fmt.Println(line)
			}
		})
	}
}
