package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/tidings-app/tidings/store"
)

// newOKRsCmd is `tidings okrs list|show|prompt|next-quarter`.
func newOKRsCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "okrs", Short: "Show objectives and key results, their values and status"}
	cmd.AddCommand(newOKRsListCmd(a), newOKRsShowCmd(a), newOKRsSendCmd(a), newOKRsNextCmd(a))
	return cmd
}

// okrFlags are the flags the okrs commands share.
type okrFlags struct {
	team, quarter, now string
}

func (f *okrFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.team, "team", "", "only this team (slug)")
	cmd.Flags().StringVar(&f.quarter, "quarter", "", "quarter such as 2027-Q1 (default: the current one in the team's zone)")
	cmd.Flags().StringVar(&f.now, "now", "", "act as if the clock read this RFC 3339 time")
}

func (f *okrFlags) clock() (time.Time, error) {
	return parseNowFlag(f.now, "2027-02-12T11:00:00-05:00")
}

// run returns a RunE that reads --now, then runs fn with the store open
// (a.withStore) and the time --now names.
func (f *okrFlags) run(a *app, fn func(cmd *cobra.Command, args []string, db *store.DB, now time.Time) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		now, err := f.clock()
		if err != nil {
			return err
		}
		return a.withStore(func(cmd *cobra.Command, args []string, db *store.DB) error { return fn(cmd, args, db, now) })(cmd, args)
	}
}

// sets loads the OKRs of the --team (else every team) for --quarter (else
// each team's current quarter at now).
func (f *okrFlags) sets(ctx context.Context, db *store.DB, now time.Time) ([]*store.OKRSet, error) {
	var teams []store.Team
	if f.team != "" {
		t, err := db.FindTeam(ctx, f.team)
		if errors.Is(err, store.ErrNotFound) {
			return nil, &exitError{code: exUsage, msg: fmt.Sprintf("no team %q", f.team)}
		} else if err != nil {
			return nil, &exitError{code: exTempFail, msg: err.Error()}
		}
		teams = []store.Team{*t}
	} else {
		var err error
		if teams, err = db.FindTeams(ctx); err != nil {
			return nil, &exitError{code: exTempFail, msg: err.Error()}
		}
	}
	var out []*store.OKRSet
	for _, t := range teams {
		loc, err := time.LoadLocation(t.Timezone)
		if err != nil {
			loc = time.UTC
		}
		q := store.QuarterOf(now, loc)
		if f.quarter != "" {
			if q, err = store.ParseQuarter(f.quarter); err != nil {
				return nil, &exitError{code: exUsage, msg: "--quarter: " + err.Error()}
			}
		}
		set, err := db.LoadOKRs(ctx, t.ID, q)
		if err != nil {
			return nil, &exitError{code: exTempFail, msg: err.Error()}
		}
		out = append(out, set)
	}
	return out, nil
}

func newOKRsListCmd(a *app) *cobra.Command {
	var f okrFlags
	cmd := &cobra.Command{
		Use:   "list [--team T] [--quarter Q]",
		Short: "List objectives and key results with their latest value, expected value and status",
		Args:  cobra.NoArgs,
		RunE: f.run(a, func(cmd *cobra.Command, _ []string, db *store.DB, now time.Time) error {
			ctx := cmd.Context()
			sets, err := f.sets(ctx, db, now)
			if err != nil {
				return err
			}
			n := 0
			for _, s := range sets {
				if len(s.Objectives) > 0 {
					writeOKRList(cmd.OutOrStdout(), s, now)
					n++
				}
			}
			if n == 0 {
				fmt.Fprintln(cmd.OutOrStdout(), "no OKRs for that quarter")
			}
			return nil
		}),
	}
	f.add(cmd)
	return cmd
}

// krNow is a key result's state at a time: latest value, expected value,
// progress and status.
type krNow struct {
	Value    float64
	Reported bool
	Expected float64
	Progress float64
	Status   string
}

func stateAt(s *store.OKRSet, kr *store.KeyResult, now time.Time) krNow {
	loc, err := time.LoadLocation(s.Team.Timezone)
	if err != nil {
		loc = time.UTC
	}
	st := krNow{Value: kr.Start, Expected: kr.Expected(s.Quarter, now, loc)}
	var conf *int
	if v, ok := s.LatestBefore(kr.ID, now.Add(time.Nanosecond)); ok {
		st.Value, st.Reported, conf = v.Value, true, v.Confidence
		if v.Override != "" {
			st.Status = v.Override
		}
	}
	st.Progress = kr.Progress(st.Value)
	if st.Status == "" {
		st.Status = store.KRStatusAt(kr, st.Value, conf, s.Quarter, now, loc)
	}
	return st
}

