package digest_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/glebarez/sqlite"
	"github.com/tidings-app/tidings/digest"
	"github.com/tidings-app/tidings/store"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// rawGorm opens a second handle on a test database to bulk-insert rows.
func rawGorm(t testing.TB, dsn string) *gorm.DB {
	t.Helper()
	var d gorm.Dialector
	if store.IsPostgres(dsn) {
		d = postgres.Open(dsn)
	} else {
		d = sqlite.Open(dsn + "?_pragma=busy_timeout(10000)")
	}
	g, err := gorm.Open(d, &gorm.Config{Logger: logger.Discard, CreateBatchSize: 500})
	if err != nil {
		t.Fatal(err)
	}
	sqlDB, _ := g.DB()
	t.Cleanup(func() { sqlDB.Close() })
	return g
}

// seedTeam writes a "fri 17:00" team (New York) with n members (the first a
// lead, the last an observer) and a daily check-in; each member but the
// observer answers Mon–Fri of week 48, Ana-style, with a blocker on Wed
// cleared Thu. It returns the team's ID.
func seedTeam(t testing.TB, g *gorm.DB, n int) int64 {
	t.Helper()
	team := store.Team{Slug: "platform", Name: "Platform team", Timezone: "America/New_York", DigestSchedule: "fri 17:00"}
	must(t, g.Create(&team).Error)
	ci := store.CheckIn{TeamID: team.ID, Name: "daily", Schedule: "mon-fri 09:00",
		Questions: []store.Question{{Key: "done"}, {Key: "today"}, {Key: "blockers"}}}
	must(t, g.Create(&ci).Error)
	members := make([]store.Member, n)
	for i := range members {
		members[i] = store.Member{Email: fmt.Sprintf("m%05d@example.com", i), Name: fmt.Sprintf("Member %05d", i), Timezone: "Europe/Berlin"}
	}
	must(t, g.Create(&members).Error)
	ships := make([]store.Membership, n)
	var prompts []store.Prompt
	for i, m := range members {
		ships[i] = store.Membership{TeamID: team.ID, MemberID: m.ID, Role: store.RoleMember}
		if i == 0 {
			ships[i].Role = store.RoleLead
		}
		if i == n-1 && n > 1 {
			ships[i].Role = store.RoleObserver
			continue
		}
		for day := 23; day <= 27; day++ {
			due := at(day, 9, 0).UTC()
			prompts = append(prompts, store.Prompt{CheckInID: ci.ID, MemberID: m.ID, TeamID: team.ID,
				Period: due.Format("2006-01-02"), DueAt: due, Status: store.PromptAnswered})
		}
	}
	must(t, g.Create(&ships).Error)
	must(t, g.Create(&prompts).Error)
	updates := make([]store.Update, len(prompts))
	for i, p := range prompts {
		updates[i] = store.Update{PromptID: p.ID, MemberID: p.MemberID, TeamID: team.ID, CheckInID: ci.ID, Period: p.Period,
			Answers: []store.Answer{{Key: "done", Text: "finished the billing export and reviewed two pull requests"},
				{Key: "today", Text: "pairing on the ingest path, then the staffing plan"}},
			HasBlocker: p.DueAt.Weekday() == time.Wednesday, Version: 1, AnsweredAt: p.DueAt.Add(time.Hour)}
	}
	must(t, g.Create(&updates).Error)
	return team.ID
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// fakeSender records messages and deduplicates on DedupKey like the
// outbound queue.
type fakeSender struct {
	mu   sync.Mutex
	keys map[string]bool
	msgs []digest.Message
	fail error
}

func (f *fakeSender) Send(_ context.Context, m digest.Message) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return false, f.fail
	}
	if f.keys == nil {
		f.keys = map[string]bool{}
	}
	if f.keys[m.DedupKey] {
		return false, nil
	}
	f.keys[m.DedupKey] = true
	f.msgs = append(f.msgs, m)
	return true, nil
}
