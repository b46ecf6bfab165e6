package store

import (
	"context"
	"time"
)

// Proof of who sent a message, recorded on what it changed (Update.Proof,
// MeetingNote.Proof), and the pending state of a meeting note that still
// waits for that proof.

// NotePending is the status of a meeting note that arrived without proof
// of its sender (no DMARC pass): it is kept with no team and no owners,
// shown to nobody, until the From address answers the confirmation sent
// to it (then it is filed like any other note) or forever.
const NotePending = "pending"

// Proof values: why a sender was believed.
const (
	// ProofDMARC: DMARC passed for the From domain (own evaluation or a
	// trusted Authentication-Results).
	ProofDMARC = "dmarc"
	// ProofToken: the message answered a signed reply token (or a prompt's
	// Message-ID) and DMARC did not pass; accepted because
	// auth.token_is_proof is on.
	ProofToken = "token"
	// ProofConfirmed: a pending meeting note confirmed by a reply from its
	// From address to the signed confirmation address.
	ProofConfirmed = "confirmed"
)

// itemTeam is the team an action item of n carries: n's team only while n
// is filed. Items of a pending, unassigned or quarantined note carry none,
// so no team query (digest items, listings) can reach them whatever the
// note's own fields say.
func itemTeam(n *MeetingNote) *int64 {
	if n.Status != NoteFiled {
		return nil
	}
	return n.TeamID
}

// CountUnprovenNotes returns how many notes from address (ForwardedBy,
// compared case-insensitively) created at or after since arrived without
// DMARC proof (pending, confirmed or discarded since): the filer asks for
// confirmation only a few times a day per address, so forged notes
// cannot flood a member with requests. Rows are never deleted, so the
// count only grows during a day.
func (db *DB) CountUnprovenNotes(ctx context.Context, address string, since time.Time) (int, error) {
	var n int64
	err := db.gorm.WithContext(ctx).Model(&MeetingNote{}).
		Where("LOWER(forwarded_by) = LOWER(?) AND created_at >= ? AND status <> ? AND (proof IS NULL OR proof <> ?)",
			address, since.UTC(), NoteQuarantined, ProofDMARC).
		Count(&n).Error
	return int(n), wrap("count unproven notes", err)
}

// LockMember holds a row lock on member id until the transaction ends
// (PostgreSQL; SQLite runs one transaction at a time anyway), so that
// work counted per member, such as confirmation requests, is not raced
// by a concurrent transaction. Call it inside InTx.
func (db *DB) LockMember(ctx context.Context, id int64) error {
	if !db.postgres {
		return nil
	}
	var got int64
	err := db.gorm.WithContext(ctx).Raw("SELECT id FROM members WHERE id = ? FOR UPDATE", id).Scan(&got).Error
	return wrap("lock member", err)
}
