package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

// searchFixture is two teams' archive: updates by Ana and Ben in
// "platform", one by Cy in "mobile", a filed and a pending meeting note,
// an ask, a KR check-in comment and a one-on-one entry.
type searchFixture struct {
	platform, mobile *store.Team
	ana, ben, cy     *store.Member
	anaUpdate        *store.Update // amended: "kubernetes" then "terraform"
	benUpdate        *store.Update
	cyUpdate         *store.Update
	filed, pending   *store.MeetingNote
	ask              *store.Ask
}

var t0 = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

func searchSpecs() []store.TeamSpec {
	return append(exampleSpecs(), store.TeamSpec{Slug: "mobile", Name: "Mobile", Timezone: "UTC",
		Members: []store.MemberSpec{{Email: "cy@example.com", Name: "Cy Park"}},
		CheckIns: []store.CheckInSpec{{Name: "weekly", Schedule: "fri 09:00", Window: 20 * time.Hour,
			Questions: []store.Question{{Key: "done", Text: "Done?"}}}}})
}

func seedSearch(t *testing.T, db *store.DB) *searchFixture {
	t.Helper()
	ctx := context.Background()
	if _, err := db.Sync(ctx, searchSpecs()); err != nil {
		t.Fatal(err)
	}
	f := &searchFixture{}
	var err error
	if f.platform, err = db.FindTeam(ctx, "platform"); err != nil {
		t.Fatal(err)
	}
	if f.mobile, err = db.FindTeam(ctx, "mobile"); err != nil {
		t.Fatal(err)
	}
	prompts := map[string]int64{}
	save := func(team *store.Team, email, period string, inbound int64, at time.Time, text string) (*store.Member, *store.Update) {
		t.Helper()
		m, err := db.MemberByAddress(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		cis, err := db.FindCheckIns(ctx, team.ID)
		if err != nil {
			t.Fatal(err)
		}
		key := email + period
		if prompts[key] == 0 {
			p := store.Prompt{CheckInID: cis[0].ID, MemberID: m.ID, TeamID: team.ID, Period: period, Status: store.PromptSent}
			if err := db.CreatePrompt(ctx, &p); err != nil {
				t.Fatal(err)
			}
			prompts[key] = p.ID
		}
		u, _, err := db.SaveUpdate(ctx, store.UpdateInput{PromptID: prompts[key], Answers: answer(text), InboundID: inbound, AnsweredAt: at})
		if err != nil {
			t.Fatal(err)
		}
		return m, u
	}
	f.ana, f.anaUpdate = save(f.platform, "ana@example.com", "2026-11-24", 1, t0,
		"Migrated the billing service to kubernetes; café meeting with Zoë about the naïve rollout")
	_, f.anaUpdate = save(f.platform, "ana@example.com", "2026-11-24", 2, t0.Add(time.Hour),
		"Migrated the billing service to terraform; café meeting with Zoë about the naïve rollout")
	f.ben, f.benUpdate = save(f.platform, "ben@example.com", "2026-11-24", 3, t0.Add(2*time.Hour),
		"Reviewed the billing dashboard and the quarterly report; 100% done; O'Brien's patch merged")
	f.cy, f.cyUpdate = save(f.mobile, "cy@example.com", "2026-12-01", 4, t0.Add(7*24*time.Hour),
		"Shipped the billing screen for the iOS app")

	f.filed = &store.MeetingNote{TeamID: &f.platform.ID, Title: "Architecture sync", InboundID: 10,
		Summary: "We chose postgres for the ledger", Decisions: []string{"Adopt blue-green deploys"},
		Status: store.NoteFiled, MeetingDate: t0}
	if err := db.CreateMeetingNote(ctx, f.filed, []store.ActionItem{{Text: "write the runbook", OwnerText: "Ana"}}); err != nil {
		t.Fatal(err)
	}
	f.pending = &store.MeetingNote{TeamID: &f.platform.ID, Title: "Secret reorg", InboundID: 11,
		Summary: "Confidential layoffs plan", Status: store.NoteQuarantined, MeetingDate: t0}
	if err := db.CreateMeetingNote(ctx, f.pending, nil); err != nil {
		t.Fatal(err)
	}
	f.ask = &store.Ask{TeamID: f.platform.ID, AskerID: &f.ben.ID, AskerEmail: "ben@example.com", Kind: store.AskPoll,
		Status: store.AskOpen, Question: "Which offsite venue?", Choices: []string{"Lisbon", "Porto"}, Deadline: t0.Add(72 * time.Hour)}
	if err := db.CreateAsk(ctx, f.ask, []int64{f.ana.ID}); err != nil {
		t.Fatal(err)
	}
	// A one-on-one entry between Ben and Ana: never indexed.
	if _, err := db.SyncOneOnOnes(ctx, []store.OneOnOneSpec{{Team: "platform", Lead: "ben@example.com",
		Member: "ana@example.com", Schedule: "every 2nd tue 15:00", Prepare: 48 * time.Hour}}); err != nil {
		t.Fatal(err)
	}
	ps, err := db.FindOneOnOnes(ctx, "platform")
	if err != nil || len(ps) != 1 {
		t.Fatalf("pairs %v %v", ps, err)
	}
	m, err := db.EnsureOneOnOneMeeting(ctx, &store.OneOnOneMeeting{PairID: ps[0].ID, Period: "2026-12-08T15:00",
		At: t0, Status: store.MeetingScheduled, Audience: ps[0].Audience()})
	if err != nil {
		t.Fatal(err)
	}
	e := &store.OneOnOneEntry{MeetingID: m.ID, PersonID: f.ana.ID, Kind: store.EntryPrepare, PairID: ps[0].ID,
		Audience: ps[0].Audience(), Status: "answered", Answers: answer("burnout billing worries")}
	if _, err := db.InsertOneOnOneEntry(ctx, e); err != nil {
		t.Fatal(err)
	}
	return f
}

// ids returns "kind:id" of each hit, in order.
func ids(hits []store.SearchHit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.Kind+":"+itoa(h.ObjectID))
	}
	return out
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestSearchConformance(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := seedSearch(t, db)
		// Every PostgreSQL plan finds the same documents: its own choice
		// (here: few documents, tested one by one), its choice by the
		// planner's estimates alone (EXPLAIN), through the GIN index,
		// newest first (unbounded, and bounded at one row, where every
		// search short of a page asks the index again).
		for _, force := range []struct {
			plan string
			scan int
		}{{"", 0}, {"estimate", 0}, {"few", 0}, {"index", 0}, {"newest", 0}, {"newest", 1}} {
			if !db.Postgres() && force.plan != "" {
				continue // SQLite has one plan
			}
			t.Run(fmt.Sprintf("plan=%q,scan=%d", force.plan, force.scan), func(t *testing.T) {
				store.SetSearchPlanForTest(db, force.plan, force.scan)
				searchConformance(t, db, f)
			})
		}
		store.SetSearchPlanForTest(db, "", 0)
	})
}

