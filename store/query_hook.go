package store

import (
	"fmt"

	"gorm.io/gorm"
)

// hookQueries registers gorm callbacks that pass each executed statement,
// with its arguments inlined by the dialect, to fn.
func hookQueries(g *gorm.DB, fn func(sql string)) error {
	after := func(db *gorm.DB) {
		if db.Statement == nil || db.Statement.SQL.Len() == 0 {
			return
		}
		fn(db.Dialector.Explain(db.Statement.SQL.String(), db.Statement.Vars...))
	}
	cb := g.Callback()
	for name, err := range map[string]error{
		"query":  cb.Query().After("gorm:query").Register("tidings:on_query", after),
		"row":    cb.Row().After("gorm:row").Register("tidings:on_row", after),
		"raw":    cb.Raw().After("gorm:raw").Register("tidings:on_raw", after),
		"update": cb.Update().After("gorm:update").Register("tidings:on_update", after),
		"delete": cb.Delete().After("gorm:delete").Register("tidings:on_delete", after),
	} {
		if err != nil {
			return fmt.Errorf("store: open: query hook %s: %w", name, err)
		}
	}
	return nil
}
