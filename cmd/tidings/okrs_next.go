package main

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"
	"github.com/tidings-app/tidings/store"
	"go.yaml.in/yaml/v3"
)

func newOKRsNextCmd(a *app) *cobra.Command {
	var f okrFlags
	cmd := &cobra.Command{
		Use:   "next-quarter --team T [--quarter Q]",
		Short: "Print the next quarter's okrs YAML with the key results carried over",
		Long: `Prints, for the team's configuration file, an okrs entry for the quarter after
--quarter (default: the quarter that ended in the last 30 days, else the
current one) holding the key results their owners carried over in the
retrospective, starting from their last value with the same target. Key
results nobody scored that were not done are listed as comments to decide
on. Nothing is changed: paste it into the file and run tidings apply.`,
		Args: cobra.NoArgs,
		PreRunE: func(*cobra.Command, []string) error {
			if f.team == "" {
				return &exitError{code: exUsage, msg: "--team is required"}
			}
			return nil
		},
		RunE: f.run(a, func(cmd *cobra.Command, _ []string, db *store.DB, now time.Time) error {
			ctx := cmd.Context()
			t, err := db.FindTeam(ctx, f.team)
			if err != nil {
				return &exitError{code: exUsage, msg: fmt.Sprintf("team %q: %v", f.team, err)}
			}
			loc, err := time.LoadLocation(t.Timezone)
			if err != nil {
				loc = time.UTC
			}
			q := store.QuarterOf(now, loc)
			if f.quarter != "" {
				if q, err = store.ParseQuarter(f.quarter); err != nil {
					return &exitError{code: exUsage, msg: "--quarter: " + err.Error()}
				}
			} else if prev := store.QuarterOf(q.Start(loc).Add(-time.Nanosecond), loc); now.Sub(prev.End(loc)) <= 30*24*time.Hour {
				if set, err := db.LoadOKRs(ctx, t.ID, prev); err == nil && len(set.Objectives) > 0 {
					q = prev
				}
			}
			set, err := db.LoadOKRs(ctx, t.ID, q)
			if err != nil {
				return &exitError{code: exTempFail, msg: err.Error()}
			}
			ids := make([]int64, len(set.KeyResults))
			for i := range set.KeyResults {
				ids[i] = set.KeyResults[i].ID
			}
			retros, err := db.KRRetros(ctx, ids)
			if err != nil {
				return &exitError{code: exTempFail, msg: err.Error()}
			}
			return writeNextQuarter(cmd.OutOrStdout(), set, retros)
		}),
	}
	f.add(cmd)
	return cmd
}

// writeNextQuarter prints the okrs YAML of the quarter after set's.
func writeNextQuarter(w io.Writer, set *store.OKRSet, retros map[int64]store.KRRetro) error {
	next := OKRQuarterConfig{Quarter: set.Quarter.Next().String()}
	var undecided []string
	email := func(id *int64) string {
		if id == nil {
			return ""
		}
		return set.Owners[*id].Email
	}
	for _, o := range set.Objectives {
		oc := ObjectiveConfig{Title: o.Title, Owner: email(o.OwnerID)}
		for i := range set.KeyResults {
			kr := &set.KeyResults[i]
			if kr.ObjectiveID != o.ID {
				continue
			}
			last := kr.Start
			if v, ok := set.Latest(kr.ID); ok {
				last = v.Value
			}
			r, scored := retros[kr.ID]
			if !scored && kr.Progress(last) < 1 {
				undecided = append(undecided, fmt.Sprintf("%s %s (%s, at %s of %s)", kr.Key, kr.Title, set.OwnerName(kr.OwnerID), kr.Format(last), kr.Format(kr.Target)))
			}
			if !scored || !r.CarryOver {
				continue
			}
			start, target := last, kr.Target
			if kr.Unit == store.UnitBoolean {
				start = 0
			}
			oc.KeyResults = append(oc.KeyResults, KeyResultConfig{Key: kr.Key, Title: kr.Title, Owner: email(kr.OwnerID),
				Start: &start, Target: &target, Unit: kr.Unit, Currency: kr.Currency, Direction: kr.Direction})
		}
		if len(oc.KeyResults) > 0 {
			next.Objectives = append(next.Objectives, oc)
		}
	}
	fmt.Fprintf(w, "# Suggested okrs for team %s, %s: key results carried over from %s.\n", set.Team.Slug, next.Quarter, set.Quarter)
	fmt.Fprintln(w, "# Add it under the team's okrs: in the configuration file, then run tidings apply.")
	for _, u := range undecided {
		fmt.Fprintf(w, "# Not scored in the retrospective and not done: %s\n", u)
	}
	if len(next.Objectives) == 0 {
		fmt.Fprintln(w, "# Nothing was carried over.")
		return nil
	}
	b, err := yaml.Marshal([]OKRQuarterConfig{next})
	if err != nil {
		return fmt.Errorf("next-quarter: %w", err)
	}
	_, err = w.Write(b)
	return err
}