func searchConformance(t *testing.T, db *store.DB, f *searchFixture) {
	{
		ctx := context.Background()
		both := []int64{f.platform.ID, f.mobile.ID}
		up := func(u *store.Update) string { return "update:" + itoa(u.ID) }
		cases := []struct {
			name string
			q    store.SearchQuery
			want []string // in any order
		}{
			{"word in all teams", store.SearchQuery{Text: "billing", TeamIDs: both}, []string{up(f.anaUpdate), up(f.benUpdate), up(f.cyUpdate)}},
			{"case-insensitive", store.SearchQuery{Text: "BILLING Dashboard", TeamIDs: both}, []string{up(f.benUpdate)}},
			{"team filter", store.SearchQuery{Text: "billing", TeamIDs: []int64{f.mobile.ID}}, []string{up(f.cyUpdate)}},
			{"no team, no hits", store.SearchQuery{Text: "billing"}, nil},
			{"phrase", store.SearchQuery{Text: `"billing service"`, TeamIDs: both}, []string{up(f.anaUpdate)}},
			{"phrase in wrong order", store.SearchQuery{Text: `"service billing"`, TeamIDs: both}, nil},
			{"negation", store.SearchQuery{Text: "billing -terraform", TeamIDs: both}, []string{up(f.benUpdate), up(f.cyUpdate)}},
			{"negated phrase", store.SearchQuery{Text: `billing -"quarterly report"`, TeamIDs: both}, []string{up(f.anaUpdate), up(f.cyUpdate)}},
			{"or", store.SearchQuery{Text: "terraform or ios", TeamIDs: both}, []string{up(f.anaUpdate), up(f.cyUpdate)}},
			{"amended: new text", store.SearchQuery{Text: "terraform", TeamIDs: both}, []string{up(f.anaUpdate)}},
			{"amended: old text gone", store.SearchQuery{Text: "kubernetes", TeamIDs: both}, nil},
			{"member", store.SearchQuery{Text: "billing", TeamIDs: both, MemberID: f.ben.ID}, []string{up(f.benUpdate)}},
			{"since", store.SearchQuery{Text: "billing", TeamIDs: both, Since: t0.Add(90 * time.Minute)}, []string{up(f.benUpdate), up(f.cyUpdate)}},
			{"until", store.SearchQuery{Text: "billing", TeamIDs: both, Until: t0.Add(90 * time.Minute)}, []string{up(f.anaUpdate)}},
			{"kinds", store.SearchQuery{Text: "billing or postgres or lisbon", TeamIDs: both, Kinds: []string{store.SearchMeeting, store.SearchAsk}},
				[]string{"meeting:" + itoa(f.filed.ID), "ask:" + itoa(f.ask.ID)}},
			{"meeting decisions and items", store.SearchQuery{Text: "runbook blue-green", TeamIDs: both}, []string{"meeting:" + itoa(f.filed.ID)}},
			{"pending note not indexed", store.SearchQuery{Text: "layoffs or confidential or secret", TeamIDs: both}, nil},
			{"one-on-one not indexed", store.SearchQuery{Text: "burnout", TeamIDs: both}, nil},
			{"ask title", store.SearchQuery{Text: "offsite", TeamIDs: both}, []string{"ask:" + itoa(f.ask.ID)}},
			{"accented word", store.SearchQuery{Text: "café Zoë", TeamIDs: both}, []string{up(f.anaUpdate)}},
			{"accented uppercase", store.SearchQuery{Text: "CAFÉ", TeamIDs: both}, []string{up(f.anaUpdate)}},
			{"apostrophe", store.SearchQuery{Text: "O'Brien's", TeamIDs: both}, []string{up(f.benUpdate)}},
		}
		for _, c := range cases {
			hits, err := db.Search(ctx, c.q)
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
				continue
			}
			got := ids(hits)
			slices.Sort(got)
			want := slices.Clone(c.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("%s: %q gave %v, want %v", c.name, c.q.Text, got, want)
			}
		}
	}
}

