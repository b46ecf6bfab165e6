package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/tidings-app/tidings/mail/outbound"
	"github.com/tidings-app/tidings/store"
)

// newPromptsCmd is `tidings prompts send|list`.
func newPromptsCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "prompts", Short: "Send due check-in prompts or list prompts"}
	cmd.AddCommand(newPromptsSendCmd(a), newPromptsListCmd(a))
	return cmd
}

func newPromptsSendCmd(a *app) *cobra.Command {
	var at string
	cmd := &cobra.Command{
		Use:   "send",
		Short: "Schedule and deliver every prompt due now (or at --now), then exit",
		Long: `Runs the prompt scheduler once as if the clock read --now and delivers what
it queued (prompts, reminders) synchronously. Running it again for the same
instant sends nothing.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			now, err := parseNowFlag(at, "2026-11-24T09:00:00-03:00")
			if err != nil {
				return err
			}
			return a.promptsSend(cmd.Context(), now)
		},
	}
	cmd.Flags().StringVar(&at, "now", "", "act as if the clock read this RFC 3339 time")
	return cmd
}

func (a *app) promptsSend(ctx context.Context, now time.Time) error {
	return a.withDelivery(ctx, now, func(deps *deps, d *outbound.Deliverer) error {
		p, err := deps.prompter()
		if err != nil {
			return err
		}
		sum, res, err := outbound.SendAndDeliver(ctx, p, d, now)
		writeSendSummary(a.stdout, sum, res)
		if err != nil {
			return &exitError{code: exTempFail, msg: err.Error()}
		}
		return a.okrsSend(ctx, deps, d, now, true) // key-result check-ins (kind: okr)
	})
}

func writeSendSummary(w io.Writer, sum outbound.Summary, res outbound.FlushResult) {
	skipped := 0
	var reasons []string
	for k, n := range sum.Skipped {
		skipped += n
		reasons = append(reasons, fmt.Sprintf("%s %d", k, n))
	}
	sort.Strings(reasons)
	fmt.Fprintf(w, "queued %d prompts and %d reminders; sent %d, deferred %d, failed %d\n",
		sum.Queued, sum.Reminders, res.Sent, res.Deferred, res.Failed)
	fmt.Fprintf(w, "skipped %d", skipped)
	if len(reasons) > 0 {
		fmt.Fprintf(w, " (%s)", strings.Join(reasons, ", "))
	}
	fmt.Fprintf(w, "; expired %d\n", sum.Expired)
}

func newPromptsListCmd(a *app) *cobra.Command {
	var f store.PromptFilter
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List prompts, newest first",
		Args:  cobra.NoArgs,
		PreRunE: func(*cobra.Command, []string) error {
			return checkStatus(f.Status, store.PromptPending, store.PromptSent, store.PromptAnswered, store.PromptSkipped,
				store.PromptExpired, store.PromptFailed)
		},
		RunE: a.withStore(func(cmd *cobra.Command, _ []string, db *store.DB) error {
			if err := checkTeam(cmd.Context(), db, f.Team); err != nil {
				return err
			}
			rows, err := db.FindPrompts(cmd.Context(), f)
			if err != nil {
				return &exitError{code: exTempFail, msg: err.Error()}
			}
			writePromptList(a.stdout, rows)
			return nil
		}),
	}
	cmd.Flags().StringVar(&f.Team, "team", "", "only this team (slug)")
	cmd.Flags().StringVar(&f.Status, "status", "", "only this status (pending, sent, answered, skipped, expired, failed)")
	cmd.Flags().IntVar(&f.Limit, "limit", 200, "at most this many rows (0: all)")
	return cmd
}

func writePromptList(w io.Writer, rows []store.PromptRow) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "MEMBER\tTEAM/CHECK-IN\tPERIOD\tDUE (LOCAL)\tSTATUS\tREASON")
	for _, r := range rows {
		due := r.DueAt.UTC().Format("Mon 2 Jan 15:04 MST")
		if loc, err := time.LoadLocation(r.Location); err == nil {
			due = r.DueAt.In(loc).Format("Mon 2 Jan 15:04 MST")
		}
		fmt.Fprintf(tw, "%s\t%s/%s\t%s\t%s\t%s\t%s\n", r.MemberEmail, r.TeamSlug, r.CheckInName, r.Period, due, r.Status, r.Reason)
	}
	tw.Flush()
}
