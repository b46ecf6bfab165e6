package store

import "time"

// Actors of a member's state change, as MemberEvent.Actor records them.
const (
	ActorConfig    = "config"        // tidings apply
	ActorEmail     = "email command" // the member wrote a command
	ActorLink      = "link"          // a link in our mail (unsubscribe, confirm)
	ActorBounce    = "bounce"        // a permanent delivery failure
	ActorAutoReply = "auto-reply"    // an out-of-office reply
	ActorLead      = "lead command"  // tidings members …
)

// MemberEvent is one change of a member's state (paused, unsubscribed,
// suppressed, a setting, an alias, joining or leaving a team), with what
// made it. Events are never deleted: they are the member's history.
type MemberEvent struct {
	ID        int64  `gorm:"primaryKey"`
	MemberID  int64  `gorm:"not null;index"`
	TeamID    *int64 // set when the change concerns one team
	CheckInID *int64 // set when it concerns one check-in
	Actor     string `gorm:"size:32;not null"`
	Action    string `gorm:"size:32;not null"`
	Detail    string
	InboundID *int64 // the message that carried an email command
	At        time.Time
}

// Opt-out kinds.
const (
	OptoutDigest  = "digest"  // TargetID is a team: that team's digests
	OptoutPrompts = "prompts" // TargetID is a check-in: its prompts and reminders
)

// Optout stops one kind of mail for a member: one team's digests or one
// check-in's prompts. Member.Unsubscribed stops everything.
type Optout struct {
	ID        int64  `gorm:"primaryKey"`
	MemberID  int64  `gorm:"not null;uniqueIndex:ux_optout"`
	Kind      string `gorm:"size:16;not null;uniqueIndex:ux_optout"`
	TargetID  int64  `gorm:"not null;uniqueIndex:ux_optout"`
	Via       string // an Actor
	CreatedAt time.Time
}

// Digest preferences a member can set.
const (
	DigestDaily  = "daily"
	DigestWeekly = "weekly"
	DigestOff    = "off"
)

// MemberPrefs are the settings a member made by email; each non-empty
// field overrides the configuration, which stays the default. The
// member's effective zone is kept in Member.Timezone (so every reader sees
// it); ConfigTimezone remembers the configured one for "timezone default"
// and for `members show`.
type MemberPrefs struct {
	MemberID       int64  `gorm:"primaryKey;autoIncrement:false"`
	Timezone       string // IANA; empty: the configuration's
	ConfigTimezone string // the configured member zone ("" = the team's)
	PromptAt       string // "10:00"; empty: each check-in's time
	Days           string // "mon-thu"; empty: each check-in's days
	Digest         string // daily, weekly, off; empty: the team's schedule
	UpdatedAt      time.Time
}

// Holiday is a day without check-ins for a team, from the configuration
// (holidays or holidays_ics). Prompts that fall on it are recorded as
// skipped with a reason starting with HolidayReason.
type Holiday struct {
	ID     int64  `gorm:"primaryKey"`
	TeamID int64  `gorm:"not null;uniqueIndex:ux_holiday"`
	Date   string `gorm:"size:10;not null;uniqueIndex:ux_holiday"` // YYYY-MM-DD, a calendar day
	Name   string
}

// HolidayReason starts the Reason of a prompt skipped for a holiday
// ("no check-in: holiday (Christmas Eve)"); see IsHoliday.
const HolidayReason = "no check-in: holiday"

// Confirmation kinds and statuses.
const (
	ConfirmAlias    = "alias"    // Address becomes an alias of the member
	ConfirmSettings = "settings" // a token-less settings message is the member's
	ConfirmPending  = "pending"
	ConfirmDone     = "confirmed"
)

// Confirmation is a request only the member can settle, by a link sent to
// their known address: that an unknown address is theirs, or that a
// settings message without a reply token came from them. On confirmation
// the message InboundID is processed again.
type Confirmation struct {
	ID          int64  `gorm:"primaryKey"`
	Kind        string `gorm:"size:16;not null;index:ix_confirmation"`
	MemberID    int64  `gorm:"not null;index:ix_confirmation"`
	Address     string `gorm:"size:320;not null;index:ix_confirmation"`
	InboundID   int64  `gorm:"index"` // the message that asked
	Status      string `gorm:"size:16;not null"`
	CreatedAt   time.Time
	ConfirmedAt *time.Time
}
