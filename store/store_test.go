package store_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

func exampleSpecs() []store.TeamSpec {
	return []store.TeamSpec{{
		Slug: "platform", Name: "Platform team", Timezone: "America/New_York", DigestSchedule: "fri 17:00",
		Members: []store.MemberSpec{
			{Email: "Ana@Example.com", Name: "Ana Lima", Timezone: "America/Sao_Paulo"},
			{Email: "ben@example.com", Name: "Ben Okafor", Timezone: "Europe/Berlin", Role: store.RoleLead},
		},
		CheckIns: []store.CheckInSpec{{
			Name: "daily", Schedule: "mon-fri 09:00", RemindAfter: 3 * time.Hour, Window: 20 * time.Hour,
			Questions: []store.Question{{Key: "done", Text: "What did you get done yesterday?", Aliases: []string{"y"}}},
		}},
	}}
}

func TestSyncIsIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ch, err := db.Sync(ctx, exampleSpecs())
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"member ana@example.com", "member ben@example.com", "team platform",
			"membership ana@example.com in platform (member)", "membership ben@example.com in platform (lead)",
			"check-in platform/daily"}
		if diff := cmp.Diff(want, ch.Created); diff != "" {
			t.Errorf("created (-want +got):\n%s", diff)
		}
		if len(ch.Joined) != 2 {
			t.Errorf("joined = %d, want 2", len(ch.Joined))
		}
		ch, err = db.Sync(ctx, exampleSpecs())
		if err != nil {
			t.Fatal(err)
		}
		if !ch.Empty() || len(ch.Joined) != 0 {
			t.Errorf("second sync changed something: %+v", ch)
		}
	})
}

func TestSyncChangesAndRemovals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := db.Sync(ctx, exampleSpecs()); err != nil {
			t.Fatal(err)
		}
		specs := exampleSpecs()
		specs[0].Members = specs[0].Members[:1]
		specs[0].Members[0].Timezone = "Europe/Lisbon"
		specs[0].CheckIns[0].Schedule = "mon-fri 10:00"
		ch, err := db.Sync(ctx, specs)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"member ana@example.com (timezone)", "check-in platform/daily (schedule)"}, ch.Changed); diff != "" {
			t.Errorf("changed (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"membership ben@example.com in platform (their updates and history are kept; no more prompts or digests from platform)"}, ch.Removed); diff != "" {
			t.Errorf("removed (-want +got):\n%s", diff)
		}
		ch, err = db.Sync(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"team platform"}, ch.Removed); diff != "" {
			t.Errorf("removed (-want +got):\n%s", diff)
		}
		if _, err := db.FindTeam(ctx, "platform"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("FindTeam after removal: %v, want ErrNotFound", err)
		}
	})
}

func TestTeamMembersAndAddressLookup(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		specs := exampleSpecs()
		specs[0].Members[1].Timezone = ""
		specs[0].Members[1].Aliases = []string{"B.Okafor@Home.example"}
		if _, err := db.Sync(ctx, specs); err != nil {
			t.Fatal(err)
		}
		team, err := db.FindTeam(ctx, "platform")
		if err != nil {
			t.Fatal(err)
		}
		ms, err := db.FindTeamMembers(ctx, team.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) != 2 || ms[1].Role != store.RoleLead || ms[1].Location != "America/New_York" || ms[0].Location != "America/Sao_Paulo" {
			t.Errorf("team members = %+v", ms)
		}
		m, err := db.MemberByAddress(ctx, "b.okafor@home.EXAMPLE")
		if err != nil || m.Email != "ben@example.com" {
			t.Errorf("alias lookup = %v, %v", m, err)
		}
		if _, err := db.MemberByAddress(ctx, "nobody@example.com"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown address: %v", err)
		}
	})
}

func TestSecretIsGeneratedOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var wg sync.WaitGroup
		got := make([]string, 4)
		for i := range got {
			wg.Go(func() {
				s, err := db.Secret(ctx)
				if err != nil {
					t.Error(err)
				}
				got[i] = s
			})
		}
		wg.Wait()
		for _, s := range got {
			if s != got[0] || len(s) != 64 {
				t.Fatalf("secrets differ or malformed: %q", got)
			}
		}
	})
}

