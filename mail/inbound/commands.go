package inbound

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/tidings-app/tidings/store"
)

// pauseWithoutDate is how long a bare "pause" lasts: until "resume", in
// practice.
const pauseWithoutDate = 365 * 24 * time.Hour

// applyCommands carries out the commands of a member's reply and returns a
// note per command for the message's reason.
func (j *job) applyCommands(ctx context.Context) ([]string, error) {
	var notes []string
	var ch store.MemberChange
	var mc memberCmds
	done := false
	for _, c := range j.msg.Commands {
		switch c.Name {
		case "skip":
			if j.target.Prompt.ID == 0 {
				notes = append(notes, "skip: no check-in to skip")
			} else if len(j.msg.Answers) == 0 && j.target.Prompt.Status != store.PromptAnswered {
				if err := j.tx.MarkPrompt(ctx, j.target.Prompt.ID, store.PromptSkipped, "skipped by member"); err != nil {
					return nil, err
				}
				notes = append(notes, "prompt skipped")
			}
		case "away", "pause":
			notes = append(notes, j.setUntil(&ch, c.Name, c.Until))
		case "resume", "subscribe", "timezone", "prompt_at", "days", "digest":
			notes = append(notes, j.memberCommand(c, &mc))
		case "unsubscribe":
			// In answer to a check-in's prompt (the List-Unsubscribe
			// mailto, or a reply) it stops that check-in only; "unsubscribe
			// all" and mail without a prompt stop everything.
			if c.Text != "all" && j.target.Prompt.ID != 0 && j.target.CheckIn.ID != 0 {
				if _, err := j.tx.OptOut(ctx, j.target.Member.ID, store.OptoutPrompts, j.target.CheckIn.ID, store.ActorEmail); err != nil {
					return nil, err
				}
				notes = append(notes, fmt.Sprintf("unsubscribed from the %s prompts (\"unsubscribe all\" stops every email)", j.target.CheckIn.Name))
				continue
			}
			yes := true
			ch.Unsubscribed = &yes
			notes = append(notes, "unsubscribed")
		case "done":
			done = true
		}
	}
	more, err := j.applyMemberCmds(ctx, ch, &mc)
	if err != nil {
		return nil, err
	}
	notes = append(notes, more...)
	if done {
		n, err := j.applyDone(ctx)
		if err != nil {
			return nil, err
		}
		notes = append(notes, n)
	}
	if wantsHelp(j.msg) {
		n, err := j.queueHelp(ctx)
		if err != nil {
			return nil, err
		}
		notes = append(notes, n)
	}
	return notes, nil
}

// setUntil records an away or pause command in ch. Away without a date
// only skips this prompt's reminders (nothing to store); pause without a
// date lasts until resume.
func (j *job) setUntil(ch *store.MemberChange, name, day string) string {
	until, ok := j.endOfDay(day)
	switch {
	case name == "away" && ok:
		ch.AwayUntil = &until
		return "away until " + day
	case name == "away":
		return "away without a date: nothing stored"
	case ok:
		ch.PausedUntil = &until
		return "paused until " + day
	}
	until = j.in.ReceivedAt.Add(pauseWithoutDate)
	ch.PausedUntil = &until
	return "paused until resume"
}

// applyDone closes the member's own one-on-one items named by "done: …"
// (closeOneOnOneDone) and hands the other "done: …" commands to the
// meeting filer.
func (j *job) applyDone(ctx context.Context) (string, error) {
	msg, notes, err := j.closeOneOnOneDone(ctx)
	if err != nil {
		return "", err
	}
	reason := ""
	switch {
	case j.p.opts.Filer == nil && len(notes) == 0:
		reason = "done: ignored, meetings not configured"
	case j.p.opts.Filer != nil:
		if reason, err = j.p.opts.Filer.ApplyCommands(ctx, j.tx, j.target.Member.ID, msg); err != nil {
			return "", err
		}
	}
	if reason != "" {
		notes = append(notes, reason)
	}
	return strings.Join(notes, "; "), nil
}
