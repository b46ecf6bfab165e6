package main

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/tidings-app/tidings/store"
)

// newMembersForgetCmd is `tidings members forget EMAIL [--dry-run]`: the
// right to erasure (see store.ForgetMember and docs/archive-data.md). A
// member still in the configuration is refused: the next apply would
// create them again, so they are removed from the file (and applied)
// first.
func newMembersForgetCmd(a *app) *cobra.Command {
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "forget EMAIL [--dry-run]",
		Short: "Erase a former member: updates, messages, addresses, one-on-ones (prints what it deletes)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			email := strings.ToLower(strings.TrimSpace(args[0]))
			cfg, db, err := a.load(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			m, err := db.MemberByAddress(cmd.Context(), email)
			if errors.Is(err, store.ErrNotFound) {
				return &exitError{code: exUsage, msg: fmt.Sprintf("no member with address %q", email)}
			}
			if err != nil {
				return &exitError{code: exTempFail, msg: err.Error()}
			}
			if teams := configTeamsOf(cfg, m); len(teams) > 0 {
				return &exitError{code: exUsage, msg: fmt.Sprintf("%s is still a member of %s in %s: remove them there and run "+
					"tidings apply first (otherwise the next apply would create them again); nothing was deleted",
					m.Email, strings.Join(teams, ", "), a.configPath)}
			}
			rep, err := db.ForgetMember(cmd.Context(), m.ID, dryRun)
			if err != nil {
				return storeFailure(err)
			}
			writeForgetReport(cmd.OutOrStdout(), rep, dryRun)
			return nil
		},
	}
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "print what would be erased; change nothing")
	return cmd
}

// configTeamsOf returns the slugs of the configured teams that list m by
// address or alias.
func configTeamsOf(cfg *Config, m *store.Member) []string {
	addrs := []string{strings.ToLower(m.Email)}
	for _, a := range m.Aliases {
		addrs = append(addrs, strings.ToLower(a))
	}
	var out []string
	for _, t := range cfg.Teams {
		for _, cm := range t.Members {
			if slices.Contains(addrs, strings.ToLower(cm.Email)) {
				out = append(out, t.Slug)
				break
			}
		}
	}
	return out
}

func writeForgetReport(w io.Writer, rep *store.ForgetReport, dryRun bool) {
	verb, kept := "deleted", "kept"
	if dryRun {
		verb, kept = "would delete", "would keep"
		fmt.Fprintf(w, "dry run: nothing changed\n")
	}
	fmt.Fprintf(w, "%s %s:\n", verb, rep.Email)
	for _, k := range slices.Sorted(maps.Keys(rep.Deleted)) {
		fmt.Fprintf(w, "  %-22s %d\n", k, rep.Deleted[k])
	}
	fmt.Fprintf(w, "%s for the team, without them (author or owner cleared, their comments removed):\n", kept)
	if len(rep.Detached) == 0 {
		fmt.Fprintln(w, "  nothing")
	}
	for _, k := range slices.Sorted(maps.Keys(rep.Detached)) {
		fmt.Fprintf(w, "  %-22s %d\n", k, rep.Detached[k])
	}
	fmt.Fprintln(w, "also kept: anonymous ask answers (never linked to anyone), team digests already sent, counts in other members' rows")
}
