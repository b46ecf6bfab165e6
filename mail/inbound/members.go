package inbound

import (
	"context"
	"fmt"
	"github.com/tidings-app/tidings/templates"
	"slices"
	"strings"

	"github.com/tidings-app/tidings/mail/reply"
	"github.com/tidings-app/tidings/store"
)

// memberCmds collects a message's member commands (subscribe, resume and
// the settings) so they are applied together and confirmed in one reply.
type memberCmds struct {
	any       bool
	resume    bool
	subscribe bool
	prefs     store.PrefsChange
	problems  []string // values not understood, told to the member
}

// memberCommand records one member command in mc and returns the note for
// the message's reason.
func (j *job) memberCommand(c reply.Command, mc *memberCmds) string {
	mc.any = true
	switch c.Name {
	case "resume":
		mc.resume = true
		return "resume"
	case "subscribe":
		mc.subscribe = true
		return "subscribe"
	case "timezone":
		zone, err := resolveZone(c.Text)
		if err != nil {
			mc.problems = append(mc.problems, fmt.Sprintf("I don't know the time zone %q; write a city such as "+
				"\"timezone Berlin\" or an IANA name such as \"timezone Europe/Berlin\".", c.Text))
			return "timezone: not understood: " + c.Text
		}
		mc.prefs.Timezone = &zone
		return "timezone " + orConfig(zone)
	case "prompt_at":
		if c.Text == "default" {
			none := ""
			mc.prefs.PromptAt = &none
			return "prompt at default"
		}
		at, err := store.ParseClock(c.Text)
		if err != nil {
			mc.problems = append(mc.problems, fmt.Sprintf("%q is not a time of day; write it like \"prompt at 10:00\".", c.Text))
			return "prompt at: not understood"
		}
		mc.prefs.PromptAt = &at
		return "prompt at " + at
	case "days":
		v := c.Text
		if v != "default" {
			d, err := store.ParseDays(v)
			if err != nil {
				mc.problems = append(mc.problems, fmt.Sprintf("%q are not days I know; write them like \"days mon-thu\" or \"days mon,wed,fri\".", c.Text))
				return "days: not understood"
			}
			v = d
		} else {
			v = ""
		}
		mc.prefs.Days = &v
		return "days " + orConfig(v)
	case "digest":
		v := c.Text
		if v == "default" {
			v = ""
		}
		mc.prefs.Digest = &v
		return "digest " + orConfig(v)
	}
	return ""
}

func orConfig(s string) string {
	if s == "" {
		return "default"
	}
	return s
}

// applyMemberCmds applies mc after the other commands (ch: pause, away,
// unsubscribe) and queues one reply saying what changed and how to undo
// it. It returns notes for the reason.
func (j *job) applyMemberCmds(ctx context.Context, ch store.MemberChange, mc *memberCmds) ([]string, error) {
	if !mc.any && ch == (store.MemberChange{}) {
		return nil, nil // a plain answer: no state to touch
	}
	id := j.target.Member.ID
	ch.Actor, ch.InboundID = store.ActorEmail, j.in.ID
	if mc.resume || mc.subscribe {
		// "resume" after an unsubscribe means "send me check-ins again":
		// it undoes the unsubscribe too (it used to log "resumed" and
		// change nothing).
		ch.Resume = ch.Resume || mc.resume
		ch.Resubscribe = true
	}
	res, err := j.tx.ChangeMemberState(ctx, id, ch)
	if err != nil {
		return nil, err
	}
	if !mc.any {
		return nil, nil
	}
	before, after, err := j.tx.SetMemberPrefs(ctx, id, mc.prefs, store.ActorEmail, j.in.ID)
	if err != nil {
		return nil, err
	}
	var done, undo, notes []string
	if len(res.Resumed) > 0 {
		done = append(done, "Check-ins are back on (you were "+strings.Join(res.Resumed, " and ")+").")
		undo = append(undo, "pause")
		notes = append(notes, "resumed: "+strings.Join(res.Resumed, ", "))
	}
	if len(res.Resubscribed) > 0 {
		line := "You're subscribed again to: " + strings.Join(res.Resubscribed, ", ") + "."
		if slices.Contains(res.Resubscribed, "all email") {
			undo = append(undo, "unsubscribe")
		} else {
			line += " To stop them again, use the unsubscribe link in any of them."
		}
		done = append(done, line)
		notes = append(notes, "resubscribed: "+strings.Join(res.Resubscribed, ", "))
	}
	if (mc.resume || mc.subscribe) && len(res.Resumed)+len(res.Resubscribed) == 0 {
		done = append(done, "Nothing to undo: you were not paused, away or unsubscribed, so check-ins keep coming.")
		notes = append(notes, "resume/subscribe: nothing was paused or stopped")
	}
	d, u := prefsChanges(before, after)
	done, undo = append(done, d...), append(undo, u...)
	if len(d) > 0 {
		notes = append(notes, fmt.Sprintf("%d setting(s) changed", len(d)))
	}
	if mc.prefs != (store.PrefsChange{}) && len(d) == 0 && len(mc.problems) == 0 {
		done = append(done, "Your settings were already like that: nothing changed.")
	}
	n, err := j.queueConfirmation(ctx, done, undo, mc.problems)
	if err != nil {
		return nil, err
	}
	return append(notes, n), nil
}

