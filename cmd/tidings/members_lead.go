package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/tidings-app/tidings/store"
)

// leadCommand is one of `tidings members resume|pause|away|unsuppress|
// resubscribe`: each refuses when it does not apply, else changes the
// member and records it with actor "lead command".
type leadCommand struct {
	name, short string
	until       string // "required", "optional" or ""
	run         func(ctx context.Context, db *store.DB, l *leadTarget) (string, error)
}

// leadTarget is what a lead command acts on.
type leadTarget struct {
	m     *store.Member
	team  *store.Team // --team, nil for all
	until *time.Time  // --until, end of that day in the member's zone
	now   time.Time
}

// errNotApplicable is a refusal: the command does not apply to the
// member's state; nothing changed.
type errNotApplicable struct{ msg string }

func (e errNotApplicable) Error() string { return e.msg }

var leadCommands = []leadCommand{
	{name: "resume", short: "End a member's pause or away period (all teams, or one with --team)", run: func(ctx context.Context, db *store.DB, l *leadTarget) (string, error) {
		ch := store.MemberChange{Resume: true, Actor: store.ActorLead}
		if l.team != nil {
			ch.TeamID = l.team.ID
		}
		res, err := db.ChangeMemberState(ctx, l.m.ID, ch)
		if err != nil {
			return "", err
		}
		if len(res.Resumed) == 0 {
			return "", errNotApplicable{fmt.Sprintf("%s is not paused or away%s: nothing to resume%s", l.m.Email, inTeam(l.team), unsubHint(l.m))}
		}
		return "resumed" + inTeam(l.team) + " (was " + strings.Join(res.Resumed, ", ") + ")", nil
	}},
	{name: "pause", short: "Pause a member's prompts (all teams, or one with --team) until a date, or until resumed", until: "optional",
		run: func(ctx context.Context, db *store.DB, l *leadTarget) (string, error) {
			until := l.now.Add(365 * 24 * time.Hour)
			what := "paused until resumed"
			if l.until != nil {
				until, what = *l.until, "paused until "+l.until.Add(-time.Second).Format("2006-01-02")
			}
			cur, err := l.state(ctx, db)
			if err != nil {
				return "", err
			}
			if cur.PausedUntil != nil && cur.PausedUntil.Equal(until) {
				return "", errNotApplicable{l.m.Email + " is already " + what + inTeam(l.team)}
			}
			return what + scope(l.team), db.ChangeMember(ctx, l.m.ID, l.change(store.MemberChange{PausedUntil: &until}))
		}},
	{name: "away", short: "Mark a member away (no prompts, excused) until a date (all teams, or one with --team)", until: "required",
		run: func(ctx context.Context, db *store.DB, l *leadTarget) (string, error) {
			return "away until " + l.until.Add(-time.Second).Format("2006-01-02") + scope(l.team),
				db.ChangeMember(ctx, l.m.ID, l.change(store.MemberChange{AwayUntil: l.until}))
		}},
	{name: "unsuppress", short: "Send mail to a member's address again after a bounce", run: func(ctx context.Context, db *store.DB, l *leadTarget) (string, error) {
		gone, err := db.Unsuppress(ctx, l.m.ID, store.ActorLead)
		if err != nil {
			return "", err
		}
		if len(gone) == 0 {
			return "", errNotApplicable{l.m.Email + " is not suppressed: mail to it is delivered"}
		}
		var parts []string
		for _, s := range gone {
			parts = append(parts, s.Address+" (was: "+s.Reason+")")
		}
		return "unsuppressed " + strings.Join(parts, ", "), nil
	}},
	{name: "resubscribe", short: "Undo a member's unsubscribe (all, or one team's digest and check-ins with --team)",
		run: func(ctx context.Context, db *store.DB, l *leadTarget) (string, error) {
			ch := store.MemberChange{Resubscribe: true, Actor: store.ActorLead}
			if l.team != nil {
				ch.TeamID = l.team.ID
			}
			res, err := db.ChangeMemberState(ctx, l.m.ID, ch)
			if err != nil {
				return "", err
			}
			if len(res.Resubscribed) == 0 {
				return "", errNotApplicable{l.m.Email + " is not unsubscribed" + teamSuffix(l.team) + ": nothing to undo"}
			}
			return "resubscribed to " + strings.Join(res.Resubscribed, ", "), nil
		}},
}

// change is ch by the lead, scoped to --team when given.
func (l *leadTarget) change(ch store.MemberChange) store.MemberChange {
	ch.Actor = store.ActorLead
	if l.team != nil {
		ch.TeamID = l.team.ID
	}
	return ch
}