func TestSearchHitFieldsAndSnippet(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := seedSearch(t, db)
		hits, err := db.Search(ctx, store.SearchQuery{Text: "terraform", TeamIDs: []int64{f.platform.ID}})
		if err != nil || len(hits) != 1 {
			t.Fatalf("hits %+v, %v", hits, err)
		}
		h := hits[0]
		if h.Kind != store.SearchUpdate || h.ObjectID != f.anaUpdate.ID || h.TeamID != f.platform.ID ||
			h.MemberID != f.ana.ID || !h.At.Equal(t0.Add(time.Hour)) || h.Rank <= 0 {
			t.Errorf("hit = %+v", h)
		}
		if !strings.Contains(h.Title, "Ana Lima") || !strings.Contains(h.Title, "daily") {
			t.Errorf("title = %q", h.Title)
		}
		if !strings.Contains(h.Snippet, store.SnippetStart+"terraform"+store.SnippetEnd) {
			t.Errorf("snippet = %q, want the match marked", h.Snippet)
		}
		// Title words rank above body words; limit and offset page.
		all, err := db.Search(ctx, store.SearchQuery{Text: "billing", TeamIDs: []int64{f.platform.ID, f.mobile.ID}, Limit: 2})
		if err != nil || len(all) != 2 {
			t.Fatalf("limit 2: %d hits, %v", len(all), err)
		}
		rest, err := db.Search(ctx, store.SearchQuery{Text: "billing", TeamIDs: []int64{f.platform.ID, f.mobile.ID}, Limit: 2, Offset: 2})
		if err != nil || len(rest) != 1 || slices.Contains(ids(all), ids(rest)[0]) {
			t.Fatalf("offset 2: %v after %v, %v", ids(rest), ids(all), err)
		}
	})
}

