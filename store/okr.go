package store

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// CheckInOKR is the Kind of a check-in that prompts each key-result owner
// for values instead of asking questions.
const CheckInOKR = "okr"

// Key-result units.
const (
	UnitPercent  = "%"
	UnitNumber   = "number"
	UnitCurrency = "currency"
	UnitBoolean  = "boolean"
)

// Key-result directions.
const (
	DirectionUp   = "up"
	DirectionDown = "down"
)

// Key-result statuses, computed by KRStatusAt or set by the owner.
const (
	KROnTrack  = "on_track"
	KRAtRisk   = "at_risk"
	KROffTrack = "off_track"
	KRDone     = "done"
)

// Objective is one objective of a team for a quarter. Its key results are
// KeyResult rows.
type Objective struct {
	ID       int64  `gorm:"primaryKey"`
	TeamID   int64  `gorm:"not null;uniqueIndex:ux_objective"`
	Quarter  string `gorm:"size:8;not null;uniqueIndex:ux_objective"` // "2027-Q1"
	Position int    `gorm:"not null;uniqueIndex:ux_objective"`
	Title    string `gorm:"not null"`
	OwnerID  *int64
	// Source is "config" (apply) or "email" (confirmed from okrs+TEAM@).
	Source    string `gorm:"size:8"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

// KeyResult is a measurable result of an objective. Key ("KR1") is unique
// per team and quarter; Start and Target are in Unit (a boolean KR has 0
// and 1).
type KeyResult struct {
	ID          int64  `gorm:"primaryKey"`
	TeamID      int64  `gorm:"not null;uniqueIndex:ux_key_result"`
	Quarter     string `gorm:"size:8;not null;uniqueIndex:ux_key_result"`
	Key         string `gorm:"size:32;not null;uniqueIndex:ux_key_result"`
	ObjectiveID int64  `gorm:"not null;index"`
	Position    int
	Title       string `gorm:"not null"`
	OwnerID     *int64 `gorm:"index"`
	Start       float64
	Target      float64
	Unit        string `gorm:"size:16;not null"`
	Currency    string `gorm:"size:8"` // ISO code or symbol for UnitCurrency
	Direction   string `gorm:"size:4;not null"`
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// KRValue is one reported value of a key result, kept as history: every
// check-in adds a row, none is rewritten.
type KRValue struct {
	ID          int64 `gorm:"primaryKey"`
	KeyResultID int64 `gorm:"not null;index:ix_kr_value_at,priority:1"`
	MemberID    *int64
	Value       float64
	// Confidence is the owner's 0–10 confidence, when given.
	Confidence *int
	// Status is the status at At: Override when the owner set one, else
	// computed by KRStatusAt.
	Status   string `gorm:"size:16;not null"`
	Override string `gorm:"size:16"`
	Comment  string
	// Note holds the reply's lines that named no key result, kept as a
	// comment of the whole check-in.
	Note      string
	InboundID int64
	At        time.Time `gorm:"index:ix_kr_value_at,priority:2"`
	CreatedAt time.Time
}

// Quarter is a calendar quarter such as 2027-Q1.
type Quarter struct {
	Year int
	Q    int // 1–4
}

// ParseQuarter reads "2027-Q1" (case-insensitive "q").
func ParseQuarter(s string) (Quarter, error) {
	y, q, ok := strings.Cut(strings.ToUpper(strings.TrimSpace(s)), "-Q")
	yn, err1 := strconv.Atoi(y)
	qn, err2 := strconv.Atoi(q)
	if !ok || err1 != nil || err2 != nil || qn < 1 || qn > 4 || yn < 2000 || yn > 2999 {
		return Quarter{}, fmt.Errorf("quarter %q is not like 2027-Q1", s)
	}
	return Quarter{Year: yn, Q: qn}, nil
}

// QuarterOf is the quarter holding t's calendar day in loc.
func QuarterOf(t time.Time, loc *time.Location) Quarter {
	t = t.In(loc)
	return Quarter{Year: t.Year(), Q: (int(t.Month())-1)/3 + 1}
}

// String is "2027-Q1".
func (q Quarter) String() string { return fmt.Sprintf("%d-Q%d", q.Year, q.Q) }

// Start is the quarter's first instant in loc.
func (q Quarter) Start(loc *time.Location) time.Time {
	return time.Date(q.Year, time.Month(3*(q.Q-1)+1), 1, 0, 0, 0, 0, loc)
}

// End is the first instant after the quarter in loc.
func (q Quarter) End(loc *time.Location) time.Time { return q.Next().Start(loc) }

// Next is the following quarter.
func (q Quarter) Next() Quarter {
	if q.Q == 4 {
		return Quarter{Year: q.Year + 1, Q: 1}
	}
	return Quarter{Year: q.Year, Q: q.Q + 1}
}