// prefsChanges describes what changed between two settings and the
// commands that undo it.
func prefsChanges(before, after store.MemberPrefs) (done, undo []string) {
	was := func(v, def string) string {
		if v == "" {
			return def
		}
		return v
	}
	if before.Timezone != after.Timezone {
		cfg := "your team's"
		if after.ConfigTimezone != "" {
			cfg = after.ConfigTimezone
		}
		done = append(done, fmt.Sprintf("Time zone: now %s (was %s). Your check-ins come at their usual local time there.",
			was(after.Timezone, cfg+" from the configuration"), was(before.Timezone, cfg+" from the configuration")))
		undo = append(undo, "timezone "+was(before.Timezone, "default"))
	}
	if before.PromptAt != after.PromptAt {
		done = append(done, fmt.Sprintf("Check-in time: now %s (was %s).", was(after.PromptAt, "each check-in's own time"),
			was(before.PromptAt, "each check-in's own time")))
		undo = append(undo, "prompt at "+was(before.PromptAt, "default"))
	}
	if before.Days != after.Days {
		done = append(done, fmt.Sprintf("Working days: now %s (was %s). No check-ins on other days; they never count as missed.",
			was(after.Days, "the check-in's days"), was(before.Days, "the check-in's days")))
		undo = append(undo, "days "+was(before.Days, "default"))
	}
	if before.Digest != after.Digest {
		line := fmt.Sprintf("Digest: now %s (was %s).", was(after.Digest, "your team's schedule"), was(before.Digest, "your team's schedule"))
		switch after.Digest {
		case store.DigestOff:
			line = "Digest: off. You get no team digests (check-ins go on)."
		case store.DigestDaily:
			line += " From a team with a weekly digest you also get a daily one on the other weekdays, at the digest's usual time."
		case store.DigestWeekly:
			line += " From a team with a daily digest you get one weekly summary instead, on its last day of the week."
		}
		done = append(done, line)
		undo = append(undo, "digest "+was(before.Digest, "default"))
	}
	return done, undo
}

// confirmationText is the one reply to member commands.
const confirmationText = `Hi %s,

%s%sWrite "help" for everything you can change by email.
`

// queueConfirmation queues the reply to member commands, threaded to the
// member's message; once per inbound message.
func (j *job) queueConfirmation(ctx context.Context, done, undo, problems []string) (string, error) {
	var b strings.Builder
	for _, d := range done {
		b.WriteString("- " + d + "\n")
	}
	for _, p := range problems {
		b.WriteString("- Not changed: " + p + "\n")
	}
	u := "\n"
	if len(undo) > 0 {
		u = "\nTo undo, reply with:\n\n"
		for _, x := range undo {
			u += "  " + x + "\n"
		}
		u += "\n"
	}
	m := j.target.Member
	text := fmt.Sprintf(confirmationText, firstName(m.Name), templates.Wrap(b.String(), 76), u)
	return j.queueReply(ctx, "settings", "Your Tidings settings", text)
}
