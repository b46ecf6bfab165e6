package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/tidings-app/tidings/store"
)

// newUpdatesCmd is `tidings updates list` and `tidings updates history`.
func newUpdatesCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "updates", Short: "Show members' updates"}
	cmd.AddCommand(newUpdatesListCmd(a), newUpdatesHistoryCmd(a))
	return cmd
}

func newUpdatesListCmd(a *app) *cobra.Command {
	var team, since, format string
	var oneOnOnes bool
	cmd := &cobra.Command{
		Use:   "list [--team T] [--since YYYY-MM-DD] [--format text|json]",
		Short: "List stored updates with their answers, oldest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "text" && format != "json" {
				return &exitError{code: exUsage, msg: "--format must be text or json"}
			}
			if oneOnOnes && format != "text" {
				return &exitError{code: exUsage, msg: "--one-on-ones prints text only"}
			}
			var f store.UpdateFilter
			if since != "" {
				t, err := time.Parse("2006-01-02", since)
				if err != nil {
					return &exitError{code: exUsage, msg: "--since wants YYYY-MM-DD"}
				}
				f.Since = t
			}
			_, db, err := a.load(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			if team != "" {
				t, err := db.FindTeam(cmd.Context(), team)
				if err != nil {
					return &exitError{code: exUsage, msg: fmt.Sprintf("team %q: %v", team, err)}
				}
				f.TeamID = t.ID
			}
			ups, err := db.FindUpdates(cmd.Context(), f)
			if err != nil {
				return &exitError{code: exTempFail, msg: err.Error()}
			}
			if format == "json" {
				return writeUpdatesJSON(cmd.OutOrStdout(), ups)
			}
			writeUpdatesText(cmd.OutOrStdout(), ups)
			if oneOnOnes {
				return writeOneOnOneUpdates(cmd.Context(), cmd.OutOrStdout(), db, team)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&team, "team", "", "only this team (slug)")
	cmd.Flags().StringVar(&since, "since", "", "only updates answered on or after this date (UTC)")
	cmd.Flags().StringVar(&format, "format", "text", "text or json")
	cmd.Flags().BoolVar(&oneOnOnes, "one-on-ones", false, "also print every pair's 1:1 answers (private to each pair; text format only)")
	return cmd
}

// updateJSON is the stable JSON shape of one update.
type updateJSON struct {
	ID         int64          `json:"id"`
	Member     string         `json:"member"`
	Email      string         `json:"email"`
	Team       string         `json:"team"`
	CheckIn    string         `json:"check_in"`
	Period     string         `json:"period"`
	AnsweredAt time.Time      `json:"answered_at"`
	Version    int            `json:"version"`
	HasBlocker bool           `json:"has_blocker"`
	Answers    []store.Answer `json:"answers"`
}

func writeUpdatesJSON(w io.Writer, ups []store.UpdateView) error {
	out := make([]updateJSON, len(ups))
	for i, u := range ups {
		out[i] = updateJSON{ID: u.ID, Member: u.MemberName, Email: u.MemberEmail, Team: u.TeamSlug,
			CheckIn: u.CheckInName, Period: u.Period, AnsweredAt: u.AnsweredAt.UTC(), Version: u.Version,
			HasBlocker: u.HasBlocker, Answers: u.Answers}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func writeUpdatesText(w io.Writer, ups []store.UpdateView) {
	if len(ups) == 0 {
		fmt.Fprintln(w, "no updates")
		return
	}
	for _, u := range ups {
		blocker := ""
		if u.HasBlocker {
			blocker = "  [BLOCKER]"
		}
		fmt.Fprintf(w, "%s <%s> · %s/%s · %s · answered %s · v%d%s\n", u.MemberName, u.MemberEmail,
			u.TeamSlug, u.CheckInName, u.Period, u.AnsweredAt.UTC().Format("2006-01-02 15:04 MST"), u.Version, blocker)
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, a := range u.Answers {
			fmt.Fprintf(tw, "  %s\t%s\n", a.Question, strings.ReplaceAll(a.Text, "\n", "\n\t"))
		}
		tw.Flush()
		fmt.Fprintln(w)
	}
}
