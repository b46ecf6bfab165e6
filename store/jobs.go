package store

// River job arguments. They live here, beside the rows they act on, so any
// package can enqueue them inside a store transaction while the workers
// live in the packages that own the work (mail/outbound, mail/inbound,
// digest). cmd registers the workers and the periodic jobs.

// DeliverArgs delivers one OutboundMessage.
type DeliverArgs struct {
	OutboundID int64 `json:"outbound_id" river:"unique"`
}

// Kind implements river.JobArgs.
func (DeliverArgs) Kind() string { return "deliver" }

// ProcessInboundArgs parses and applies one stored InboundMessage.
type ProcessInboundArgs struct {
	InboundID int64 `json:"inbound_id" river:"unique"`
}

// Kind implements river.JobArgs.
func (ProcessInboundArgs) Kind() string { return "process_inbound" }

// SendDigestArgs builds and sends a team's digest for a period.
type SendDigestArgs struct {
	TeamID int64  `json:"team_id" river:"unique"`
	Period string `json:"period" river:"unique"`
	Force  bool   `json:"force,omitempty"`
	// Zone, for a team with DigestLocal, limits the send to the readers
	// in that IANA time zone (their local delivery time has come).
	Zone string `json:"zone,omitempty" river:"unique"`
	// Cadence, when set (DigestDaily or DigestWeekly), sends the digest
	// of the schedule derived from the team's (Schedule.AsDaily,
	// AsWeekly) to the members who asked for that cadence only.
	Cadence string `json:"cadence,omitempty" river:"unique"`
}

// Kind implements river.JobArgs.
func (SendDigestArgs) Kind() string { return "send_digest" }

// SchedulePromptsArgs runs the prompt scheduler once (periodic).
type SchedulePromptsArgs struct{}

// Kind implements river.JobArgs.
func (SchedulePromptsArgs) Kind() string { return "schedule_prompts" }

// ScheduleDigestsArgs runs the digest scheduler once (periodic).
type ScheduleDigestsArgs struct{}

// Kind implements river.JobArgs.
func (ScheduleDigestsArgs) Kind() string { return "schedule_digests" }
