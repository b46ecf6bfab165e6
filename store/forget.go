package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"
)

// ForgetReport says what ForgetMember erased: Deleted counts removed rows
// per table; Detached counts rows kept for the team with the person taken
// out (author or owner cleared, their words removed where they were
// theirs alone).
type ForgetReport struct {
	Email    string
	Deleted  map[string]int64
	Detached map[string]int64
}

// errDryRun rolls a dry run's transaction back.
var errDryRun = errors.New("dry run")

// forgetHandled are the tables with a member_id column ForgetMember
// treats itself; any other table with one (the web archive's sessions
// and sign-in links, say) has the member's rows deleted.
const forgetHandled = "updates prompts memberships member_events member_prefs optouts confirmations " +
	"ask_recipients ask_answers kr_retros kr_values one_on_ones outbound_messages search_docs"

// ForgetMember erases a member, in one transaction: their updates and
// earlier versions, prompts, the raw inbound messages they sent (those
// that carried their updates or check-ins, and any whose envelope sender
// is one of their addresses), outbound messages addressed to them with
// bodies and delivery attempts, memberships, preferences and events,
// confirmations, suppressions of their addresses, their ask answers when
// attributed (anonymous ones carry no member), one-on-ones they were part
// of, their search documents, rows of any other table keyed by their
// member_id, and the member row with its addresses and aliases. Team
// content they touched is kept without them: key-result values (number
// kept, comment removed), notes they forwarded, asks they asked, action
// items and OKRs they owned. With dryRun nothing changes; the report says
// what would. ErrNotFound: no such member.
func (db *DB) ForgetMember(ctx context.Context, memberID int64, dryRun bool) (*ForgetReport, error) {
	var rep *ForgetReport
	err := db.InTx(ctx, func(tx *DB) error {
		var err error
		rep, err = tx.forget(ctx, memberID)
		if err == nil && dryRun {
			return errDryRun
		}
		return err
	})
	if errors.Is(err, errDryRun) {
		err = nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: forget member: %w", err)
	}
	return rep, nil
}

func (db *DB) forget(ctx context.Context, id int64) (*ForgetReport, error) {
	g := db.gorm.WithContext(ctx)
	var m Member
	if err := g.Take(&m, id).Error; err != nil {
		return nil, wrap("find member", err)
	}
	rep := &ForgetReport{Email: m.Email, Deleted: map[string]int64{}, Detached: map[string]int64{}}
	addrs := []string{strings.ToLower(m.Email)}
	for _, a := range m.Aliases {
		addrs = append(addrs, strings.ToLower(a))
	}
	var errs []error
	del := func(table, where string, args ...any) {
		res := g.Exec("DELETE FROM "+table+" WHERE "+where, args...)
		errs = append(errs, res.Error)
		rep.Deleted[table] += res.RowsAffected
	}
	detach := func(table, set, where string, args ...any) {
		res := g.Exec("UPDATE "+table+" SET "+set+" WHERE "+where, args...)
		errs = append(errs, res.Error)
		rep.Detached[table] += res.RowsAffected
	}
	ids := func(q string, args ...any) []int64 {
		var out []int64
		errs = append(errs, g.Raw(q, args...).Scan(&out).Error)
		return out
	}
	upd := ids("SELECT id FROM updates WHERE member_id = ?", id)
	inbound := ids(`SELECT inbound_id FROM updates WHERE member_id = ?
		UNION SELECT r.inbound_id FROM update_revisions r JOIN updates u ON u.id = r.update_id WHERE u.member_id = ?
		UNION SELECT inbound_id FROM kr_values WHERE member_id = ?
		UNION SELECT id FROM inbound_messages WHERE lower(mail_from) IN ?`, id, id, id, addrs)
	outbound := ids("SELECT id FROM outbound_messages WHERE member_id = ? OR lower(recipient) IN ?", id, addrs)
	pairs := ids("SELECT id FROM one_on_ones WHERE member_id = ? OR lead_id = ?", id, id)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	for c := range slices.Chunk(upd, 500) {
		del("update_revisions", "update_id IN ?", c)
		del("updates", "id IN ?", c)
	}
	for c := range slices.Chunk(inbound, 500) {
		del("inbound_messages", "id IN ?", c)
	}
	for c := range slices.Chunk(outbound, 500) {
		del("delivery_attempts", "outbound_id IN ?", c)
		del("outbound_bodies", "outbound_id IN ?", c)
		del("outbound_messages", "id IN ?", c)
	}
	for c := range slices.Chunk(pairs, 500) {
		del("one_on_one_entries", "pair_id IN ?", c)
		del("one_on_one_items", "pair_id IN ?", c)
		del("one_on_one_meetings", "pair_id IN ?", c)
		del("one_on_ones", "id IN ?", c)
	}
	for _, t := range []string{"prompts", "memberships", "member_events", "member_prefs", "optouts",
		"ask_recipients", "ask_answers", "kr_retros"} {
		del(t, "member_id = ?", id)
	}
	del("confirmations", "member_id = ? OR lower(address) IN ?", id, addrs)
	del("suppressions", "lower(address) IN ?", addrs)
	// The notes whose action items this member owned are indexed with the
	// owner's name: re-indexed below, once the items are detached.
	owned := ids("SELECT DISTINCT note_id FROM action_items WHERE owner_member_id = ?", id)
	del("search_docs", "member_id = ? AND kind IN ?", id, []string{SearchUpdate, SearchOKR})
	detach("search_docs", "member_id = 0", "member_id = ?", id)
	detach("kr_values", "member_id = NULL, comment = '', note = ''", "member_id = ?", id)
	detach("objectives", "owner_id = NULL", "owner_id = ?", id)
	detach("key_results", "owner_id = NULL", "owner_id = ?", id)
	detach("action_items", "owner_member_id = NULL, owner_text = ''", "owner_member_id = ?", id)
	detach("meeting_notes", "forwarded_by_id = NULL, forwarded_by = ''", "forwarded_by_id = ? OR lower(forwarded_by) IN ?", id, addrs)
	detach("asks", "asker_id = NULL, asker_email = '', asker_name = ''", "asker_id = ? OR lower(asker_email) IN ?", id, addrs)
	others, err := db.tablesWithMemberID(g)
	if err != nil {
		return nil, err
	}
	for _, t := range others {
		del(`"`+strings.ReplaceAll(t, `"`, `""`)+`"`, "member_id = ?", id)
	}
	for _, n := range owned {
		errs = append(errs, indexNote(g, db.postgres, n))
	}
	del("members", "id = ?", id)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	for k, v := range rep.Deleted {
		if v == 0 {
			delete(rep.Deleted, k)
		}
	}
	for k, v := range rep.Detached {
		if v == 0 {
			delete(rep.Detached, k)
		}
	}
	return rep, nil
}

// tablesWithMemberID lists the tables of this database with a member_id
// column that forgetHandled does not name.
func (db *DB) tablesWithMemberID(g *gorm.DB) ([]string, error) {
	var names []string
	var err error
	if db.postgres {
		err = g.Raw(`SELECT table_name FROM information_schema.columns
			WHERE table_schema = current_schema() AND column_name = 'member_id' ORDER BY table_name`).Scan(&names).Error
	} else {
		err = g.Raw(`SELECT m.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
			WHERE m.type = 'table' AND p.name = 'member_id' ORDER BY m.name`).Scan(&names).Error
	}
	if err != nil {
		return nil, fmt.Errorf("find tables with member_id: %w", err)
	}
	return slices.DeleteFunc(names, func(n string) bool { return slices.Contains(strings.Fields(forgetHandled), n) }), nil
}