func TestSearchHostileQueries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := seedSearch(t, db)
		both := []int64{f.platform.ID, f.mobile.ID}
		for _, text := range []string{"", "   ", `"`, `""`, "-billing", `-"billing service"`, "or", "OR or", "* ^ :", "'", "--"} {
			_, err := db.Search(ctx, store.SearchQuery{Text: text, TeamIDs: both})
			if !errors.Is(err, store.ErrEmptyQuery) {
				t.Errorf("%q: err = %v, want ErrEmptyQuery", text, err)
			}
		}
		// Characters that mean something to SQL or FTS5 are only searched for.
		for _, text := range []string{`billing" OR 1=1 --`, `billing'; DROP TABLE updates; --`, `title:billing`,
			`billing*`, `NEAR(billing ios)`, `billing AND NOT ios`, `(billing`, `billing)`, `{title}: x`, `^billing`,
			"billing\x00", "billing \\", `billing -`, `"unterminated billing`, "\x02billing\x03"} {
			hits, err := db.Search(ctx, store.SearchQuery{Text: text, TeamIDs: both})
			if err != nil {
				t.Errorf("%q: %v", text, err)
				continue
			}
			for _, h := range hits {
				if h.TeamID != f.platform.ID && h.TeamID != f.mobile.ID {
					t.Errorf("%q: hit outside the teams: %+v", text, h)
				}
			}
		}
		hits, err := db.Search(ctx, store.SearchQuery{Text: `billing" OR 1=1 --`, TeamIDs: both})
		if err != nil || len(hits) != 0 { // "billing" AND "or" AND "1" AND "1": no document has them all
			t.Errorf("injection-shaped query: %v, %v", ids(hits), err)
		}
		if n, err := db.FindUpdates(ctx, store.UpdateFilter{}); err != nil || len(n) != 3 {
			t.Errorf("updates after hostile queries: %d, %v", len(n), err)
		}
	})
}

func TestSearchBackfillAndLanguage(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			db, dsn := b.Open(t, store.Options{})
			f := seedSearch(t, db)
			// Emptying the index and forgetting it was built: a migration rebuilds it.
			if err := store.DropSearchIndexForTest(ctx, db); err != nil {
				t.Fatal(err)
			}
			if hits, _ := db.Search(ctx, store.SearchQuery{Text: "billing", TeamIDs: []int64{f.platform.ID}}); len(hits) != 0 {
				t.Fatalf("index not emptied: %v", ids(hits))
			}
			db2, err := store.Open(ctx, dsn, store.Options{ForceMigrate: true}) // the schema version is current: only a forced migration rebuilds
			if err != nil {
				t.Fatal(err)
			}
			defer db2.Close()
			hits, err := db2.Search(ctx, store.SearchQuery{Text: "billing", TeamIDs: []int64{f.platform.ID}})
			if err != nil || len(hits) != 2 {
				t.Fatalf("after backfill: %v, %v", ids(hits), err)
			}
			// A team moving to English: stemming on PostgreSQL ("migrating"
			// finds "Migrated"); SQLite does not stem, the words still match.
			specs := searchSpecs()
			specs[0].Language = "english"
			if _, err := db2.Sync(ctx, specs); err != nil {
				t.Fatal(err)
			}
			want := 0
			if db2.Postgres() {
				want = 1
			}
			hits, err = db2.Search(ctx, store.SearchQuery{Text: "migrating", TeamIDs: []int64{f.platform.ID}})
			if err != nil || len(hits) != want {
				t.Errorf("english stemming: %v, %v; want %d", ids(hits), err, want)
			}
			if hits, err = db2.Search(ctx, store.SearchQuery{Text: "billing", TeamIDs: []int64{f.platform.ID, f.mobile.ID}}); err != nil || len(hits) != 3 {
				t.Errorf("two languages: %v, %v", ids(hits), err)
			}
		})
	}
}

// TestSearchEveryTeamKeepsRemovedTeamsOut: a search over every team there
// is (the query's list is all the teams) finds nothing of a removed team,
// whether its documents were cleaned up with it (removal does) or left
// behind (an orphan document, as an older version could leave), under
// every PostgreSQL plan.
func TestSearchEveryTeamKeepsRemovedTeamsOut(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := seedSearch(t, db)
		if _, err := db.Sync(ctx, exampleSpecs()); err != nil { // mobile removed
			t.Fatal(err)
		}
		if err := store.AddOrphanSearchDocForTest(ctx, db, f.mobile.ID+100, "zebracorn billing"); err != nil {
			t.Fatal(err)
		}
		for _, plan := range []string{"", "estimate", "few", "index", "newest"} {
			if !db.Postgres() && plan != "" {
				continue
			}
			store.SetSearchPlanForTest(db, plan, 0)
			for _, text := range []string{"billing", "ios", "zebracorn"} {
				hits, err := db.Search(ctx, store.SearchQuery{Text: text, TeamIDs: []int64{f.platform.ID}})
				if err != nil {
					t.Fatal(err)
				}
				for _, h := range hits {
					if h.TeamID != f.platform.ID {
						t.Errorf("plan %q, %q: hit of team %d (%s)", plan, text, h.TeamID, h.Title)
					}
				}
			}
		}
		store.SetSearchPlanForTest(db, "", 0)
	})
}
