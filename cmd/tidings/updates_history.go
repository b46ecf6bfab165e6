package main

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/tidings-app/tidings/store"
)

// newUpdatesHistoryCmd is `tidings updates history ID`: every version of
// one update, oldest first, so that what a second reply amended or
// replaced can be read back.
func newUpdatesHistoryCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "history UPDATE-ID",
		Short: "Show every version of one update, oldest first (from `updates list`)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil || id <= 0 {
				return &exitError{code: exUsage, msg: fmt.Sprintf("%q is not an update ID", args[0])}
			}
			_, db, err := a.load(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			u, err := db.UpdateByID(cmd.Context(), id)
			if errors.Is(err, store.ErrNotFound) {
				return &exitError{code: exUsage, msg: fmt.Sprintf("no update %d", id)}
			} else if err != nil {
				return &exitError{code: exTempFail, msg: err.Error()}
			}
			revs, err := db.UpdateRevisions(cmd.Context(), id)
			if err != nil {
				return &exitError{code: exTempFail, msg: err.Error()}
			}
			writeHistory(cmd.OutOrStdout(), u, revs)
			return nil
		},
	}
}

// writeHistory prints the revisions, then the current version.
func writeHistory(w io.Writer, u *store.Update, revs []store.UpdateRevision) {
	for _, r := range revs {
		label := fmt.Sprintf("v%d", r.Version)
		if r.Version == 0 {
			label = "late (written before the current version, kept as history)"
		}
		writeVersion(w, label, r.AnsweredAt.UTC().Format("2006-01-02 15:04 MST"), r.InboundID, r.HasBlocker, r.Answers)
	}
	writeVersion(w, fmt.Sprintf("v%d (current)", u.Version), u.AnsweredAt.UTC().Format("2006-01-02 15:04 MST"), u.InboundID, u.HasBlocker, u.Answers)
}

func writeVersion(w io.Writer, label, at string, inbound int64, blocker bool, answers []store.Answer) {
	b := ""
	if blocker {
		b = "  [BLOCKER]"
	}
	fmt.Fprintf(w, "%s · answered %s · from inbound message %d%s\n", label, at, inbound, b)
	for _, a := range answers {
		fmt.Fprintf(w, "  %s: %s\n", a.Key, strings.ReplaceAll(a.Text, "\n", "\n    "))
	}
	fmt.Fprintln(w)
}
