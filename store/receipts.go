package store

// When a member gets a receipt showing how a reply was filed (Team.Receipts).
const (
	// ReceiptsUnsure sends one only when the parser had to guess; it is
	// the default, also meant by "".
	ReceiptsUnsure = "unsure"
	// ReceiptsAlways sends one for the first reply with answers to a prompt.
	ReceiptsAlways = "always"
	// ReceiptsNever sends none.
	ReceiptsNever = "never"
)

// ReceiptMode is the team's receipts setting with "" read as the default.
func (t *Team) ReceiptMode() string {
	if t.Receipts == "" {
		return ReceiptsUnsure
	}
	return t.Receipts
}
