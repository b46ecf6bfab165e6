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
	// Days are the calendar days the period covers for people, in the
	// team's zone ("Mon 23 – Fri 27 Nov"); Zone names that zone ("New
	// York").
	Days Days
	Zone string
	// Empty is true when nobody wrote an update in the period: the body is
	// then one line (plus meetings and open items, if any).
	Empty bool
	// Prompts is the number of prompts due in the period, for the one line
	// of an empty digest.
	Prompts       int
	Blockers      []Blocker
	Participation Participation
	Updates       []MemberUpdates
	Meetings      []Meeting
	OpenItems     []OwnerItems
	// OKR is the quarter's objectives and key results; nil when the
	// quarter has none (LoadOKRSection).
	OKR *OKRSection
	// Asks are the asks closed and the FYIs received in the period
	// (LoadAsks).
	Asks Asks
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
// Since and Cleared are in the member's zone (the days they lived).
type Blocker struct {
	Who   string
	Short string // first name, for the preheader
	Text  string // from the latest update of the run
	// Days is how many calendar days an open blocker has been open when
	// the digest is built (0 on its first day).
	Days    int
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

// Participation summarises who answered. Every prompt whose answer window
// has closed counts: answered, missed (sent and unanswered) or excused
// (skipped, away, paused, undeliverable, or never sent because the window
// closed before the scheduler ran); prompts still open are shown but not
// counted yet. Expected is Answered + Missed: excused prompts are not owed.
type Participation struct {
	Answered, Missed, Excused, Open int
	Expected                        int
	Rate                            int // percent; 0 when nothing was expected
	// Change compares Rate with the previous period, computed the same
	// way: "up from 83%", "down from 90%", "same as last week"; empty when
	// the previous period had no closed, owed prompt.
	Change string
	// Replied and Prompted count people: who answered at least once, out
	// of everyone who owed an answer.
	Replied, Prompted int
	// Columns are the local days on which someone had a prompt, in order:
	// each PersonStat has one list of cells per column.
	Columns []Column
	People  []PersonStat
	// NoReply lists who owed an update and wrote none, and why if known.
	NoReply []Absence
}

// Column is one calendar day of the participation grid, a day of each
// member's own zone.
type Column struct {
	Day   time.Time // midnight of the civil date, in the team's zone
	Label string    // "Mon"
	Date  string    // "23"
}

// Cell kinds, one per prompt in a PersonStat.
const (
	CellAnswered = "answered"
	CellMissed   = "missed"
	CellExcused  = "excused" // skipped, away, paused, undeliverable or never sent
	CellOpen     = "open"    // still within its answer window
)

// PersonStat is one person's line of the participation chart.
type PersonStat struct {
	Name string // first name, or full name when ambiguous
	Zone string // readable zone name: "São Paulo"
	// Days holds, per Participation.Columns entry, the cells of the
	// prompts due that day in the member's zone (often one, none on a
	// day without a prompt).
	Days                     [][]string
	Cells                    []string // all cells in order of due time
	Answered, Expected, Open int
	Streak                   int    // consecutive answered prompts, up to now
	Note                     string // "away Thu–Fri", "skipped Wed"
}

// MemberUpdates is one member's week as a compact block: the blockers
// they reported, each once with its span, then one entry per local day
// with the answers of every check-in due that day. Empty and negative
// answers ("none", "n/a") are left out.
type MemberUpdates struct {
	Name     string
	Zone     string // readable zone name
	Blockers []BlockerSpan
	Days     []DayUpdate
}

// BlockerSpan is a run of consecutive blocker answers of one member,
// printed once: "Mon–Fri" and the latest wording.
type BlockerSpan struct {
	Span string
	Text string
	Open bool // still reported in the member's last update of the check-in
}

// DayUpdate is one local day of a member's updates.
type DayUpdate struct {
	Day     time.Time
	Answers []AnswerView
	Edited  bool // the member replaced an earlier answer
	Late    bool // written after the prompt's answer window closed
}

// AnswerView is one answer with a short label ("Done", "Today"), its text
// split into paragraphs, links and code for the HTML.
type AnswerView struct {
	Label string
	Text  string
	Parts []Part
}

// Part kinds.
const (
	PartText = "text"
	PartLink = "link"
	PartCode = "code" // a block kept in a monospace font, whitespace intact
)

// Part is a run of an answer: plain text, a link (Text is the URL) or a
// code block.
type Part struct {
	Kind string
	Text string
	// Show is a link's visible text: the URL without its scheme, cut to
	// 60 characters (the href keeps it whole).
	Show string
}

// Absence is someone who owed an update and wrote none, and why if known.
type Absence struct {
	Name string
	Why  string // "away until 30 Nov", "paused until 1 Dec", "skipped"
}

// Meeting is a filed meeting note of the period. Items are its items
// already done; its open items are listed once, under Digest.OpenItems,
// and counted in Open.
type Meeting struct {
	Title       string
	Date        time.Time
	ForwardedBy string
	Summary     string
	Decisions   []string
	Items       []Item
	Open        int
}

// Item is an action item.
type Item struct {
	Owner   string
	Text    string
	Due     time.Time // zero: no due date
	Done    bool
	DoneAt  time.Time
	Overdue bool // open and due before the day the digest goes out
	// Meeting names the meeting the item came from ("Q1 sync, Wed 25
	// Nov"), for the open items list; empty when unknown.
	Meeting string
}

// OwnerItems lists one owner's open action items.
type OwnerItems struct {
	Owner string
	Items []Item
}
