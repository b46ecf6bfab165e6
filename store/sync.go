package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"
)

// TeamSpec is a team as declared in the configuration file.
type TeamSpec struct {
	Slug           string
	Name           string
	Timezone       string
	DigestSchedule string
	DigestLocal    bool
	AllowedDomains []string
	Receipts       string // ReceiptsUnsure (also ""), ReceiptsAlways or ReceiptsNever
	Language       string // search language (ValidSearchLanguage); "" is "simple"
	Members        []MemberSpec
	CheckIns       []CheckInSpec
	OKRs           []OKRQuarterSpec // quarters named here are replaced; others are kept
	// Holidays are days without check-ins (holidays and holidays_ics).
	Holidays []HolidaySpec
}

// HolidaySpec is a day without check-ins: Date is YYYY-MM-DD.
type HolidaySpec struct {
	Date string
	Name string
}

// MemberSpec is a member of a team as declared in the configuration file.
type MemberSpec struct {
	Email    string
	Name     string
	Timezone string
	Role     string
	Aliases  []string
}

// CheckInSpec is a check-in as declared in the configuration file.
type CheckInSpec struct {
	Name        string
	Kind        string // "" (questions) or CheckInOKR
	Schedule    string
	RemindAfter time.Duration
	Window      time.Duration
	Questions   []Question
}

// Changes reports what Sync did, as human-readable lines per kind.
type Changes struct {
	Created []string
	Changed []string
	Removed []string
	// Notes are things the lead should know that are not changes (a
	// member added back who had unsubscribed).
	Notes []string
	// Joined lists memberships created by this sync (for welcome mail).
	Joined []Membership
}

// Empty reports whether the sync changed nothing.
func (c Changes) Empty() bool {
	return len(c.Created)+len(c.Changed)+len(c.Removed) == 0
}

// Sync makes the stored teams, members, memberships and check-ins match
// specs, in one transaction: teams absent from specs are removed with their
// memberships and check-ins (members, prompts and updates are kept as
// history). Syncing the same specs twice reports no change the second time.
// Specs must be valid (the caller validates); a member that appears in
// several teams must carry the same name and time zone in each.
func (db *DB) Sync(ctx context.Context, specs []TeamSpec) (Changes, error) {
	var ch Changes
	err := db.InTx(ctx, func(tx *DB) error {
		s := syncer{g: tx.gorm, ch: &ch, now: tx.now().UTC(), fresh: map[int64]bool{}, postgres: tx.postgres}
		return s.run(specs)
	})
	if err != nil {
		return Changes{}, fmt.Errorf("store: sync: %w", err)
	}
	return ch, nil
}

type syncer struct {
	g   *gorm.DB
	ch  *Changes
	now time.Time
	// fresh are the members this sync created: nothing of theirs to keep
	// or clear.
	fresh map[int64]bool
	// postgres: the database is PostgreSQL (search language column).
	postgres bool
}

func (s *syncer) run(specs []TeamSpec) error {
	members, err := s.syncMembers(specs)
	if err != nil {
		return err
	}
	keep := make([]string, 0, len(specs))
	for _, ts := range specs {
		keep = append(keep, ts.Slug)
		team, err := s.syncTeam(ts)
		if err != nil {
			return err
		}
		if err := s.syncMemberships(team, ts.Members, members); err != nil {
			return err
		}
		if err := s.syncCheckIns(team, ts.CheckIns); err != nil {
			return err
		}
		if err := s.syncOKRs(team, ts.OKRs, members); err != nil {
			return err
		}
		if err := s.syncHolidays(team, ts.Holidays); err != nil {
			return err
		}
	}
	return s.removeTeams(keep)
}