// state is the member with the pause and away in force in --team (the
// member-wide ones without it).
func (l *leadTarget) state(ctx context.Context, db *store.DB) (*store.Member, error) {
	if l.team == nil {
		return l.m, nil
	}
	return db.MemberInTeam(ctx, l.m.ID, l.team.ID)
}

func scope(t *store.Team) string {
	if t == nil {
		return " (all teams)"
	}
	return " (team " + t.Slug + " only)"
}

func inTeam(t *store.Team) string {
	if t == nil {
		return ""
	}
	return " in " + t.Slug
}

func teamSuffix(t *store.Team) string {
	if t == nil {
		return ""
	}
	return " from anything of " + t.Slug
}

func unsubHint(m *store.Member) string {
	if m.Unsubscribed {
		return " (they are unsubscribed: use `tidings members resubscribe " + m.Email + "` if they asked you)"
	}
	return ""
}

func newLeadCmd(a *app, lc leadCommand) *cobra.Command {
	var team, until string
	use := lc.name + " EMAIL [--team T]"
	switch lc.until {
	case "required":
		use += " --until YYYY-MM-DD"
	case "optional":
		use += " [--until YYYY-MM-DD]"
	}
	cmd := &cobra.Command{
		Use:   use,
		Short: lc.short,
		Args:  usageArgs(cobra.ExactArgs(1)),
		PreRunE: func(*cobra.Command, []string) error {
			if until != "" && lc.until == "" {
				return &exitError{code: exUsage, msg: "--until does not apply to " + lc.name}
			}
			if until == "" && lc.until == "required" {
				return &exitError{code: exUsage, msg: lc.name + " needs --until YYYY-MM-DD (the last day away)"}
			}
			return nil
		},
		RunE: a.withStore(func(cmd *cobra.Command, args []string, db *store.DB) error {
			ctx := cmd.Context()
			l, err := leadTargetOf(ctx, db, args[0], team, until, a.clock()())
			if err != nil {
				return err
			}
			done, err := lc.run(ctx, db, l)
			var na errNotApplicable
			switch {
			case errors.As(err, &na):
				return &exitError{code: exDataErr, msg: na.msg + " (nothing changed)"}
			case err != nil:
				return &exitError{code: exTempFail, msg: err.Error()}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: %s; recorded in their history\n", l.m.Email, done)
			return nil
		}),
	}
	cmd.Flags().StringVar(&team, "team", "", "the team (the member must be in it)")
	if lc.until != "" {
		cmd.Flags().StringVar(&until, "until", "", "last day, YYYY-MM-DD, in the member's zone")
	}
	return cmd
}

// leadTargetOf finds the member, checks --team and reads --until as the
// end of that day in the member's zone (which must be in the future).
func leadTargetOf(ctx context.Context, db *store.DB, email, team, until string, now time.Time) (*leadTarget, error) {
	m, err := db.MemberByAddress(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		return nil, &exitError{code: exUsage, msg: "no member with the address " + email}
	}
	if err != nil {
		return nil, &exitError{code: exTempFail, msg: err.Error()}
	}
	l := &leadTarget{m: m, now: now}
	teams, err := db.TeamsOf(ctx, m.ID)
	if err != nil {
		return nil, &exitError{code: exTempFail, msg: err.Error()}
	}
	if team != "" {
		if err := checkTeam(ctx, db, team); err != nil {
			return nil, err
		}
		i := slices.IndexFunc(teams, func(t store.Team) bool { return t.Slug == team })
		if i < 0 {
			return nil, &exitError{code: exUsage, msg: fmt.Sprintf("%s is not in team %s", m.Email, team)}
		}
		l.team = &teams[i]
	}
	if until != "" {
		zone := m.Timezone
		if zone == "" && len(teams) > 0 {
			zone = teams[0].Timezone
		}
		loc, err := time.LoadLocation(zone)
		if err != nil || zone == "" {
			loc = time.UTC
		}
		d, err := time.ParseInLocation("2006-01-02", until, loc)
		if err != nil {
			return nil, &exitError{code: exUsage, msg: fmt.Sprintf("--until %q: want YYYY-MM-DD", until)}
		}
		end := d.AddDate(0, 0, 1)
		if !end.After(now) {
			return nil, &exitError{code: exUsage, msg: fmt.Sprintf("--until %s is in the past", until)}
		}
		l.until = &end
	}
	return l, nil
}

// usageArgs makes a wrong number of arguments a usage error (exit 64,
// like an unknown --team) rather than a plain failure (exit 1).
func usageArgs(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return &exitError{code: exUsage, msg: strings.TrimPrefix(cmd.CommandPath(), cmd.Root().Name()+" ") + ": " + err.Error() + " (usage: " + cmd.UseLine() + ")"}
		}
		return nil
	}
}
