// Package oneonone runs one-on-ones by email: before each meeting of a
// pair (a lead and a member) it asks both for topics, a few hours before
// it sends both one merged agenda, and after it files the notes either of
// them replies with, following up their action items until "done:".
//
// Everything a pair writes is stored with its audience (the pair; the
// member's mood only with share_mood) and read back through store.CanSee,
// so it reaches no one else: no team digest reads these rows, and every
// email this package renders is checked against the recipient. It imports
// store, templates and mail (addresses, tokens) and reads replies with
// mail/reply; it queues mail through a Mailer the caller supplies.
package oneonone
