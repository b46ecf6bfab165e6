package store

import (
	"time"
)

// Roles a member can hold in a team.
const (
	RoleMember   = "member"   // gets prompts, receives digests
	RoleLead     = "lead"     // like member; digest replies reach the lead
	RoleObserver = "observer" // receives digests, gets no prompts
)

// Team is a group of members answering the same check-ins.
type Team struct {
	ID             int64  `gorm:"primaryKey"`
	Slug           string `gorm:"size:64;not null;uniqueIndex"`
	Name           string `gorm:"not null"`
	Timezone       string `gorm:"not null"`
	DigestSchedule string // "fri 17:00"; empty: no digest
	// DigestLocal delivers the digest at each reader's own local time.
	DigestLocal bool
	// AllowedDomains lets addresses of these domains post meeting notes.
	AllowedDomains []string `gorm:"serializer:json"`
	// Receipts says when a member gets a receipt for a reply: Receipts*.
	Receipts string `gorm:"size:16"`
	// Language is the PostgreSQL text-search configuration of the team's
	// archive ("english", …; "" is "simple"): see ValidSearchLanguage.
	Language  string `gorm:"size:32"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Member is one person; the email address is stored lowercased.
type Member struct {
	ID       int64  `gorm:"primaryKey"`
	Email    string `gorm:"size:320;not null;uniqueIndex"`
	Name     string `gorm:"not null"`
	Timezone string // IANA; empty means the team's
	// Aliases are other addresses the member may reply from.
	Aliases      []string `gorm:"serializer:json"`
	PausedUntil  *time.Time
	AwayUntil    *time.Time
	Unsubscribed bool
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Membership links a member to a team with a role.
type Membership struct {
	ID       int64  `gorm:"primaryKey"`
	TeamID   int64  `gorm:"not null;uniqueIndex:ux_membership"`
	MemberID int64  `gorm:"not null;uniqueIndex:ux_membership;index"`
	Role     string `gorm:"size:16;not null"`
	// PausedUntil and AwayUntil hold this team's prompts only (`tidings
	// members pause|away --team`); Member.PausedUntil and AwayUntil hold
	// every team's. The later of the two is in force (see EffectiveUntil).
	PausedUntil *time.Time
	AwayUntil   *time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Question is one question of a check-in; answers are matched by Key, Text
// or any alias.
type Question struct {
	Key     string   `json:"key" yaml:"key"`
	Text    string   `json:"text" yaml:"text"`
	Aliases []string `json:"aliases,omitempty" yaml:"aliases"`
}

// CheckIn is a recurring set of questions for a team.
type CheckIn struct {
	ID       int64  `gorm:"primaryKey"`
	TeamID   int64  `gorm:"not null;uniqueIndex:ux_checkin_name"`
	Name     string `gorm:"size:64;not null;uniqueIndex:ux_checkin_name"`
	Kind     string `gorm:"size:16"`  // "" (questions) or CheckInOKR
	Schedule string `gorm:"not null"` // "mon-fri 09:00" or a cron spec, member-local
	// RemindAfter is the delay before the one reminder; zero: none.
	RemindAfter time.Duration
	// Window is how long after the due time an answer is still expected.
	Window    time.Duration
	Questions []Question `gorm:"serializer:json"`
	Position  int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Prompt statuses.
const (
	PromptPending  = "pending"
	PromptSent     = "sent"
	PromptAnswered = "answered"
	PromptSkipped  = "skipped"
	PromptExpired  = "expired"
	PromptFailed   = "failed"
)

// Prompt is one occurrence of a check-in for one member. The unique index on
// (check-in, member, period) makes scheduling idempotent across instances.
type Prompt struct {
	ID         int64     `gorm:"primaryKey"`
	CheckInID  int64     `gorm:"not null;uniqueIndex:ux_prompt_period"`
	MemberID   int64     `gorm:"not null;uniqueIndex:ux_prompt_period;index;index:ix_prompt_team_due,priority:4"`
	TeamID     int64     `gorm:"not null;index;index:ix_prompt_team_due,priority:1"`
	Period     string    `gorm:"size:16;not null;uniqueIndex:ux_prompt_period"`
	DueAt      time.Time `gorm:"index:ix_prompt_team_due,priority:2"`
	ExpiresAt  time.Time
	Status     string `gorm:"size:16;not null;index;index:ix_prompt_team_due,priority:3"`
	Reason     string // why skipped/expired/failed
	MessageID  string
	SentAt     *time.Time
	RemindedAt *time.Time
	AnsweredAt *time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Answer is a member's answer to one question.
type Answer struct {
	Key      string `json:"key"`
	Question string `json:"question"`
	Text     string `json:"text"`
	// Negative is the reply parser's verdict, made when the answer was
	// filed, that Text says nothing ("none", "n/a", "no blockers", in any
	// language it knows); the digest leaves such answers out. It is nil on
	// answers filed before the verdict was recorded: see SaysNothing.
	Negative *bool `json:"negative,omitempty"`
}

// Update is a member's current answer to a prompt. Earlier versions are kept
// as UpdateRevision rows.
type Update struct {
	ID         int64    `gorm:"primaryKey"`
	PromptID   int64    `gorm:"not null;uniqueIndex"`
	MemberID   int64    `gorm:"not null;index"`
	TeamID     int64    `gorm:"not null;index:ix_update_team_time"`
	CheckInID  int64    `gorm:"not null"`
	Period     string   `gorm:"size:16;not null"`
	Answers    []Answer `gorm:"serializer:json"`
	HasBlocker bool
	InboundID  int64  // the message it came from
	Proof      string `gorm:"size:16"` // why the sender was believed: ProofDMARC or ProofToken (proof.go)
	Version    int
	AnsweredAt time.Time `gorm:"index:ix_update_team_time"`
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// UpdateRevision is a superseded version of an Update.
type UpdateRevision struct {
	ID         int64 `gorm:"primaryKey"`
	UpdateID   int64 `gorm:"not null;index"`
	Version    int
	Answers    []Answer `gorm:"serializer:json"`
	HasBlocker bool
	InboundID  int64
	Proof      string `gorm:"size:16"`
	AnsweredAt time.Time
	CreatedAt  time.Time
}

// Inbound message statuses: every message ends in one of the last four.
const (
	InboundReceived    = "received"
	InboundApplied     = "applied"
	InboundIgnored     = "ignored"
	InboundQuarantined = "quarantined"
	InboundFailed      = "failed"
)

// InboundMessage is a raw message as received, kept before the receiver
// answers 250 and processed afterwards by a job.
type InboundMessage struct {
	ID int64 `gorm:"primaryKey"`
	// DedupKey is the Message-ID, or a content hash when there is none.
	DedupKey    string `gorm:"size:512;not null;uniqueIndex"`
	MessageID   string
	MailFrom    string
	Rcpt        []string `gorm:"serializer:json"`
	Remote      string
	Helo        string
	Raw         []byte
	Size        int64
	SPF         string
	DKIM        string
	DMARC       string
	Kind        string // reply, auto_reply, bounce, forward, summary, command, empty
	Status      string `gorm:"size:16;not null;index"`
	Reason      string
	Error       string
	Attempts    int
	ReceivedAt  time.Time `gorm:"index"`
	ProcessedAt *time.Time
}

// Meeting note statuses.
const (
	NoteFiled       = "filed"
	NoteUnassigned  = "unassigned"
	NoteQuarantined = "quarantined"
)

// MeetingNote is a meeting summary sent or forwarded to an ingest address.
type MeetingNote struct {
	ID               int64  `gorm:"primaryKey"`
	TeamID           *int64 `gorm:"index"`
	ForwardedByID    *int64
	ForwardedBy      string // address
	InboundID        int64  `gorm:"index"`
	Title            string
	OriginalFrom     string
	OriginalFromName string
	OriginalSubject  string
	MeetingDate      time.Time
	Summary          string
	Decisions        []string `gorm:"serializer:json"`
	Status           string   `gorm:"size:16;not null"`
	MessageID        string   // of the message that carried the note
	Proof            string   `gorm:"size:16"` // ProofDMARC or ProofConfirmed once filed (proof.go)
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// Action item statuses.
const (
	ActionOpen = "open"
	ActionDone = "done"
)

// ActionItem is a follow-up from a meeting note. Due, when set, is a
// calendar date, not an instant: the due day at midnight UTC. Show and
// compare it with DateIn (the same day in the reader's zone), never
// Due.In(loc), which moves it to the day before west of UTC.
type ActionItem struct {
	ID            int64  `gorm:"primaryKey"`
	NoteID        int64  `gorm:"not null;index"`
	TeamID        *int64 `gorm:"index"`
	OwnerMemberID *int64 `gorm:"index"`
	OwnerText     string
	Text          string
	Due           *time.Time
	Status        string `gorm:"size:16;not null"`
	DoneAt        *time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Digest records that a team's digest for a period exists; the unique index
// makes sending it idempotent.
type Digest struct {
	ID        int64  `gorm:"primaryKey"`
	TeamID    int64  `gorm:"not null;uniqueIndex:ux_digest_period"`
	Period    string `gorm:"size:16;not null;uniqueIndex:ux_digest_period"`
	Status    string `gorm:"size:16;not null"`
	SentAt    *time.Time
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Suppression stops all mail to an address.
type Suppression struct {
	ID        int64  `gorm:"primaryKey"`
	Address   string `gorm:"size:320;not null;uniqueIndex"`
	Reason    string
	CreatedAt time.Time
}

// Outbound message statuses.
const (
	OutboundQueued     = "queued"
	OutboundSent       = "sent"
	OutboundFailed     = "failed"
	OutboundSuppressed = "suppressed"
)

// OutboundMessage is one rendered message to one recipient. DedupKey makes
// enqueueing idempotent ("prompt:42", "reminder:42", "welcome:3:7").
type OutboundMessage struct {
	ID        int64  `gorm:"primaryKey"`
	DedupKey  string `gorm:"size:255;not null;uniqueIndex"`
	Kind      string `gorm:"size:32;not null"`
	PromptID  *int64 `gorm:"index"`
	MemberID  *int64
	TeamID    *int64
	Recipient string `gorm:"size:320;not null"`
	MailFrom  string // envelope sender (bounces+token@domain)
	MessageID string `gorm:"index"`
	Subject   string
	// Raw is the rendered message. It is stored in its own row
	// (OutboundBody), written once, so that status updates rewrite a small
	// row: SQLite rewrites a whole row on every UPDATE.
	Raw       []byte `gorm:"-"`
	Status    string `gorm:"size:16;not null;index"`
	Attempts  int
	LastError string
	SentAt    *time.Time
	CreatedAt time.Time
	UpdatedAt time.Time
}

// OutboundBody holds the rendered bytes of an OutboundMessage, written
// once with it.
type OutboundBody struct {
	OutboundID int64  `gorm:"primaryKey;autoIncrement:false"`
	Raw        []byte `gorm:"not null"`
}

// DeliveryAttempt records one try at delivering an OutboundMessage.
type DeliveryAttempt struct {
	ID         int64 `gorm:"primaryKey"`
	OutboundID int64 `gorm:"not null;index"`
	At         time.Time
	Code       int
	Temporary  bool
	Error      string
}

// Setting is a small key-value row for server state such as the generated
// secret.
type Setting struct {
	Key   string `gorm:"primaryKey;size:64"`
	Value string `gorm:"not null"`
}

// models lists every table in migration order.
func models() []any {
	return []any{
		&Team{}, &Member{}, &Membership{}, &CheckIn{}, &Prompt{}, &Update{},
		&UpdateRevision{}, &InboundMessage{}, &MeetingNote{}, &ActionItem{},
		&Digest{}, &Suppression{}, &OutboundMessage{}, &OutboundBody{}, &DeliveryAttempt{},
		&Setting{}, &Ask{}, &AskRecipient{}, &AskAnswer{},
		&Objective{}, &KeyResult{}, &KRValue{}, &PendingOKRs{}, &KRRetro{}, &OKRRecap{}, &ScheduleProgress{},
		&MemberEvent{}, &Optout{}, &MemberPrefs{}, &Holiday{}, &Confirmation{},
		&OneOnOne{}, &OneOnOneMeeting{}, &OneOnOneEntry{}, &OneOnOneItem{},
		&SignInLink{}, &WebSession{}, &RateCount{}, &DigestCopy{},
	}
}
