package main

import "github.com/tidings-app/tidings/store"

// validateReceipts checks a team's receipts key: when a member gets a
// short reply showing how their answers were filed. "unsure" (the
// default, also when the key is absent) sends one when the parser had to
// guess, "always" for every prompt's first reply with answers, "never"
// none.
func (c *Config) validateReceipts(t *TeamConfig, at []any) error {
	switch t.Receipts {
	case "", store.ReceiptsUnsure, store.ReceiptsAlways, store.ReceiptsNever:
		return nil
	}
	return c.errAt("team %q: receipts %q must be unsure, always or never", append(append([]any{}, at...), "receipts"), t.Slug, t.Receipts)
}
