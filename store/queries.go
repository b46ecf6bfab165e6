package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// TeamMember is a member as seen from one team: the membership's role and
// the effective time zone (the member's, else the team's).
type TeamMember struct {
	Member
	Role     string
	Location string // effective IANA time zone
	// DigestOff: the member gets no digest from this team (an opt-out
	// from its digest, or their own "digest off").
	DigestOff bool
	// Digest is the member's own digest setting (DigestDaily,
	// DigestWeekly, DigestOff), empty for the team's schedule.
	Digest string
}

// FindTeams returns all teams ordered by slug.
func (db *DB) FindTeams(ctx context.Context) ([]Team, error) {
	var out []Team
	err := db.gorm.WithContext(ctx).Order("slug").Find(&out).Error
	return out, wrap("find teams", err)
}

// FindTeam returns the team with the slug, or ErrNotFound.
func (db *DB) FindTeam(ctx context.Context, slug string) (*Team, error) {
	var t Team
	err := db.gorm.WithContext(ctx).Where("slug = ?", slug).Take(&t).Error
	if err != nil {
		return nil, wrap("find team "+slug, err)
	}
	return &t, nil
}

// TeamByID returns the team, or ErrNotFound.
func (db *DB) TeamByID(ctx context.Context, id int64) (*Team, error) {
	var t Team
	if err := db.gorm.WithContext(ctx).Take(&t, id).Error; err != nil {
		return nil, wrap("find team", err)
	}
	return &t, nil
}

// MemberByID returns the member, or ErrNotFound.
func (db *DB) MemberByID(ctx context.Context, id int64) (*Member, error) {
	var m Member
	if err := db.gorm.WithContext(ctx).Take(&m, id).Error; err != nil {
		return nil, wrap("find member", err)
	}
	return &m, nil
}

// MemberByAddress finds the member whose email or one of whose aliases is
// addr (case-insensitive), or ErrNotFound.
func (db *DB) MemberByAddress(ctx context.Context, addr string) (*Member, error) {
	addr = strings.ToLower(strings.TrimSpace(addr))
	var m Member
	err := db.gorm.WithContext(ctx).Where("email = ?", addr).Take(&m).Error
	if err == nil {
		return &m, nil
	}
	if !errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, wrap("find member", err)
	}
	// Aliases are stored as a JSON array: LIKE narrows the rows to those
	// whose text holds the address JSON-quoted; the loop below decides.
	var all []Member
	if err := db.gorm.WithContext(ctx).Where(`aliases LIKE ? ESCAPE '\'`, likeJSONString(addr)).Find(&all).Error; err != nil {
		return nil, wrap("find member", err)
	}
	for i := range all {
		for _, a := range all[i].Aliases {
			if a == addr {
				return &all[i], nil
			}
		}
	}
	return nil, wrap("find member "+addr, ErrNotFound)
}

// FindTeamMembers returns the team's members with their roles, ordered by
// name, each with the pause and away in force for the team.
func (db *DB) FindTeamMembers(ctx context.Context, teamID int64) ([]TeamMember, error) {
	t, err := db.TeamByID(ctx, teamID)
	if err != nil {
		return nil, err
	}
	type row struct {
		Member
		Role            string
		TeamPausedUntil *time.Time
		TeamAwayUntil   *time.Time
	}
	var rows []row
	err = db.gorm.WithContext(ctx).Table("members").
		Select("members.*, memberships.role AS role, "+teamStateColumns).
		Joins("JOIN memberships ON memberships.member_id = members.id").
		Where("memberships.team_id = ?", teamID).Order("members.name, members.id").Scan(&rows).Error
	if err != nil {
		return nil, wrap("find team members", err)
	}
	off, prefs, err := db.digestOff(ctx, teamID)
	if err != nil {
		return nil, err
	}
	out := make([]TeamMember, len(rows))
	for i, r := range rows {
		teamState{r.TeamPausedUntil, r.TeamAwayUntil}.apply(&r.Member)
		loc := r.Timezone
		if loc == "" {
			loc = t.Timezone
		}
		out[i] = TeamMember{Member: r.Member, Role: r.Role, Location: loc, DigestOff: off[r.ID], Digest: prefs[r.ID]}
	}
	return out, nil
}