func TestUniquePromptPerPeriod(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		p := store.Prompt{CheckInID: 1, MemberID: 1, TeamID: 1, Period: "2026-11-24", Status: store.PromptPending}
		if err := db.CreatePrompt(ctx, &p); err != nil {
			t.Fatal(err)
		}
		dup := store.Prompt{CheckInID: 1, MemberID: 1, TeamID: 1, Period: "2026-11-24", Status: store.PromptPending}
		if err := db.CreatePrompt(ctx, &dup); !errors.Is(err, store.ErrConflict) {
			t.Errorf("duplicate prompt: %v, want ErrConflict", err)
		}
		d := store.Digest{TeamID: 1, Period: "2026-W48", Status: "pending"}
		if err := db.CreateDigest(ctx, &d); err != nil {
			t.Fatal(err)
		}
		d2 := store.Digest{TeamID: 1, Period: "2026-W48", Status: "pending"}
		if err := db.CreateDigest(ctx, &d2); !errors.Is(err, store.ErrConflict) {
			t.Errorf("duplicate digest: %v, want ErrConflict", err)
		}
	})
}

// TestLookupsNarrowedByLike: the alias and allowed-domain lookups narrow
// rows with LIKE on the stored JSON (an & is stored escaped, and _ and %
// must not act as wildcards); the answer is exact ("a_b" never finds "axb", "ex_mple.com" never
// allows "example.com"), case-insensitive, and never a suffix match.
func TestLookupsNarrowedByLike(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		specs := exampleSpecs()
		specs[0].AllowedDomains = []string{"Example.com"}
		specs[0].Members[0].Aliases = []string{"a_b@x.org"}
		specs[0].Members[1].Aliases = []string{"axb@x.org", "r&d\\ops@x.org"}
		specs = append(specs, store.TeamSpec{Slug: "design", Name: "Design", Timezone: "UTC", DigestSchedule: "fri 17:00",
			AllowedDomains: []string{"ex_mple.com", "other.org"}})
		if _, err := db.Sync(ctx, specs); err != nil {
			t.Fatal(err)
		}
		for addr, want := range map[string]string{"a_b@x.org": "ana@example.com", " AXB@x.org ": "ben@example.com", `r&d\ops@x.org`: "ben@example.com"} {
			m, err := db.MemberByAddress(ctx, addr)
			if err != nil || m.Email != want {
				t.Errorf("MemberByAddress(%q) = %v, %v; want %s", addr, m, err, want)
			}
		}
		for _, addr := range []string{"a%b@x.org", "ab@x.org", "x.org"} {
			if m, err := db.MemberByAddress(ctx, addr); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("MemberByAddress(%q) = %v, %v; want not found", addr, m, err)
			}
		}
		for domain, want := range map[string][]string{
			"example.com": {"platform"}, "ex_mple.com": {"design"}, "other.org": {"design"},
			"sub.example.com": nil, "": nil, "exa%": nil,
		} {
			ts, err := db.SenderTeams(ctx, 0, domain, "")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, team := range ts {
				got = append(got, team.Slug)
			}
			if !slices.Equal(got, want) {
				t.Errorf("SenderTeams(0, %q, \"\") = %q, want %q", domain, got, want)
			}
		}
		ben, err := db.MemberByAddress(ctx, "ben@example.com")
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			domain, slug string
			want         []string
		}{{"other.org", "", []string{"design", "platform"}}, {"other.org", "DESIGN", []string{"design"}}, {"example.com", "", []string{"platform"}}, {"", "nope", nil}} {
			ts, err := db.SenderTeams(ctx, ben.ID, c.domain, c.slug)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, team := range ts {
				got = append(got, team.Slug)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("SenderTeams(ben, %q, %q) = %q, want %q", c.domain, c.slug, got, c.want)
			}
		}
	})
}
