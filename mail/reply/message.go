package reply

import "time"

// Kind is what a message is, as far as Tidings is concerned.
type Kind string

// The kinds of message Parse tells apart.
const (
	KindReply     Kind = "reply"      // answers to a check-in prompt
	KindAutoReply Kind = "auto_reply" // out-of-office or other automatic reply
	KindBounce    Kind = "bounce"     // delivery status notification
	KindForward   Kind = "forward"    // a forwarded message (e.g. meeting notes)
	KindSummary   Kind = "summary"    // written directly to an ingest address
	KindCommand   Kind = "command"    // only commands such as "skip", no answers
	KindEmpty     Kind = "empty"      // nothing new written
)

// Question is one question of a check-in. Key identifies the answer; Text
// is how the prompt asks it; Aliases are the short headings members may
// use instead ("y", "yesterday").
type Question struct {
	Key     string   `json:"key" yaml:"key"`
	Text    string   `json:"text" yaml:"text"`
	Aliases []string `json:"aliases,omitempty" yaml:"aliases"`
}

// Answer is the text given to one question.
type Answer struct {
	Key      string `json:"key"`
	Question string `json:"question"`
	Text     string `json:"text"`
}

// Command is an instruction found in a reply: skip, away, pause, resume,
// unsubscribe, help, done (closing an action item, with Text), subscribe,
// or a setting with its value in Text: timezone ("Europe/Berlin",
// "Berlin"), prompt_at ("10:00"), days ("mon-thu"), digest (daily,
// weekly, off, default).
type Command struct {
	Name  string `json:"name"`
	Until string `json:"until,omitempty"` // YYYY-MM-DD, for away and pause
	Text  string `json:"text,omitempty"`  // for done and the settings
}

// Forwarded describes the original of a forwarded message.
type Forwarded struct {
	From     string `json:"from"`
	FromName string `json:"from_name"`
	Subject  string `json:"subject"`
	Date     string `json:"date"` // RFC 3339, empty when not understood
	Text     string `json:"text"`
}

// ActionItem is one follow-up task from meeting notes. Owner is the name as
// written ("Maria"), Due a YYYY-MM-DD date or empty.
type ActionItem struct {
	Owner string `json:"owner"`
	Text  string `json:"text"`
	Due   string `json:"due"`
	Done  bool   `json:"done,omitempty"`
}

// Bounce is the first failed recipient of a delivery status notification.
type Bounce struct {
	Action    string `json:"action"`    // failed, delayed, delivered, relayed, expanded
	Status    string `json:"status"`    // e.g. 5.1.1; 5.x.x is permanent, 4.x.x transient
	Recipient string `json:"recipient"` // the address that failed
}

// Attachment describes one attached file; its content is not kept.
type Attachment struct {
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
}

// Message is everything Parse understood of one message. Slices are never
// nil, so that JSON shows empty arrays rather than null.
type Message struct {
	Kind           Kind         `json:"kind"`
	From           string       `json:"from"`
	FromName       string       `json:"from_name"`
	Subject        string       `json:"subject"`
	MessageID      string       `json:"message_id"`
	InReplyTo      string       `json:"in_reply_to"`
	Date           time.Time    `json:"date"`
	Text           string       `json:"text"`
	Answers        []Answer     `json:"answers"`
	HasBlocker     bool         `json:"has_blocker"`
	Commands       []Command    `json:"commands"`
	Forwarded      *Forwarded   `json:"forwarded"`
	Title          string       `json:"title"`
	Decisions      []string     `json:"decisions"`
	ActionItems    []ActionItem `json:"action_items"`
	Bounce         *Bounce      `json:"bounce"`
	AutoReplyUntil string       `json:"auto_reply_until,omitempty"`
	Attachments    []Attachment `json:"attachments"`
	Warnings       []string     `json:"warnings"`
	// Removed lists what was cut from the new text that is not quoted history: signatures, sign-offs, greetings, banners, footers.
	Removed []Removed `json:"removed"`
	// Unsure lists why the parser had to guess (no cues: everything filed under the first question; a removed signature or sign-off that held more than a name; an answer it could not place). Empty when it did not guess.
	Unsure []string `json:"unsure"`
}

// Removed is one piece of the new text that is neither an answer, a
// command nor quoted history. Kind is signature, signoff, greeting,
// banner or footer; Text is the piece as written (lines joined by "\n").
type Removed struct {
	Kind string `json:"kind"`
	Text string `json:"text"`
}

func (m *Message) warn(s string) {
	for _, w := range m.Warnings {
		if w == s {
			return
		}
	}
	m.Warnings = append(m.Warnings, s)
}

// unsure records why the parser had to guess, once per reason.
func (m *Message) unsure(s string) {
	for _, u := range m.Unsure {
		if u == s {
			return
		}
	}
	m.Unsure = append(m.Unsure, s)
}
