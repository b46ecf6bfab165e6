package store

import (
	"context"
	"slices"
	"strings"
)

// AskConfirmation stores c as pending (Status and CreatedAt are set).
// first is true when no confirmation of the same kind, member and address
// existed before, so the caller sends its mail once per address and
// member however many messages arrive. Asking again for the same message
// stores nothing.
func (db *DB) AskConfirmation(ctx context.Context, c *Confirmation) (first bool, err error) {
	c.Address = strings.ToLower(c.Address)
	err = db.InTx(ctx, func(tx *DB) error {
		var prev []Confirmation
		err := tx.gorm.WithContext(ctx).Where("kind = ? AND member_id = ? AND address = ?", c.Kind, c.MemberID, c.Address).
			Order("id").Find(&prev).Error
		if err != nil {
			return wrap("find confirmations", err)
		}
		first = len(prev) == 0
		for _, p := range prev {
			if p.InboundID == c.InboundID {
				*c = p
				return nil
			}
		}
		c.Status, c.CreatedAt = ConfirmPending, tx.now().UTC()
		return wrap("ask confirmation", tx.gorm.WithContext(ctx).Create(c).Error)
	})
	return first, err
}

// ConfirmationByID returns the confirmation, or ErrNotFound.
func (db *DB) ConfirmationByID(ctx context.Context, id int64) (*Confirmation, error) {
	var c Confirmation
	if err := db.gorm.WithContext(ctx).Take(&c, id).Error; err != nil {
		return nil, wrap("find confirmation", err)
	}
	return &c, nil
}

// Confirm settles confirmation id and every pending one of the same kind,
// member and address: an alias becomes one of the member's addresses; a
// settings message counts as the member's. It records the decision and
// returns the inbound messages to process again (none when it was
// confirmed already). ErrNotFound for an unknown id.
func (db *DB) Confirm(ctx context.Context, id int64, actor string) (inbound []int64, err error) {
	err = db.InTx(ctx, func(tx *DB) error {
		c, err := tx.ConfirmationByID(ctx, id)
		if err != nil {
			return err
		}
		var pending []Confirmation
		err = tx.gorm.WithContext(ctx).Where("kind = ? AND member_id = ? AND address = ? AND status = ?",
			c.Kind, c.MemberID, c.Address, ConfirmPending).Order("id").Find(&pending).Error
		if err != nil {
			return wrap("find confirmations", err)
		}
		if len(pending) == 0 {
			return nil
		}
		now := tx.now().UTC()
		for _, p := range pending {
			err := tx.gorm.WithContext(ctx).Model(&Confirmation{}).Where("id = ?", p.ID).
				Updates(map[string]any{"status": ConfirmDone, "confirmed_at": now}).Error
			if err != nil {
				return wrap("confirm", err)
			}
			if p.InboundID != 0 {
				inbound = append(inbound, p.InboundID)
			}
		}
		e := MemberEvent{MemberID: c.MemberID, Actor: actor, At: now}
		switch c.Kind {
		case ConfirmAlias:
			m, err := tx.MemberByID(ctx, c.MemberID)
			if err != nil {
				return err
			}
			if !slices.Contains(m.Aliases, c.Address) && m.Email != c.Address {
				aliases := append(slices.Clone(m.Aliases), c.Address)
				if err := tx.gorm.WithContext(ctx).Model(m).Select("aliases").Updates(&Member{Aliases: aliases}).Error; err != nil {
					return wrap("add alias", err)
				}
			}
			e.Action, e.Detail = "alias", "confirmed "+c.Address+" as one of their addresses"
		default:
			e.Action, e.Detail = "confirmed", "settings sent from "+c.Address
		}
		return tx.RecordEvents(ctx, e)
	})
	return inbound, err
}

// SettingsConfirmed reports whether the member confirmed by link that the
// settings message inboundID is theirs.
func (db *DB) SettingsConfirmed(ctx context.Context, inboundID int64) (bool, error) {
	var n int64
	err := db.gorm.WithContext(ctx).Model(&Confirmation{}).
		Where("kind = ? AND inbound_id = ? AND status = ?", ConfirmSettings, inboundID, ConfirmDone).Count(&n).Error
	return n > 0, wrap("check confirmation", err)
}
