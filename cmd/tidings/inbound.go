package main

import (
	"fmt"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/tidings-app/tidings/store"
)

// newInboundCmd is `tidings inbound list|reprocess`.
func newInboundCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "inbound", Short: "Inspect and re-run received messages"}
	cmd.AddCommand(newInboundListCmd(a), newInboundReprocessCmd(a))
	return cmd
}

func newInboundListCmd(a *app) *cobra.Command {
	var status string
	var limit int
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List received messages, newest first, with their state",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkStatus(status, store.InboundReceived, store.InboundApplied, store.InboundIgnored,
				store.InboundQuarantined, store.InboundFailed); err != nil {
				return err
			}
			_, db, err := a.load(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			msgs, err := db.FindInbound(cmd.Context(), store.InboundFilter{Status: status, Limit: limit})
			if err != nil {
				return &exitError{code: exTempFail, msg: err.Error()}
			}
			printInbound(cmd, msgs)
			return nil
		},
	}
	cmd.Flags().StringVar(&status, "status", "", "only this status: received, applied, ignored, quarantined, failed")
	cmd.Flags().IntVar(&limit, "limit", 50, "at most this many messages")
	return cmd
}

func printInbound(cmd *cobra.Command, msgs []store.InboundMessage) {
	w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tRECEIVED\tSTATUS\tKIND\tATTEMPTS\tFROM\tTO\tREASON")
	for _, m := range msgs {
		to := ""
		if len(m.Rcpt) > 0 {
			to = m.Rcpt[0]
		}
		reason := m.Reason
		if m.Error != "" {
			reason = m.Error
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n", m.ID, m.ReceivedAt.Format(time.RFC3339), m.Status,
			m.Kind, m.Attempts, m.MailFrom, to, reason)
	}
	w.Flush()
}

func newInboundReprocessCmd(a *app) *cobra.Command {
	var failed bool
	cmd := &cobra.Command{
		Use:   "reprocess [--failed | ID...]",
		Short: "Run the pipeline again, synchronously, on stored messages",
		Long: `Reprocess re-runs parsing and applying on stored raw messages. Applying a
message again never duplicates an update.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if failed == (len(args) > 0) {
				return &exitError{code: exUsage, msg: "give --failed or message IDs"}
			}
			ids := make([]int64, len(args))
			for i, s := range args {
				id, err := strconv.ParseInt(s, 10, 64)
				if err != nil {
					return &exitError{code: exUsage, msg: fmt.Sprintf("bad message ID %q", s)}
				}
				ids[i] = id
			}
			return a.reprocess(cmd, ids)
		},
	}
	cmd.Flags().BoolVar(&failed, "failed", false, "every message in the failed state")
	return cmd
}

func (a *app) reprocess(cmd *cobra.Command, ids []int64) error {
	ctx := cmd.Context()
	d, err := a.openDeps(ctx, time.Now)
	if err != nil {
		return err
	}
	defer d.db.Close()
	db := d.db
	p, err := d.processor()
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		msgs, err := db.FindInbound(ctx, store.InboundFilter{Status: store.InboundFailed, Limit: 10000})
		if err != nil {
			return &exitError{code: exTempFail, msg: err.Error()}
		}
		for _, m := range msgs {
			ids = append(ids, m.ID)
		}
	}
	for _, id := range ids {
		if err := p.Process(ctx, id); err != nil {
			return &exitError{code: exTempFail, msg: err.Error()}
		}
	}
	msgs, err := db.FindInbound(ctx, store.InboundFilter{IDs: ids, Limit: len(ids) + 1})
	if err != nil {
		return &exitError{code: exTempFail, msg: err.Error()}
	}
	printInbound(cmd, msgs)
	return nil
}