// TeamsOf returns the teams the member belongs to, ordered by slug.
func (db *DB) TeamsOf(ctx context.Context, memberID int64) ([]Team, error) {
	var out []Team
	err := db.gorm.WithContext(ctx).Joins("JOIN memberships ON memberships.team_id = teams.id").
		Where("memberships.member_id = ?", memberID).Order("teams.slug").Find(&out).Error
	return out, wrap("find teams of member", err)
}

// SenderTeams returns, by slug, the teams a sender may post to: those
// member memberID belongs to (0: not a member) and those whose
// AllowedDomains hold domain (lower case); only the team named slug
// (any case) when slug is not empty.
func (db *DB) SenderTeams(ctx context.Context, memberID int64, domain, slug string) ([]Team, error) {
	var out []Team
	if memberID != 0 {
		mine, err := db.TeamsOf(ctx, memberID)
		if err != nil {
			return nil, err
		}
		out = mine
	}
	if domain != "" {
		var rows []Team // narrowed by LIKE on the JSON text, decided here
		err := db.gorm.WithContext(ctx).Where(`allowed_domains LIKE ? ESCAPE '\'`, likeJSONString(domain)).Find(&rows).Error
		if err != nil {
			return nil, wrap("find teams allowing "+domain, err)
		}
		for _, t := range rows {
			mine := slices.ContainsFunc(out, func(o Team) bool { return o.ID == t.ID })
			if !mine && slices.Contains(t.AllowedDomains, domain) {
				out = append(out, t)
			}
		}
	}
	out = slices.DeleteFunc(out, func(t Team) bool { return slug != "" && !strings.EqualFold(t.Slug, slug) })
	slices.SortFunc(out, func(a, b Team) int { return strings.Compare(a.Slug, b.Slug) })
	return out, nil
}

// likeJSONString is a LIKE pattern (with ESCAPE '\') matching text that
// holds s as a JSON string, encoded as the json serializer stores it.
func likeJSONString(s string) string {
	quoted, _ := json.Marshal(s) // a string always encodes
	esc := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(string(quoted))
	return "%" + esc + "%"
}

// FindCheckIns returns the team's check-ins in declaration order.
func (db *DB) FindCheckIns(ctx context.Context, teamID int64) ([]CheckIn, error) {
	var out []CheckIn
	err := db.gorm.WithContext(ctx).Where("team_id = ?", teamID).Order("position").Find(&out).Error
	return out, wrap("find check-ins", err)
}

// CheckInByID returns the check-in, or ErrNotFound.
func (db *DB) CheckInByID(ctx context.Context, id int64) (*CheckIn, error) {
	var c CheckIn
	if err := db.gorm.WithContext(ctx).Take(&c, id).Error; err != nil {
		return nil, wrap("find check-in", err)
	}
	return &c, nil
}

// Setting returns the value stored under key, or ErrNotFound.
func (db *DB) Setting(ctx context.Context, key string) (string, error) {
	var s Setting
	if err := db.gorm.WithContext(ctx).Take(&s, "key = ?", key).Error; err != nil {
		return "", wrap("find setting "+key, err)
	}
	return s.Value, nil
}

// Secret returns the server secret kept in the store, generating and
// storing a random one the first time. Concurrent first calls from several
// instances agree on one value.
func (db *DB) Secret(ctx context.Context) (string, error) {
	if v, err := db.Setting(ctx, "secret"); err == nil {
		return v, nil
	} else if !errors.Is(err, ErrNotFound) {
		return "", err
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	s := Setting{Key: "secret", Value: hex.EncodeToString(b)}
	err := db.gorm.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&s).Error
	if err != nil {
		return "", wrap("store secret", err)
	}
	return db.Setting(ctx, "secret")
}

// Suppress stops mail to addr; suppressing twice keeps the first reason.
// A new suppression is recorded in the history of the member it belongs to.
func (db *DB) Suppress(ctx context.Context, addr, reason string) error {
	s := Suppression{Address: strings.ToLower(addr), Reason: reason}
	res := db.gorm.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&s)
	if res.Error != nil || res.RowsAffected == 0 {
		return wrap("suppress", res.Error)
	}
	return db.suppressEvent(ctx, addr, reason)
}

// Suppressed reports whether mail to addr is suppressed.
func (db *DB) Suppressed(ctx context.Context, addr string) (bool, error) {
	var n int64
	err := db.gorm.WithContext(ctx).Model(&Suppression{}).Where("address = ?", strings.ToLower(addr)).Count(&n).Error
	return n > 0, wrap("check suppression", err)
}
