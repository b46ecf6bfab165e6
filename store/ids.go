package store

import (
	"context"
	"database/sql"
	"errors"
)

// ReserveIDs reserves n prompt IDs and n outbound message IDs that no
// other insert, in this process or another, will use, so that a prompt and
// its message can be rendered (Reply-To token, Message-ID, envelope
// sender) before they are stored: set Prompt.ID and OutboundMessage.ID and
// InsertPrompts and QueueOutboundMany keep them. IDs left unused are gaps,
// never reused. Errors wrap ErrUnavailable when the database cannot be
// reached.
func (db *DB) ReserveIDs(ctx context.Context, n int) (prompts, outbound []int64, err error) {
	if n <= 0 {
		return nil, nil, nil
	}
	prompts, outbound = make([]int64, 0, n), make([]int64, 0, n)
	if db.postgres {
		err = db.returning(ctx, "SELECT nextval(pg_get_serial_sequence('prompts', 'id')), "+
			"nextval(pg_get_serial_sequence('outbound_messages', 'id')) FROM generate_series(1, ?)",
			[]any{n}, func(scan func(...any) error) error {
				var p, o int64
				err := scan(&p, &o)
				prompts, outbound = append(prompts, p), append(outbound, o)
				return err
			})
		return prompts, outbound, wrap("reserve ids", err)
	}
	err = db.InTx(ctx, func(tx *DB) error {
		lo, err := tx.raiseSequence(ctx, "prompts", n)
		for id := lo; err == nil && id < lo+int64(n); id++ {
			prompts = append(prompts, id)
		}
		if err != nil {
			return err
		}
		lo, err = tx.raiseSequence(ctx, "outbound_messages", n)
		for id := lo; err == nil && id < lo+int64(n); id++ {
			outbound = append(outbound, id)
		}
		return err
	})
	return prompts, outbound, wrap("reserve ids", err)
}

// raiseSequence reserves n IDs of an SQLite AUTOINCREMENT table, which
// never hands out an ID at or below its sqlite_sequence counter, by
// raising that counter; it returns the first. Call it in a transaction.
func (db *DB) raiseSequence(ctx context.Context, table string, n int) (int64, error) {
	g := db.gorm.WithContext(ctx)
	var seq, top sql.NullInt64
	err := g.Raw("SELECT seq FROM sqlite_sequence WHERE name = ?", table).Row().Scan(&seq)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	if err := g.Raw("SELECT MAX(id) FROM " + table).Row().Scan(&top); err != nil {
		return 0, err
	}
	first := max(seq.Int64, top.Int64) + 1
	hi := first + int64(n) - 1
	if seq.Valid {
		err = g.Exec("UPDATE sqlite_sequence SET seq = ? WHERE name = ?", hi, table).Error
	} else {
		err = g.Exec("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", table, hi).Error
	}
	return first, err
}
