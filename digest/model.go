package digest

import "time"

// Digest is the view model of one team's digest for one period, the same
// for every recipient. Build makes it; Render turns it into a message.
// Times are in the team's time zone.
type Digest struct {
	TeamID   int64
	Team     string // display name
	TeamSlug string
	Period   Period
	// Empty is true when nobody wrote an update in the period: the body is
	// then one line (plus meetings and open items, if any).
	Empty bool
	// Prompts is the number of prompts due in the period, for the one line
	// of an empty digest.
	Prompts       int
	Blockers      []Blocker
	Participation Participation
	Updates       []MemberUpdates
	NoReply       []Absence
	Meetings      []Meeting
	OpenItems     []OwnerItems
	// Leads are the team leads, to whom replies to the digest go.
	Leads      []Person
	Recipients []Person
}

// Person is a member as the digest addresses or names them.
type Person struct {
	MemberID int64
	Name     string
	Email    string
	Location *time.Location // the member's own zone (the team's if unset)
}

// Blocker is one run of updates reporting the same blocker: from the first
// one (Since) until an update of the same check-in without a blocker
// (Cleared) or, when Cleared is zero, still open at the end of the period.
type Blocker struct {
	Who     string
	Text    string // from the latest update of the run
	Since   time.Time
	Cleared time.Time
	// Carried is true when the run began in an earlier period (Since is
	// then before Period.Start).
	Carried bool
	// Bounded is true when the run reaches back to the start of the
	// store's look-back window: it began at Since or earlier.
	Bounded bool
}

// Open reports whether the blocker was not cleared in the period.
func (b Blocker) Open() bool { return b.Cleared.IsZero() }

// Participation summarises who answered. Expected counts answered and
// expired prompts: skipped (away, paused, "skip") and still-open prompts
// are not owed.
type Participation struct {
	Answered, Expected int
	Rate               int // percent; 0 when nothing was expected
	// Change compares Rate with the previous period: "up from 83%",
	// "down from 90%", "same as last week"; empty without a previous one.
	Change string
	// Replied and Prompted count people: who answered at least once, out
	// of everyone who owed an answer.
	Replied, Prompted int
	People            []PersonStat
}

// Cell kinds, one per prompt in a PersonStat.
const (
	CellAnswered = "answered"
	CellMissed   = "missed"
	CellExcused  = "excused" // skipped, away, paused or undeliverable
	CellOpen     = "open"    // still within its answer window
)

// PersonStat is one person's line of the participation chart.
type PersonStat struct {
	Name               string // first name, or full name when ambiguous
	Cells              []string
	Answered, Expected int
	Streak             int    // consecutive answered prompts, up to now
	Note               string // "away Thu–Fri", "skipped Wed"
}

// MemberUpdates is one member's answers in the period.
type MemberUpdates struct {
	Name     string
	CheckIns []CheckInUpdates
}

// CheckInUpdates groups a member's answers to one check-in by day. Name
// is empty when the team has a single check-in.
type CheckInUpdates struct {
	Name string
	Days []DayUpdate
}

// DayUpdate is one update: the answers given for the prompt of that day.
type DayUpdate struct {
	Day     time.Time
	Answers []AnswerView
	Blocker bool
	Edited  bool // the member replaced an earlier answer
}

// AnswerView is one answer with a short label ("Done", "Today").
type AnswerView struct {
	Label string
	Text  string
}

// Absence is someone who owed an update and wrote none, and why if known.
type Absence struct {
	Name string
	Why  string // "away until 30 Nov", "paused until 1 Dec", "skipped"
}

// Meeting is a filed meeting note of the period.
type Meeting struct {
	Title       string
	Date        time.Time
	ForwardedBy string
	Summary     string
	Decisions   []string
	Items       []Item
}

// Item is an action item.
type Item struct {
	Owner   string
	Text    string
	Due     time.Time // zero: no due date
	Done    bool
	DoneAt  time.Time
	Overdue bool // open and due before the day the digest goes out
}

// OwnerItems lists one owner's open action items.
type OwnerItems struct {
	Owner string
	Items []Item
}
