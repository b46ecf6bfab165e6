package digest

import (
	"context"
	"fmt"
	"time"

	"github.com/tidings-app/tidings/store"
)

// LoadOKRSection loads team teamID's OKRs for the quarter holding the end
// of p and builds its OKR section (nil when that quarter has no
// objectives). The digest service attaches it to the digest and appends
// its Blockers to the digest's.
func LoadOKRSection(ctx context.Context, db *store.DB, teamID int64, p Period) (*OKRSection, error) {
	loc := p.Loc
	if loc == nil {
		loc = time.UTC
	}
	set, err := db.LoadOKRs(ctx, teamID, store.QuarterOf(p.End.Add(-time.Nanosecond), loc))
	if err != nil {
		return nil, fmt.Errorf("digest: load okrs: %w", err)
	}
	return BuildOKR(set, p), nil
}
