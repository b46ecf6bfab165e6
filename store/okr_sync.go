package store

import (
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// OKRQuarterSpec is a team's objectives for one quarter as declared in the
// configuration file (or confirmed by email).
type OKRQuarterSpec struct {
	Quarter    string // "2027-Q1"
	Objectives []ObjectiveSpec
}

// ObjectiveSpec is one objective; Owner is a member's address or empty.
type ObjectiveSpec struct {
	Title      string
	Owner      string
	KeyResults []KeyResultSpec
}

// KeyResultSpec is one key result; Owner empty means the objective's owner.
type KeyResultSpec struct {
	Key       string
	Title     string
	Owner     string
	Start     float64
	Target    float64
	Unit      string
	Currency  string
	Direction string
}

// syncOKRs makes the team's objectives and key results of each quarter in
// specs match them; quarters not named are left alone (OKRs confirmed by
// email for another quarter stay). Key results are matched by key, so
// their value history survives edits; a key result removed from the
// configuration is removed with its history.
func (s *syncer) syncOKRs(t *Team, specs []OKRQuarterSpec, members map[string]*Member) error {
	for _, qs := range specs {
		if err := replaceQuarter(s.g, t, qs, members, "config", s.ch); err != nil {
			return err
		}
	}
	return nil
}

// replaceQuarter writes one quarter's objectives and key results for team
// t, reporting what changed in ch. members maps lowercased addresses to
// members; an owner not in it is an error.
func replaceQuarter(g *gorm.DB, t *Team, qs OKRQuarterSpec, members map[string]*Member, source string, ch *Changes) error {
	q, err := ParseQuarter(qs.Quarter)
	if err != nil {
		return err
	}
	quarter := q.String()
	owner := func(addr string) (*int64, error) {
		if addr == "" {
			return nil, nil
		}
		m, ok := members[strings.ToLower(addr)]
		if !ok {
			return nil, fmt.Errorf("store: okrs: owner %s is not a member", addr)
		}
		return &m.ID, nil
	}
	var objs []Objective
	if err := g.Where("team_id = ? AND quarter = ?", t.ID, quarter).Order("position").Find(&objs).Error; err != nil {
		return wrap("find objectives", err)
	}
	var krs []KeyResult
	if err := g.Where("team_id = ? AND quarter = ?", t.ID, quarter).Find(&krs).Error; err != nil {
		return wrap("find key results", err)
	}
	byKey := map[string]*KeyResult{}
	for i := range krs {
		byKey[strings.ToUpper(krs[i].Key)] = &krs[i]
	}
	// Positions are unique: move existing objectives out of the way first.
	if len(objs) > 0 {
		if err := g.Model(&Objective{}).Where("team_id = ? AND quarter = ?", t.ID, quarter).
			Update("position", gorm.Expr("position + ?", 1000000)).Error; err != nil {
			return wrap("renumber objectives", err)
		}
	}
	keepObj := map[int64]bool{}
	label := t.Slug + "/" + quarter
	for pos, os := range qs.Objectives {
		oid, err := owner(os.Owner)
		if err != nil {
			return err
		}
		var o *Objective
		for i := range objs {
			if !keepObj[objs[i].ID] && objs[i].Title == os.Title {
				o = &objs[i]
				break
			}
		}
		if o == nil && pos < len(objs) && !keepObj[objs[pos].ID] {
			o = &objs[pos] // retitled in place
		}
		if o == nil {
			o = &Objective{TeamID: t.ID, Quarter: quarter, Position: pos, Title: os.Title, OwnerID: oid, Source: source}
			if err := g.Create(o).Error; err != nil {
				return wrap("create objective", err)
			}
			ch.Created = append(ch.Created, fmt.Sprintf("objective %s %q", label, os.Title))
		} else {
			if o.Title != os.Title || !sameID(o.OwnerID, oid) {
				ch.Changed = append(ch.Changed, fmt.Sprintf("objective %s %q", label, os.Title))
			}
			o.Position, o.Title, o.OwnerID, o.Source = pos, os.Title, oid, source
			if err := g.Save(o).Error; err != nil {
				return wrap("update objective", err)
			}
		}
		keepObj[o.ID] = true
		for kpos, ks := range os.KeyResults {
			kid, err := owner(ks.Owner)
			if err != nil {
				return err
			}
			if kid == nil {
				kid = oid
			}
			want := KeyResult{TeamID: t.ID, Quarter: quarter, Key: ks.Key, ObjectiveID: o.ID, Position: kpos,
				Title: ks.Title, OwnerID: kid, Start: ks.Start, Target: ks.Target, Unit: ks.Unit,
				Currency: ks.Currency, Direction: ks.Direction}
			cur, ok := byKey[strings.ToUpper(ks.Key)]
			delete(byKey, strings.ToUpper(ks.Key))
			if !ok {
				if err := g.Create(&want).Error; err != nil {
					return wrap("create key result", err)
				}
				ch.Created = append(ch.Created, fmt.Sprintf("key result %s %s", label, ks.Key))
				continue
			}
			want.ID, want.CreatedAt = cur.ID, cur.CreatedAt
			if krDiffers(cur, &want) {
				if err := g.Save(&want).Error; err != nil {
					return wrap("update key result", err)
				}
				ch.Changed = append(ch.Changed, fmt.Sprintf("key result %s %s", label, ks.Key))
			}
		}
	}
	for _, kr := range byKey {
		// Its check-in comments leave the archive's search with it.
		if err := g.Exec("DELETE FROM search_docs WHERE kind = ? AND object_id IN (SELECT id FROM kr_values WHERE key_result_id = ?)",
			SearchOKR, kr.ID).Error; err != nil {
			return wrap("remove key result", err)
		}
		if err := g.Where("key_result_id = ?", kr.ID).Delete(&KRValue{}).Error; err != nil {
			return wrap("remove key result", err)
		}
		if err := g.Delete(kr).Error; err != nil {
			return wrap("remove key result", err)
		}
		ch.Removed = append(ch.Removed, fmt.Sprintf("key result %s %s", label, kr.Key))
	}
	for i := range objs {
		if keepObj[objs[i].ID] {
			continue
		}
		if err := g.Delete(&objs[i]).Error; err != nil {
			return wrap("remove objective", err)
		}
		ch.Removed = append(ch.Removed, fmt.Sprintf("objective %s %q", label, objs[i].Title))
	}
	return nil
}

func krDiffers(a, b *KeyResult) bool {
	return a.Key != b.Key || a.ObjectiveID != b.ObjectiveID || a.Position != b.Position || a.Title != b.Title ||
		!sameID(a.OwnerID, b.OwnerID) || a.Start != b.Start || a.Target != b.Target || a.Unit != b.Unit ||
		a.Currency != b.Currency || a.Direction != b.Direction
}

func sameID(a, b *int64) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

// teamMembersByEmail maps the lowercased address of each member of team to
// the member.
func teamMembersByEmail(g *gorm.DB, teamID int64) (map[string]*Member, error) {
	var ms []Member
	err := g.Joins("JOIN memberships ON memberships.member_id = members.id").
		Where("memberships.team_id = ?", teamID).Find(&ms).Error
	if err != nil {
		return nil, wrap("find team members", err)
	}
	out := map[string]*Member{}
	for i := range ms {
		out[strings.ToLower(ms[i].Email)] = &ms[i]
	}
	return out, nil
}
