package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/tidings-app/tidings/store"
)

// newMembersCmd is `tidings members list|show|resume|pause|away|
// unsuppress|resubscribe`.
func newMembersCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "members", Short: "See who gets what, and change a member's state"}
	cmd.AddCommand(newMembersListCmd(a), newMembersShowCmd(a), newMembersForgetCmd(a))
	for _, c := range leadCommands {
		cmd.AddCommand(newLeadCmd(a, c))
	}
	return cmd
}

func newMembersListCmd(a *app) *cobra.Command {
	var team, format string
	cmd := &cobra.Command{
		Use:   "list [--team T] [--format text|json]",
		Short: "List members with their teams, zone, state, last answer and response rate",
		Long: `List shows each member: teams and roles, time zone (and whether the member
set it), state per team and check-in (active, away until D, paused until D,
unsubscribed from prompts or digests and when and how, suppressed after a
bounce with the bounce text), the last answer, and the response rate over
the last four weeks (answered of the prompts whose window closed; excused
ones such as holidays and away days are not counted).`,
		Args:    usageArgs(cobra.NoArgs),
		PreRunE: func(*cobra.Command, []string) error { return checkFormat(format) },
		RunE: a.withStore(func(cmd *cobra.Command, _ []string, db *store.DB) error {
			ctx := cmd.Context()
			if err := checkTeam(ctx, db, team); err != nil {
				return err
			}
			now := a.clock()()
			r, err := db.Roster(ctx, team, now)
			if err != nil {
				return &exitError{code: exTempFail, msg: err.Error()}
			}
			views := make([]memberView, len(r))
			for i := range r {
				views[i] = newMemberView(&r[i], now)
			}
			if format == "json" {
				return writeJSON(cmd.OutOrStdout(), views)
			}
			writeRoster(cmd.OutOrStdout(), views)
			return nil
		}),
	}
	cmd.Flags().StringVar(&team, "team", "", "only this team (slug)")
	cmd.Flags().StringVar(&format, "format", "text", "text or json")
	return cmd
}

func newMembersShowCmd(a *app) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:     "show EMAIL [--format text|json]",
		Short:   "Show a member's state, settings (and which are in force) and history",
		Args:    usageArgs(cobra.ExactArgs(1)),
		PreRunE: func(*cobra.Command, []string) error { return checkFormat(format) },
		RunE: a.withStore(func(cmd *cobra.Command, args []string, db *store.DB) error {
			ctx := cmd.Context()
			now := a.clock()()
			e, err := db.RosterOf(ctx, args[0], now)
			if errors.Is(err, store.ErrNotFound) {
				return &exitError{code: exUsage, msg: fmt.Sprintf("no member with the address %s", args[0])}
			}
			if err != nil {
				return &exitError{code: exTempFail, msg: err.Error()}
			}
			v := newMemberView(e, now)
			if format == "json" {
				return writeJSON(cmd.OutOrStdout(), v)
			}
			writeMember(cmd.OutOrStdout(), v)
			return nil
		}),
	}
	cmd.Flags().StringVar(&format, "format", "text", "text or json")
	return cmd
}

// memberView is a member as the CLI shows them (also the JSON contract).
type memberView struct {
	Email      string        `json:"email"`
	Name       string        `json:"name"`
	Aliases    []string      `json:"aliases"`
	Zone       string        `json:"zone"`
	ZoneSource string        `json:"zone_source"` // member setting, config, team
	State      []string      `json:"state"`       // member-wide: unsubscribed, suppressed, paused, away
	Teams      []teamState   `json:"teams"`
	Settings   []settingView `json:"settings"`
	LastAnswer *time.Time    `json:"last_answer"`
	Answered   int           `json:"answered_4w"`
	Closed     int           `json:"closed_4w"`
	History    []eventView   `json:"history"`
}

type teamState struct {
	Team     string         `json:"team"`
	Role     string         `json:"role"`
	Digest   string         `json:"digest"`
	CheckIns []checkInState `json:"checkins"`
	// State is this team's own pause or away (`members pause --team`).
	State []string `json:"state,omitempty"`
	gets  bool     // the member gets this team's digest
}

type checkInState struct {
	Name  string `json:"name"`
	State string `json:"state"`
}

type settingView struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Source string `json:"source"` // "member (by email)" or "config"
}

type eventView struct {
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"`
	Detail string    `json:"detail"`
}