func writeOKRList(w io.Writer, s *store.OKRSet, now time.Time) {
	loc, err := time.LoadLocation(s.Team.Timezone)
	if err != nil {
		loc = time.UTC
	}
	fmt.Fprintf(w, "%s %s (%s of the quarter gone)\n", s.Team.Slug, s.Quarter, store.Percent(store.Elapsed(s.Quarter, now, loc)))
	for i, o := range s.Objectives {
		owner := s.OwnerName(o.OwnerID)
		if owner != "" {
			owner = " (" + owner + ")"
		}
		fmt.Fprintf(w, "\nObjective %d: %s%s\n", i+1, o.Title, owner)
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "  KEY\tTITLE\tOWNER\tNOW\tEXPECTED\tTARGET\tPROGRESS\tSTATUS")
		for j := range s.KeyResults {
			kr := &s.KeyResults[j]
			if kr.ObjectiveID != o.ID {
				continue
			}
			st := stateAt(s, kr, now)
			value := kr.Format(st.Value)
			if !st.Reported {
				value += " (start)"
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\t%s %s\t%s\n", kr.Key, kr.Title, s.OwnerName(kr.OwnerID), value,
				kr.Format(kr.Round(st.Expected)), kr.Format(kr.Target), store.TextBar(st.Progress, 10), store.Percent(st.Progress),
				store.StatusLabel(st.Status))
		}
		tw.Flush()
	}
	fmt.Fprintln(w)
}

func newOKRsShowCmd(a *app) *cobra.Command {
	var f okrFlags
	cmd := &cobra.Command{
		Use:   "show KEY [--team T] [--quarter Q]",
		Short: "Show one key result with its history as a small text chart",
		Args:  cobra.ExactArgs(1),
		RunE: f.run(a, func(cmd *cobra.Command, args []string, db *store.DB, now time.Time) error {
			ctx := cmd.Context()
			sets, err := f.sets(ctx, db, now)
			if err != nil {
				return err
			}
			type hit struct {
				s  *store.OKRSet
				kr *store.KeyResult
			}
			var hits []hit
			for _, s := range sets {
				for i := range s.KeyResults {
					if store.NormalKey(s.KeyResults[i].Key) == store.NormalKey(args[0]) {
						hits = append(hits, hit{s, &s.KeyResults[i]})
					}
				}
			}
			switch len(hits) {
			case 0:
				return &exitError{code: exUsage, msg: fmt.Sprintf("no key result %s in that quarter (see tidings okrs list)", args[0])}
			case 1:
				writeKRShow(cmd.OutOrStdout(), hits[0].s, hits[0].kr, now)
				return nil
			}
			var teams []string
			for _, h := range hits {
				teams = append(teams, h.s.Team.Slug)
			}
			return &exitError{code: exUsage, msg: fmt.Sprintf("%s exists in several teams (%s): name one with --team", args[0], strings.Join(teams, ", "))}
		}),
	}
	f.add(cmd)
	return cmd
}

// writeKRShow prints a key result, its state now and its history: one
// line per value with a bar of its progress from start to target, so the
// bars read as a small chart of the quarter.
func writeKRShow(w io.Writer, s *store.OKRSet, kr *store.KeyResult, now time.Time) {
	loc, err := time.LoadLocation(s.Team.Timezone)
	if err != nil {
		loc = time.UTC
	}
	st := stateAt(s, kr, now)
	var obj string
	for _, o := range s.Objectives {
		if o.ID == kr.ObjectiveID {
			obj = o.Title
		}
	}
	fmt.Fprintf(w, "%s: %s\n", kr.Key, kr.Title)
	fmt.Fprintf(w, "Team %s, %s. Objective: %s\n", s.Team.Slug, s.Quarter, obj)
	fmt.Fprintf(w, "Owner: %s\n", s.OwnerName(kr.OwnerID))
	fmt.Fprintf(w, "Start %s, target %s (%s)\n", kr.Format(kr.Start), kr.Format(kr.Target), kr.Direction)
	fmt.Fprintf(w, "Now %s, expected today %s: %s %s, %s\n\n", kr.Format(st.Value), kr.Format(kr.Round(st.Expected)),
		store.TextBar(st.Progress, 20), store.Percent(st.Progress), store.StatusLabel(st.Status))
	h := s.History[kr.ID]
	if len(h) == 0 {
		fmt.Fprintln(w, "No values reported yet.")
		return
	}
	fmt.Fprintln(w, "History (progress from start to target; | marks the expected line):")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, v := range h {
		if v.At.After(now) {
			continue
		}
		bar := chartBar(kr.Progress(v.Value), store.Elapsed(s.Quarter, v.At, loc), 20)
		line := fmt.Sprintf("  %s\t%s\t%s\t%s", v.At.In(loc).Format("2006-01-02"), kr.Format(v.Value), bar, store.StatusLabel(v.Status))
		if v.Confidence != nil {
			line += fmt.Sprintf(", confidence %d/10", *v.Confidence)
		}
		if v.Comment != "" {
			line += "\t" + v.Comment
		}
		fmt.Fprintln(tw, line)
	}
	tw.Flush()
}

// chartBar is a progress bar of width cells with a '|' where the expected
// line stood at that time.
func chartBar(p, expected float64, width int) string {
	b := []byte(store.TextBar(p, width))
	i := 1 + int(expected*float64(width)+0.5)
	if i > width {
		i = width
	}
	if i >= 1 && i <= width {
		b[i] = '|'
	}
	return string(b)
}
