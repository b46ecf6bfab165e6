package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm/clause"
)

// OneOnOneSpec is a pair as declared in the configuration file.
type OneOnOneSpec struct {
	Team         string // slug
	Lead, Member string // addresses
	Schedule     string
	Prepare      time.Duration
	AgendaBefore time.Duration
	ShareMood    bool
	Feedback     bool
	Questions    []Question
}

// SyncOneOnOnes makes the active pairs exactly specs: it creates or updates
// each and deactivates the others (their history stays). Teams and members
// must exist (run Sync first). It returns how many pairs are active.
func (db *DB) SyncOneOnOnes(ctx context.Context, specs []OneOnOneSpec) (int, error) {
	err := db.InTx(ctx, func(tx *DB) error {
		g := tx.gorm.WithContext(ctx)
		keep := []int64{0}
		for _, s := range specs {
			var team Team
			if err := g.Where("slug = ?", s.Team).Take(&team).Error; err != nil {
				return fmt.Errorf("team %q: %w", s.Team, err)
			}
			lead, err := tx.MemberByAddress(ctx, s.Lead)
			if err != nil {
				return fmt.Errorf("lead %s: %w", s.Lead, err)
			}
			mem, err := tx.MemberByAddress(ctx, s.Member)
			if err != nil {
				return fmt.Errorf("member %s: %w", s.Member, err)
			}
			p := OneOnOne{TeamID: team.ID, LeadID: lead.ID, MemberID: mem.ID}
			if err := g.Where(&p).FirstOrCreate(&p, OneOnOne{Schedule: s.Schedule, Active: true}).Error; err != nil {
				return err
			}
			p.Schedule, p.Prepare, p.AgendaBefore = s.Schedule, s.Prepare, s.AgendaBefore
			p.ShareMood, p.Feedback, p.Questions, p.Active = s.ShareMood, s.Feedback, s.Questions, true
			if err := g.Save(&p).Error; err != nil {
				return err
			}
			keep = append(keep, p.ID)
		}
		return g.Model(&OneOnOne{}).Where("id NOT IN ?", keep).Update("active", false).Error
	})
	if err != nil {
		return 0, wrap("sync one-on-ones", err)
	}
	return len(specs), nil
}

// OneOnOnePair is a pair with its team and both people.
type OneOnOnePair struct {
	OneOnOne
	Team   Team
	Lead   Member
	Member Member
}

// Person returns the lead or the member by ID, and whether id is in the
// pair.
func (p *OneOnOnePair) Person(id int64) (*Member, bool) {
	switch id {
	case p.LeadID:
		return &p.Lead, true
	case p.MemberID:
		return &p.Member, true
	}
	return nil, false
}

// Other returns the other person of the pair.
func (p *OneOnOnePair) Other(id int64) *Member {
	if id == p.LeadID {
		return &p.Member
	}
	return &p.Lead
}

// Location is the zone of person id: their own, else the team's, else UTC.
func (p *OneOnOnePair) Location(id int64) *time.Location {
	var own string
	if m, ok := p.Person(id); ok {
		own = m.Timezone
	}
	for _, name := range []string{own, p.Team.Timezone} {
		if name == "" {
			continue
		}
		if loc, err := time.LoadLocation(name); err == nil {
			return loc
		}
	}
	return time.UTC
}

// FindOneOnOnes returns the active pairs, of one team when slug is not
// empty, ordered by team, lead and member names.
func (db *DB) FindOneOnOnes(ctx context.Context, slug string) ([]OneOnOnePair, error) {
	g := db.gorm.WithContext(ctx).Model(&OneOnOne{}).Where("active")
	if slug != "" {
		g = g.Where("team_id IN (?)", db.gorm.Model(&Team{}).Select("id").Where("slug = ?", slug))
	}
	var ps []OneOnOne
	if err := g.Order("id").Find(&ps).Error; err != nil {
		return nil, wrap("find one-on-ones", err)
	}
	return db.pairs(ctx, ps)
}

// OneOnOneByID returns the pair (active or not), or ErrNotFound.
func (db *DB) OneOnOneByID(ctx context.Context, id int64) (*OneOnOnePair, error) {
	var p OneOnOne
	if err := db.gorm.WithContext(ctx).Take(&p, id).Error; err != nil {
		return nil, wrap("find one-on-one", err)
	}
	out, err := db.pairs(ctx, []OneOnOne{p})
	if err != nil {
		return nil, err
	}
	return &out[0], nil
}

// OneOnOneOf returns the pair of lead and member (addresses), active or
// not, or ErrNotFound.
func (db *DB) OneOnOneOf(ctx context.Context, lead, member string) (*OneOnOnePair, error) {
	l, err := db.MemberByAddress(ctx, strings.TrimSpace(lead))
	if err != nil {
		return nil, err
	}
	m, err := db.MemberByAddress(ctx, strings.TrimSpace(member))
	if err != nil {
		return nil, err
	}
	var p OneOnOne
	if err := db.gorm.WithContext(ctx).Where("lead_id = ? AND member_id = ?", l.ID, m.ID).Order("active DESC, id").Take(&p).Error; err != nil {
		return nil, wrap("find one-on-one", err)
	}
	return db.OneOnOneByID(ctx, p.ID)
}