func newMemberView(e *store.RosterEntry, now time.Time) memberView {
	m := e.Member
	v := memberView{Email: m.Email, Name: m.Name, Aliases: m.Aliases, LastAnswer: e.LastAnswer,
		Answered: e.Answered, Closed: e.Closed, State: []string{}, Teams: []teamState{}, History: []eventView{}}
	if v.Aliases == nil {
		v.Aliases = []string{}
	}
	v.Zone, v.ZoneSource = m.Timezone, "config"
	switch {
	case e.Prefs.Timezone != "":
		v.ZoneSource = "member setting (config: " + orTeam(e.Prefs.ConfigTimezone) + ")"
	case m.Timezone == "" && len(e.Teams) > 0:
		v.Zone, v.ZoneSource = e.Teams[0].Team.Timezone, "team"
	}
	last := func(action, detail string) string {
		for i := len(e.History) - 1; i >= 0; i-- {
			h := e.History[i]
			if h.Action == action && (detail == "" || h.Detail == detail) {
				return fmt.Sprintf(" on %s by %s", h.At.Format("2006-01-02"), h.Actor)
			}
		}
		return ""
	}
	if m.Unsubscribed {
		v.State = append(v.State, "unsubscribed from all email"+last("unsubscribed", "all email"))
	}
	for _, s := range e.Suppressions {
		v.State = append(v.State, fmt.Sprintf("suppressed since %s: %s (%s)", s.CreatedAt.Format("2006-01-02"), s.Address, s.Reason))
	}
	if m.PausedUntil != nil && m.PausedUntil.After(now) {
		v.State = append(v.State, "paused until "+lastDay(*m.PausedUntil, v.Zone)+last("paused", ""))
	}
	if m.AwayUntil != nil && m.AwayUntil.After(now) {
		v.State = append(v.State, "away until "+lastDay(*m.AwayUntil, v.Zone)+last("away", ""))
	}
	stopped := func(o *store.Optout) string {
		if o == nil {
			return ""
		}
		return fmt.Sprintf("unsubscribed on %s by %s", o.CreatedAt.Format("2006-01-02"), o.Via)
	}
	for _, t := range e.Teams {
		ts := teamState{Team: t.Team.Slug, Role: t.Role, CheckIns: []checkInState{}}
		ts.Digest, ts.gets = digestInForce(t.Team.DigestSchedule, e.Prefs.Digest)
		if s := stopped(t.DigestStopped); s != "" {
			ts.Digest, ts.gets = s, false
		} else if e.Prefs.Digest == store.DigestOff {
			ts.Digest, ts.gets = "off (member setting)", false
		}
		if t.PausedUntil != nil && t.PausedUntil.After(now) {
			ts.State = append(ts.State, "paused until "+lastDay(*t.PausedUntil, v.Zone)+lastTeam(e.History, "paused", t.Team.ID))
		}
		if t.AwayUntil != nil && t.AwayUntil.After(now) {
			ts.State = append(ts.State, "away until "+lastDay(*t.AwayUntil, v.Zone)+lastTeam(e.History, "away", t.Team.ID))
		}
		held := append(slices.Clone(v.State), ts.State...)
		for _, c := range t.CheckIns {
			st := "active"
			switch {
			case t.Role == store.RoleObserver:
				st = "observer: no prompts"
			case stopped(c.Stopped) != "":
				st = stopped(c.Stopped)
			case len(held) > 0:
				st = "held: " + strings.Join(held, "; ")
			}
			ts.CheckIns = append(ts.CheckIns, checkInState{Name: c.CheckIn.Name, State: st})
		}
		v.Teams = append(v.Teams, ts)
	}
	set := func(name, own, def string) {
		if own != "" {
			v.Settings = append(v.Settings, settingView{name, own, "member (by email)"})
		} else {
			v.Settings = append(v.Settings, settingView{name, def, "config"})
		}
	}
	set("timezone", e.Prefs.Timezone, orTeam(m.Timezone))
	set("prompt at", e.Prefs.PromptAt, "each check-in's time")
	set("days", e.Prefs.Days, "each check-in's days")
	set("digest", e.Prefs.Digest, "team schedule")
	for _, h := range e.History {
		v.History = append(v.History, eventView{At: h.At, Actor: h.Actor, Action: h.Action, Detail: h.Detail})
	}
	return v
}

// lastTeam is " on D by ACTOR" of the latest event with the action that
// concerns the team, or "".
func lastTeam(h []store.MemberEvent, action string, teamID int64) string {
	for i := len(h) - 1; i >= 0; i-- {
		if h[i].Action == action && h[i].TeamID != nil && *h[i].TeamID == teamID {
			return fmt.Sprintf(" on %s by %s", h[i].At.Format("2006-01-02"), h[i].Actor)
		}
	}
	return ""
}

