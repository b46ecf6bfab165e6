package store

import (
	"context"
	"slices"
	"time"
)

// One-on-one action items in the owner's regular check-in prompts: an
// open item of a pair, owned by the lead or the member, is listed in that
// person's own prompts and reminders (marked "from your 1:1 with …"), and
// a "done: …" line in a reply to one of them closes it. These readers
// apply store.CanSee: an item is returned only to an owner in its
// audience, and only while the pair is active.

// OpenOneOnOneItemsOf returns the open one-on-one items owned by each of
// the members, keyed by owner, oldest due date first (items without one
// last), each with OneOnOneWith set to the other person's name.
func (db *DB) OpenOneOnOneItemsOf(ctx context.Context, memberIDs []int64) (map[int64][]ActionItemNote, error) {
	out := map[int64][]ActionItemNote{}
	if len(memberIDs) == 0 {
		return out, nil
	}
	g := db.gorm.WithContext(ctx)
	var items []OneOnOneItem
	err := g.Joins("JOIN one_on_ones ON one_on_ones.id = one_on_one_items.pair_id").
		Where("one_on_one_items.owner_id IN ? AND one_on_one_items.status = ? AND one_on_ones.active = ?", memberIDs, ActionOpen, true).
		Order("one_on_one_items.due IS NULL, one_on_one_items.due, one_on_one_items.id").Find(&items).Error
	if err != nil {
		return nil, wrap("find open one-on-one items", err)
	}
	if len(items) == 0 {
		return out, nil
	}
	// The pairs and the names of their people: one query each.
	var pairIDs []int64
	for _, it := range items {
		pairIDs = append(pairIDs, it.PairID)
	}
	var ps []OneOnOne
	if err := g.Where("id IN ?", slices.Compact(slices.Sorted(slices.Values(pairIDs)))).Find(&ps).Error; err != nil {
		return nil, wrap("find one-on-ones", err)
	}
	pairs := map[int64]*OneOnOne{}
	var people []int64
	for i := range ps {
		pairs[ps[i].ID] = &ps[i]
		people = append(people, ps[i].Audience()...)
	}
	var ms []Member
	if err := g.Select("id, name").Where("id IN ?", people).Find(&ms).Error; err != nil {
		return nil, wrap("find one-on-one people", err)
	}
	names := map[int64]string{}
	for _, m := range ms {
		names[m.ID] = m.Name
	}
	for _, it := range items {
		owner := *it.OwnerID
		if !CanSee(owner, it.Audience) {
			continue
		}
		p := pairs[it.PairID]
		other := p.LeadID
		if owner == p.LeadID {
			other = p.MemberID
		}
		a := ActionItem{ID: it.ID, OwnerMemberID: &owner, OwnerText: it.OwnerText, Text: it.Text, Due: it.Due,
			Status: it.Status, CreatedAt: it.CreatedAt, UpdatedAt: it.UpdatedAt}
		out[owner] = append(out[owner], ActionItemNote{ActionItem: a, OneOnOneWith: names[other]})
	}
	return out, nil
}

// OpenPromptItems returns what a member's check-in prompt lists: their
// open action items from filed meeting notes (OpenActionItems), then
// their own open one-on-one items (OpenOneOnOneItemsOf).
func (db *DB) OpenPromptItems(ctx context.Context, memberID int64) ([]ActionItemNote, error) {
	m, err := db.OpenPromptItemsOf(ctx, []int64{memberID})
	return m[memberID], err
}

// OpenPromptItemsOf is OpenPromptItems for several members at once.
func (db *DB) OpenPromptItemsOf(ctx context.Context, memberIDs []int64) (map[int64][]ActionItemNote, error) {
	out, err := db.OpenActionItemsOf(ctx, memberIDs)
	if err != nil {
		return nil, err
	}
	oo, err := db.OpenOneOnOneItemsOf(ctx, memberIDs)
	if err != nil {
		return nil, err
	}
	for id, items := range oo {
		out[id] = append(out[id], items...)
	}
	return out, nil
}

// CloseOwnOneOnOneItem closes the open one-on-one item id owned by
// memberID (a "done: …" in their check-in reply) at at; ErrNotFound when
// it is not theirs, not open, or its pair is no longer active.
func (db *DB) CloseOwnOneOnOneItem(ctx context.Context, memberID, id int64, at time.Time) error {
	open, err := db.OpenOneOnOneItemsOf(ctx, []int64{memberID})
	if err != nil {
		return err
	}
	for _, it := range open[memberID] {
		if it.ID == id {
			return db.CloseOneOnOneItem(ctx, id, at.UTC())
		}
	}
	return wrap("close one-on-one item", ErrNotFound)
}