func (db *DB) pairs(ctx context.Context, ps []OneOnOne) ([]OneOnOnePair, error) {
	out := make([]OneOnOnePair, 0, len(ps))
	for _, p := range ps {
		pp := OneOnOnePair{OneOnOne: p}
		g := db.gorm.WithContext(ctx)
		if err := g.Take(&pp.Team, p.TeamID).Error; err != nil {
			return nil, wrap("find one-on-one team", err)
		}
		if err := g.Take(&pp.Lead, p.LeadID).Error; err != nil {
			return nil, wrap("find one-on-one lead", err)
		}
		if err := g.Take(&pp.Member, p.MemberID).Error; err != nil {
			return nil, wrap("find one-on-one member", err)
		}
		out = append(out, pp)
	}
	return out, nil
}

// EnsureOneOnOneMeeting inserts m unless the pair already has a meeting
// for m.Period, and returns the stored one.
func (db *DB) EnsureOneOnOneMeeting(ctx context.Context, m *OneOnOneMeeting) (*OneOnOneMeeting, error) {
	g := db.gorm.WithContext(ctx)
	err := g.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "pair_id"}, {Name: "period"}}, DoNothing: true}).Create(m).Error
	if err != nil {
		return nil, wrap("insert one-on-one meeting", err)
	}
	var out OneOnOneMeeting
	if err := g.Where("pair_id = ? AND period = ?", m.PairID, m.Period).Take(&out).Error; err != nil {
		return nil, wrap("find one-on-one meeting", err)
	}
	return &out, nil
}

// FindOneOnOneMeetings returns the pair's meetings whose At is in
// [from, to) (zero bounds are open), in order.
func (db *DB) FindOneOnOneMeetings(ctx context.Context, pairID int64, from, to time.Time) ([]OneOnOneMeeting, error) {
	g := db.gorm.WithContext(ctx).Where("pair_id = ?", pairID)
	if !from.IsZero() {
		g = g.Where("at >= ?", from)
	}
	if !to.IsZero() {
		g = g.Where("at < ?", to)
	}
	var ms []OneOnOneMeeting
	if err := g.Order("at, id").Find(&ms).Error; err != nil {
		return nil, wrap("find one-on-one meetings", err)
	}
	return ms, nil
}

// OneOnOneMeetingByID returns the meeting, or ErrNotFound.
func (db *DB) OneOnOneMeetingByID(ctx context.Context, id int64) (*OneOnOneMeeting, error) {
	var m OneOnOneMeeting
	if err := db.gorm.WithContext(ctx).Take(&m, id).Error; err != nil {
		return nil, wrap("find one-on-one meeting", err)
	}
	return &m, nil
}

// SaveOneOnOneMeeting writes every field of m.
func (db *DB) SaveOneOnOneMeeting(ctx context.Context, m *OneOnOneMeeting) error {
	return wrap("save one-on-one meeting", db.gorm.WithContext(ctx).Save(m).Error)
}

// InsertOneOnOneEntry inserts e unless the person already has an entry of
// that kind for the meeting (then created is false and e is not changed):
// each email goes out once per person and meeting.
func (db *DB) InsertOneOnOneEntry(ctx context.Context, e *OneOnOneEntry) (created bool, err error) {
	res := db.gorm.WithContext(ctx).Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "meeting_id"}, {Name: "person_id"}, {Name: "kind"}}, DoNothing: true,
	}).Create(e)
	if res.Error != nil {
		return false, wrap("insert one-on-one entry", res.Error)
	}
	return res.RowsAffected == 1, nil
}

// OneOnOneEntryByID returns the entry, or ErrNotFound.
func (db *DB) OneOnOneEntryByID(ctx context.Context, id int64) (*OneOnOneEntry, error) {
	var e OneOnOneEntry
	if err := db.gorm.WithContext(ctx).Take(&e, id).Error; err != nil {
		return nil, wrap("find one-on-one entry", err)
	}
	return &e, nil
}

// SaveOneOnOneEntry writes every field of e.
func (db *DB) SaveOneOnOneEntry(ctx context.Context, e *OneOnOneEntry) error {
	return wrap("save one-on-one entry", db.gorm.WithContext(ctx).Save(e).Error)
}

// FindOneOnOneEntries returns the entries of the meetings, by meeting,
// kind and person.
func (db *DB) FindOneOnOneEntries(ctx context.Context, meetingIDs []int64) ([]OneOnOneEntry, error) {
	var es []OneOnOneEntry
	if len(meetingIDs) == 0 {
		return es, nil
	}
	err := db.gorm.WithContext(ctx).Where("meeting_id IN ?", meetingIDs).Order("meeting_id, kind, person_id").Find(&es).Error
	return es, wrap("find one-on-one entries", err)
}

// AddOneOnOneItems stores action items.
func (db *DB) AddOneOnOneItems(ctx context.Context, items []OneOnOneItem) error {
	if len(items) == 0 {
		return nil
	}
	return wrap("add one-on-one items", db.gorm.WithContext(ctx).Create(&items).Error)
}

// FindOneOnOneItems returns the pair's action items (only open ones when
// open is set), oldest first.
func (db *DB) FindOneOnOneItems(ctx context.Context, pairID int64, open bool) ([]OneOnOneItem, error) {
	g := db.gorm.WithContext(ctx).Where("pair_id = ?", pairID)
	if open {
		g = g.Where("status = ?", ActionOpen)
	}
	var out []OneOnOneItem
	return out, wrap("find one-on-one items", g.Order("id").Find(&out).Error)
}

// CloseOneOnOneItem marks an item done at at.
func (db *DB) CloseOneOnOneItem(ctx context.Context, id int64, at time.Time) error {
	err := db.gorm.WithContext(ctx).Model(&OneOnOneItem{}).Where("id = ?", id).
		Updates(map[string]any{"status": ActionDone, "done_at": at}).Error
	return wrap("close one-on-one item", err)
}