func orTeam(zone string) string {
	if zone == "" {
		return "the team's zone"
	}
	return zone
}

// lastDay is the last day of a period that ends at until (the end of
// that day in the member's zone), as the member wrote it.
func lastDay(until time.Time, zone string) string {
	loc, err := time.LoadLocation(zone)
	if err != nil {
		loc = time.UTC
	}
	return until.Add(-time.Second).In(loc).Format("2006-01-02")
}

func (v memberView) stateLine() string {
	var parts []string
	parts = append(parts, v.State...)
	for _, t := range v.Teams {
		for _, st := range t.State {
			parts = append(parts, t.Team+" "+st)
		}
		for _, c := range t.CheckIns {
			if c.State != "active" && !strings.HasPrefix(c.State, "held: ") {
				parts = append(parts, t.Team+"/"+c.Name+" "+c.State)
			}
		}
		if !t.gets && t.Digest != "no digest scheduled" {
			parts = append(parts, t.Team+" digest "+t.Digest)
		}
	}
	if len(parts) == 0 {
		return "active"
	}
	return strings.Join(parts, "; ")
}

func (v memberView) rate() string {
	if v.Closed == 0 {
		return "-"
	}
	return fmt.Sprintf("%d/%d (%d%%)", v.Answered, v.Closed, v.Answered*100/v.Closed)
}

func (v memberView) last() string {
	if v.LastAnswer == nil {
		return "-"
	}
	return v.LastAnswer.UTC().Format("2006-01-02")
}

func writeRoster(w io.Writer, vs []memberView) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "EMAIL\tNAME\tTEAMS\tZONE\tSTATE\tLAST ANSWER\t4 WEEKS")
	for _, v := range vs {
		var teams []string
		for _, t := range v.Teams {
			teams = append(teams, t.Team+" ("+t.Role+")")
		}
		zone := v.Zone
		if strings.HasPrefix(v.ZoneSource, "member") {
			zone += " (own)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", v.Email, v.Name, strings.Join(teams, ", "), zone, v.stateLine(), v.last(), v.rate())
	}
	tw.Flush()
	fmt.Fprintf(w, "%d member(s)\n", len(vs))
}

func writeMember(w io.Writer, v memberView) {
	fmt.Fprintf(w, "%s <%s>\n", v.Name, v.Email)
	if len(v.Aliases) > 0 {
		fmt.Fprintf(w, "Also writes from: %s\n", strings.Join(v.Aliases, ", "))
	}
	fmt.Fprintf(w, "Zone:         %s (%s)\n", v.Zone, v.ZoneSource)
	fmt.Fprintf(w, "State:        %s\n", v.stateLine())
	fmt.Fprintf(w, "Last answer:  %s\nLast 4 weeks: %s\n", v.last(), v.rate())
	if len(v.Teams) == 0 {
		fmt.Fprintln(w, "Teams:        none (removed from the configuration; history kept, no mail)")
	}
	for _, t := range v.Teams {
		fmt.Fprintf(w, "\nTeam %s (%s): digest: %s\n", t.Team, t.Role, t.Digest)
		for _, c := range t.CheckIns {
			fmt.Fprintf(w, "  %-14s %s\n", c.Name, c.State)
		}
	}
	fmt.Fprintln(w, "\nSettings (member settings override the configuration):")
	for _, s := range v.Settings {
		fmt.Fprintf(w, "  %-10s %s  [%s]\n", s.Name, s.Value, s.Source)
	}
	fmt.Fprintln(w, "\nHistory:")
	if len(v.History) == 0 {
		fmt.Fprintln(w, "  (none)")
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, h := range v.History {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", h.At.UTC().Format("2006-01-02 15:04"), h.Actor, h.Action, h.Detail)
	}
	tw.Flush()
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func checkFormat(f string) error {
	if f != "text" && f != "json" {
		return &exitError{code: exUsage, msg: fmt.Sprintf("--format %q: use text or json", f)}
	}
	return nil
}

// checkTeam refuses a --team value that names no team.
func checkTeam(ctx context.Context, db *store.DB, slug string) error {
	if slug == "" {
		return nil
	}
	if _, err := db.FindTeam(ctx, slug); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return &exitError{code: exUsage, msg: fmt.Sprintf("--team %q: no such team", slug)}
		}
		return &exitError{code: exTempFail, msg: err.Error()}
	}
	return nil
}

// checkStatus refuses a --status value not among allowed.
func checkStatus(v string, allowed ...string) error {
	if v == "" {
		return nil
	}
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return &exitError{code: exUsage, msg: fmt.Sprintf("--status %q: use one of %s", v, strings.Join(allowed, ", "))}
}
