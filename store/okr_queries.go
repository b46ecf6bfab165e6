package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// PendingOKRs statuses.
const (
	PendingOKRsWaiting   = "pending"
	PendingOKRsConfirmed = "confirmed"
)

// PendingOKRs is a list of OKRs received by email at okrs+TEAM@, kept until
// the sender confirms it (a reply in the thread) or DMARC passed.
type PendingOKRs struct {
	ID        int64 `gorm:"primaryKey"`
	TeamID    int64 `gorm:"not null;index"`
	SenderID  int64 `gorm:"not null"`
	InboundID int64
	Quarter   string          `gorm:"size:8;not null"`
	Specs     []ObjectiveSpec `gorm:"serializer:json"`
	Status    string          `gorm:"size:16;not null"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

// OKRSet is one team's objectives for a quarter with their key results (in
// objective and position order), the owners' names and each key result's
// value history (oldest first).
type OKRSet struct {
	Team       Team
	Quarter    Quarter
	Objectives []Objective
	KeyResults []KeyResult
	Owners     map[int64]Member
	History    map[int64][]KRValue // by key result ID
}

// Latest is the newest value of key result id, or false.
func (s *OKRSet) Latest(id int64) (KRValue, bool) {
	h := s.History[id]
	if len(h) == 0 {
		return KRValue{}, false
	}
	return h[len(h)-1], true
}

// LatestBefore is the newest value of key result id reported before t.
func (s *OKRSet) LatestBefore(id int64, t time.Time) (KRValue, bool) {
	h := s.History[id]
	for i := len(h) - 1; i >= 0; i-- {
		if h[i].At.Before(t) {
			return h[i], true
		}
	}
	return KRValue{}, false
}

// OwnerName is the name of the member with id, or "".
func (s *OKRSet) OwnerName(id *int64) string {
	if id == nil {
		return ""
	}
	return s.Owners[*id].Name
}

// LoadOKRs returns team teamID's OKRs for quarter q, history included. A
// quarter without objectives gives an empty set, not an error.
func (db *DB) LoadOKRs(ctx context.Context, teamID int64, q Quarter) (*OKRSet, error) {
	g := db.gorm.WithContext(ctx)
	set := &OKRSet{Quarter: q, Owners: map[int64]Member{}, History: map[int64][]KRValue{}}
	if err := g.Take(&set.Team, teamID).Error; err != nil {
		return nil, wrap("load okrs", err)
	}
	if err := g.Where("team_id = ? AND quarter = ?", teamID, q.String()).Order("position").Find(&set.Objectives).Error; err != nil {
		return nil, wrap("load okrs", err)
	}
	var krs []KeyResult
	if err := g.Where("team_id = ? AND quarter = ?", teamID, q.String()).Order("position, id").Find(&krs).Error; err != nil {
		return nil, wrap("load okrs", err)
	}
	ids := []int64{}
	owners := []int64{}
	for _, o := range set.Objectives {
		if o.OwnerID != nil {
			owners = append(owners, *o.OwnerID)
		}
		for _, kr := range krs {
			if kr.ObjectiveID == o.ID {
				set.KeyResults = append(set.KeyResults, kr)
				ids = append(ids, kr.ID)
				if kr.OwnerID != nil {
					owners = append(owners, *kr.OwnerID)
				}
			}
		}
	}
	if len(owners) > 0 {
		var ms []Member
		if err := g.Where("id IN ?", owners).Find(&ms).Error; err != nil {
			return nil, wrap("load okrs", err)
		}
		for _, m := range ms {
			set.Owners[m.ID] = m
		}
	}
	if len(ids) > 0 {
		var vs []KRValue
		if err := g.Where("key_result_id IN ?", ids).Order("at, id").Find(&vs).Error; err != nil {
			return nil, wrap("load okrs", err)
		}
		for _, v := range vs {
			set.History[v.KeyResultID] = append(set.History[v.KeyResultID], v)
		}
	}
	return set, nil
}

// OKRQuarters lists the quarters for which team teamID has objectives,
// oldest first.
func (db *DB) OKRQuarters(ctx context.Context, teamID int64) ([]Quarter, error) {
	var qs []string
	err := db.gorm.WithContext(ctx).Model(&Objective{}).Where("team_id = ?", teamID).
		Distinct("quarter").Order("quarter").Pluck("quarter", &qs).Error
	if err != nil {
		return nil, wrap("okr quarters", err)
	}
	out := make([]Quarter, 0, len(qs))
	for _, s := range qs {
		if q, err := ParseQuarter(s); err == nil {
			out = append(out, q)
		}
	}
	return out, nil
}

// AddKRValues stores values as new history rows (At must be set).
func (db *DB) AddKRValues(ctx context.Context, vs []KRValue) error {
	if len(vs) == 0 {
		return nil
	}
	err := db.gorm.WithContext(ctx).Transaction(func(g *gorm.DB) error {
		if err := g.Create(&vs).Error; err != nil {
			return err
		}
		for _, v := range vs {
			if err := indexKRValue(g, db.postgres, v.ID); err != nil {
				return err
			}
		}
		return nil
	})
	return wrap("add key result values", err)
}

// KRValuesFromInbound reports whether message inboundID already filed
// values (so processing it again files nothing twice).
func (db *DB) KRValuesFromInbound(ctx context.Context, inboundID int64) (bool, error) {
	var n int64
	err := db.gorm.WithContext(ctx).Model(&KRValue{}).Where("inbound_id = ?", inboundID).Count(&n).Error
	if err != nil {
		return false, wrap("key result values of message", err)
	}
	return n > 0, nil
}

// ReplaceOKRQuarter replaces team teamID's objectives for quarter qs.Quarter
// with qs (objectives matched by title or position, key results by key,
// so history survives). Owners must be members of the team.
func (db *DB) ReplaceOKRQuarter(ctx context.Context, teamID int64, qs OKRQuarterSpec, source string) (Changes, error) {
	var ch Changes
	err := db.InTx(ctx, func(tx *DB) error {
		g := tx.gorm.WithContext(ctx)
		var t Team
		if err := g.Take(&t, teamID).Error; err != nil {
			return err
		}
		ms, err := teamMembersByEmail(g, teamID)
		if err != nil {
			return err
		}
		return replaceQuarter(g, &t, qs, ms, source, &ch)
	})
	if err != nil {
		return Changes{}, fmt.Errorf("store: replace okrs: %w", err)
	}
	return ch, nil
}

// SavePendingOKRs stores p (ID set on return).
func (db *DB) SavePendingOKRs(ctx context.Context, p *PendingOKRs) error {
	if err := db.gorm.WithContext(ctx).Save(p).Error; err != nil {
		return wrap("save pending okrs", err)
	}
	return nil
}

// PendingOKRsByID returns the pending list id.
func (db *DB) PendingOKRsByID(ctx context.Context, id int64) (*PendingOKRs, error) {
	var p PendingOKRs
	if err := db.gorm.WithContext(ctx).Take(&p, id).Error; err != nil {
		return nil, wrap("pending okrs", err)
	}
	return &p, nil
}

// NormalKey is a key result key in the form keys are compared: upper case,
// no spaces ("kr 2" → "KR2").
func NormalKey(k string) string {
	return strings.ToUpper(strings.Join(strings.Fields(k), ""))
}

// MarkPromptAnswered sets prompt id answered at at (a key-result check-in
// has no Update row).
func (db *DB) MarkPromptAnswered(ctx context.Context, id int64, at time.Time) error {
	err := db.gorm.WithContext(ctx).Model(&Prompt{}).Where("id = ?", id).
		Updates(map[string]any{"status": PromptAnswered, "answered_at": at.UTC()}).Error
	return wrap("mark prompt answered", err)
}

// KeyResultsOwnedBy returns the key results member memberID owns in team
// teamID's quarter q, in objective and position order.
func (db *DB) KeyResultsOwnedBy(ctx context.Context, teamID, memberID int64, q Quarter) ([]KeyResult, error) {
	var krs []KeyResult
	err := db.gorm.WithContext(ctx).Table("key_results").Select("key_results.*").
		Joins("JOIN objectives ON objectives.id = key_results.objective_id").
		Where("key_results.team_id = ? AND key_results.quarter = ? AND key_results.owner_id = ?", teamID, q.String(), memberID).
		Order("objectives.position, key_results.position").Scan(&krs).Error
	if err != nil {
		return nil, wrap("key results of member", err)
	}
	return krs, nil
}

// LatestKRValues returns the newest value of each of the key results ids
// reported before t.
func (db *DB) LatestKRValues(ctx context.Context, ids []int64, t time.Time) (map[int64]KRValue, error) {
	out := map[int64]KRValue{}
	if len(ids) == 0 {
		return out, nil
	}
	var vs []KRValue
	err := db.gorm.WithContext(ctx).Where("key_result_id IN ? AND at < ?", ids, t.UTC()).Order("at, id").Find(&vs).Error
	if err != nil {
		return nil, wrap("latest key result values", err)
	}
	for _, v := range vs {
		out[v.KeyResultID] = v
	}
	return out, nil
}

// OKRSources reports which sources ("config", "email") the objectives of
// team teamID's quarter came from.
func (db *DB) OKRSources(ctx context.Context, teamID int64, quarter string) (map[string]bool, error) {
	var srcs []string
	err := db.gorm.WithContext(ctx).Model(&Objective{}).Where("team_id = ? AND quarter = ?", teamID, quarter).
		Distinct("source").Pluck("source", &srcs).Error
	if err != nil {
		return nil, wrap("okr sources", err)
	}
	out := map[string]bool{}
	for _, s := range srcs {
		out[s] = true
	}
	return out, nil
}
