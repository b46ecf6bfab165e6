package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"github.com/tidings-app/tidings/mail/okr"
	"github.com/tidings-app/tidings/mail/outbound"
)

func newOKRsSendCmd(a *app) *cobra.Command {
	var at string
	cmd := &cobra.Command{
		Use:   "send [--now T]",
		Short: "Send the key-result check-in prompts due now (or at --now), then deliver and exit",
		Long: `Runs the key-result check-in scheduler once as if the clock read --now: each
owner of key results in a team with a kind: okr check-in gets one prompt per
check-in period listing their key results. It then delivers what is queued.
Running it again for the same period sends nothing.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			now, err := parseNowFlag(at, "2027-02-12T11:00:00-05:00")
			if err != nil {
				return err
			}
			return a.withDelivery(cmd.Context(), now, func(d *deps, del *outbound.Deliverer) error {
				return a.okrsSend(cmd.Context(), d, del, now, false)
			})
		},
	}
	cmd.Flags().StringVar(&at, "now", "", "act as if the clock read this RFC 3339 time")
	return cmd
}

// okrsSend runs the key-result check-in scheduler (prompts, retrospectives,
// recaps) at now and delivers what is queued.
// With quiet, nothing is printed when there was nothing to do.
func (a *app) okrsSend(ctx context.Context, d *deps, del *outbound.Deliverer, now time.Time, quiet bool) error {
	s, err := d.okrService()
	if err != nil {
		return err
	}
	sum, err := s.SendDue(ctx, now)
	if err != nil {
		return &exitError{code: exTempFail, msg: err.Error()}
	}
	res, err := del.Flush(ctx)
	if quiet && sum == (okr.Summary{}) && res == (outbound.FlushResult{}) && err == nil {
		return nil
	}
	fmt.Fprintf(a.stdout, "queued %d key-result prompts (expired %d, skipped %d) and %d recaps; sent %d, deferred %d, failed %d\n",
		sum.Queued, sum.Expired, sum.Skipped, sum.Recaps, res.Sent, res.Deferred, res.Failed)
	if err != nil {
		return &exitError{code: exTempFail, msg: err.Error()}
	}
	return nil
}
