package store_test

import (
	"context"
	"testing"

	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

func TestScheduleCadences(t *testing.T) {
	for _, c := range []struct{ spec, daily, weekly string }{
		{"fri 17:00", "mon-fri 17:00", "fri 17:00"},
		{"mon 09:30", "mon-fri 09:30", "mon 09:30"},
		{"mon-fri 17:00", "mon-fri 17:00", "fri 17:00"},
		{"mon-thu 08:00", "mon-fri 08:00", "thu 08:00"},
		{"daily 18:15", "mon-fri 18:15", "fri 18:15"},
		{"sat,sun 10:00", "mon-fri 10:00", "sun 10:00"},
		{"0 9,17 * * 1-5", "mon-fri 09:00", "fri 09:00"},
	} {
		s, err := store.ParseSchedule(c.spec)
		must(t, err)
		if got := s.AsDaily().String(); got != c.daily {
			t.Errorf("%q.AsDaily() = %q, want %q", c.spec, got, c.daily)
		}
		w := s.AsWeekly()
		if got := w.String(); got != c.weekly || !w.Weekly() {
			t.Errorf("%q.AsWeekly() = %q (weekly %v), want %q", c.spec, got, w.Weekly(), c.weekly)
		}
	}
}

// TeamMember.Digest carries each member's own digest setting, and "off"
// also sets DigestOff, on both backends.
func TestTeamMembersCarryDigestSetting(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, err := db.Sync(ctx, exampleSpecs())
		must(t, err)
		team, err := db.FindTeam(ctx, "platform")
		must(t, err)
		set := func(addr, v string) {
			m, err := db.MemberByAddress(ctx, addr)
			must(t, err)
			_, _, err = db.SetMemberPrefs(ctx, m.ID, store.PrefsChange{Digest: &v}, store.ActorEmail, 0)
			must(t, err)
		}
		set("ana@example.com", store.DigestDaily)
		set("ben@example.com", store.DigestOff)
		ms, err := db.FindTeamMembers(ctx, team.ID)
		must(t, err)
		got := map[string]string{}
		for _, m := range ms {
			got[m.Email] = m.Digest
			if m.DigestOff != (m.Digest == store.DigestOff) {
				t.Errorf("%s: DigestOff %v with setting %q", m.Email, m.DigestOff, m.Digest)
			}
		}
		if got["ana@example.com"] != store.DigestDaily || got["ben@example.com"] != store.DigestOff {
			t.Errorf("digest settings = %v", got)
		}
		set("ana@example.com", "")
		ms, err = db.FindTeamMembers(ctx, team.ID)
		must(t, err)
		for _, m := range ms {
			if m.Email == "ana@example.com" && m.Digest != "" {
				t.Errorf("reset setting still %q", m.Digest)
			}
		}
	})
}