func (s *syncer) syncMembers(specs []TeamSpec) (map[string]*Member, error) {
	out := map[string]*Member{}
	for _, ts := range specs {
		for _, ms := range ts.Members {
			email := strings.ToLower(ms.Email)
			if _, done := out[email]; done {
				continue
			}
			var m Member
			err := s.g.Where("email = ?", email).Take(&m).Error
			switch {
			case errors.Is(err, gorm.ErrRecordNotFound):
				m = Member{Email: email, Name: ms.Name, Timezone: ms.Timezone, Aliases: lower(ms.Aliases)}
				if err := s.g.Create(&m).Error; err != nil {
					return nil, wrap("create member", err)
				}
				s.ch.Created = append(s.ch.Created, "member "+email)
				s.fresh[m.ID] = true
			case err != nil:
				return nil, wrap("find member", err)
			default:
				var diff []string
				if m.Name != ms.Name {
					m.Name, diff = ms.Name, append(diff, "name")
				}
				own, err := s.ownZone(&m, ms.Timezone)
				if err != nil {
					return nil, err
				}
				if !own && m.Timezone != ms.Timezone {
					m.Timezone, diff = ms.Timezone, append(diff, "timezone")
				}
				a, err := s.aliases(&m, ms.Aliases)
				if err != nil {
					return nil, err
				}
				if !slices.Equal(m.Aliases, a) {
					m.Aliases, diff = a, append(diff, "aliases")
				}
				if len(diff) > 0 {
					if err := s.g.Save(&m).Error; err != nil {
						return nil, wrap("update member", err)
					}
					s.ch.Changed = append(s.ch.Changed, fmt.Sprintf("member %s (%s)", email, strings.Join(diff, ", ")))
				}
			}
			out[email] = &m
		}
	}
	return out, nil
}

func (s *syncer) syncTeam(ts TeamSpec) (*Team, error) {
	var t Team
	err := s.g.Where("slug = ?", ts.Slug).Take(&t).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		t = Team{Slug: ts.Slug, Name: ts.Name, Timezone: ts.Timezone, DigestSchedule: ts.DigestSchedule,
			DigestLocal: ts.DigestLocal, AllowedDomains: lower(ts.AllowedDomains), Receipts: ts.Receipts,
			Language: ts.Language}
		if err := s.g.Create(&t).Error; err != nil {
			return nil, wrap("create team", err)
		}
		s.ch.Created = append(s.ch.Created, "team "+ts.Slug)
		return &t, nil
	}
	if err != nil {
		return nil, wrap("find team", err)
	}
	var diff []string
	set := func(name string, changed bool) {
		if changed {
			diff = append(diff, name)
		}
	}
	set("name", t.Name != ts.Name)
	set("timezone", t.Timezone != ts.Timezone)
	set("digest schedule", t.DigestSchedule != ts.DigestSchedule)
	set("digest local", t.DigestLocal != ts.DigestLocal)
	set("allowed domains", !slices.Equal(t.AllowedDomains, lower(ts.AllowedDomains)))
	set("receipts", t.Receipts != ts.Receipts)
	set("language", t.Language != ts.Language)
	if t.Language != ts.Language {
		if err := setSearchLanguage(s.g, s.postgres, t.ID, ts.Language); err != nil {
			return nil, wrap("update team: search language", err)
		}
	}
	if len(diff) > 0 {
		t.Name, t.Timezone, t.DigestSchedule, t.DigestLocal = ts.Name, ts.Timezone, ts.DigestSchedule, ts.DigestLocal
		t.Receipts, t.Language = ts.Receipts, ts.Language
		t.AllowedDomains = lower(ts.AllowedDomains)
		if err := s.g.Save(&t).Error; err != nil {
			return nil, wrap("update team", err)
		}
		s.ch.Changed = append(s.ch.Changed, fmt.Sprintf("team %s (%s)", ts.Slug, strings.Join(diff, ", ")))
	}
	return &t, nil
}

func (s *syncer) syncMemberships(t *Team, specs []MemberSpec, members map[string]*Member) error {
	var have []Membership
	if err := s.g.Where("team_id = ?", t.ID).Find(&have).Error; err != nil {
		return wrap("find memberships", err)
	}
	byMember := map[int64]*Membership{}
	for i := range have {
		byMember[have[i].MemberID] = &have[i]
	}
	for _, ms := range specs {
		m := members[strings.ToLower(ms.Email)]
		role := ms.Role
		if role == "" {
			role = RoleMember
		}
		cur, ok := byMember[m.ID]
		delete(byMember, m.ID)
		switch {
		case !ok:
			nm := Membership{TeamID: t.ID, MemberID: m.ID, Role: role}
			if err := s.g.Create(&nm).Error; err != nil {
				return wrap("create membership", err)
			}
			s.ch.Created = append(s.ch.Created, fmt.Sprintf("membership %s in %s (%s)", m.Email, t.Slug, role))
			s.ch.Joined = append(s.ch.Joined, nm)
			if err := s.joined(m, t); err != nil {
				return err
			}
		case cur.Role != role:
			old := cur.Role // Update below sets cur.Role
			if err := s.g.Model(cur).Update("role", role).Error; err != nil {
				return wrap("update membership", err)
			}
			s.ch.Changed = append(s.ch.Changed, fmt.Sprintf("membership %s in %s (role %s → %s)", m.Email, t.Slug, old, role))
			if err := s.event(m.ID, t.ID, "role", old+" → "+role); err != nil {
				return err
			}
		}
	}
	for _, gone := range sortedByID(byMember) {
		var m Member
		if err := s.g.Take(&m, gone.MemberID).Error; err != nil {
			return wrap("find member", err)
		}
		if err := s.g.Delete(gone).Error; err != nil {
			return wrap("delete membership", err)
		}
		s.ch.Removed = append(s.ch.Removed, fmt.Sprintf("membership %s in %s (their updates and history are kept; "+
			"no more prompts or digests from %s)", m.Email, t.Slug, t.Slug))
		if err := s.event(m.ID, t.ID, "left", "removed from "+t.Slug); err != nil {
			return err
		}
	}
	return nil
}

func (s *syncer) syncCheckIns(t *Team, specs []CheckInSpec) error {
	var have []CheckIn
	if err := s.g.Where("team_id = ?", t.ID).Find(&have).Error; err != nil {
		return wrap("find check-ins", err)
	}
	byName := map[string]*CheckIn{}
	for i := range have {
		byName[have[i].Name] = &have[i]
	}
	for pos, cs := range specs {
		cur, ok := byName[cs.Name]
		delete(byName, cs.Name)
		want := CheckIn{TeamID: t.ID, Name: cs.Name, Kind: cs.Kind, Schedule: cs.Schedule, RemindAfter: cs.RemindAfter,
			Window: cs.Window, Questions: cs.Questions, Position: pos}
		if !ok {
			if err := s.g.Create(&want).Error; err != nil {
				return wrap("create check-in", err)
			}
			s.ch.Created = append(s.ch.Created, fmt.Sprintf("check-in %s/%s", t.Slug, cs.Name))
			continue
		}
		if diff := checkInDiff(cur, &want); len(diff) > 0 {
			want.ID, want.CreatedAt = cur.ID, cur.CreatedAt
			if err := s.g.Save(&want).Error; err != nil {
				return wrap("update check-in", err)
			}
			s.ch.Changed = append(s.ch.Changed, fmt.Sprintf("check-in %s/%s (%s)", t.Slug, cs.Name, strings.Join(diff, ", ")))
		}
	}
	for _, name := range sortedKeys(byName) {
		if err := s.g.Delete(byName[name]).Error; err != nil {
			return wrap("delete check-in", err)
		}
		s.ch.Removed = append(s.ch.Removed, fmt.Sprintf("check-in %s/%s", t.Slug, name))
	}
	return nil
}

func checkInDiff(a, b *CheckIn) []string {
	var diff []string
	if a.Kind != b.Kind {
		diff = append(diff, "kind")
	}
	if a.Schedule != b.Schedule {
		diff = append(diff, "schedule")
	}
	if a.RemindAfter != b.RemindAfter {
		diff = append(diff, "remind_after")
	}
	if a.Window != b.Window {
		diff = append(diff, "window")
	}
	if !slices.EqualFunc(a.Questions, b.Questions, func(x, y Question) bool {
		return x.Key == y.Key && x.Text == y.Text && slices.Equal(x.Aliases, y.Aliases)
	}) {
		diff = append(diff, "questions")
	}
	if a.Position != b.Position {
		diff = append(diff, "position")
	}
	return diff
}

func (s *syncer) removeTeams(keep []string) error {
	var gone []Team
	q := s.g.Order("slug")
	if len(keep) > 0 {
		q = q.Where("slug NOT IN ?", keep)
	}
	if err := q.Find(&gone).Error; err != nil {
		return wrap("find teams", err)
	}
	for _, t := range gone {
		for _, m := range []any{&Membership{}, &CheckIn{}, &Holiday{}} {
			if err := s.g.Where("team_id = ?", t.ID).Delete(m).Error; err != nil {
				return wrap("remove team", err)
			}
		}
		// Nobody can see a removed team's archive: nothing of it stays
		// searchable.
		if err := s.g.Exec("DELETE FROM search_docs WHERE team_id = ?", t.ID).Error; err != nil {
			return wrap("remove team", err)
		}
		if err := s.g.Delete(&t).Error; err != nil {
			return wrap("remove team", err)
		}
		s.ch.Removed = append(s.ch.Removed, "team "+t.Slug)
	}
	return nil
}

func lower(in []string) []string {
	if len(in) == 0 {
		return nil
	}
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = strings.ToLower(s)
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func sortedByID(m map[int64]*Membership) []*Membership {
	out := make([]*Membership, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
