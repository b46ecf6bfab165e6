package main

import (
	"fmt"

	"github.com/spf13/cobra"
	"github.com/tidings-app/tidings/store"
)

func newApplyCmd(a *app) *cobra.Command {
	var file string
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "apply -f FILE",
		Short: "Sync teams, members and check-ins from a configuration file into the store",
		Long: `Apply reads the teams, members and check-ins declared in FILE and makes the
store match them in one transaction, printing what it created, changed and
removed. Teams missing from the file are removed with their memberships and
check-ins; members, prompts and updates are kept as history. Running it twice
changes nothing the second time. Invalid input (unknown time zone, bad
schedule, duplicate member, unknown key, malformed YAML) changes nothing and
exits with status 78 and a message naming the file and line.

New members get one welcome email.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if file != "" {
				a.configPath = file
			}
			cfg, err := a.loadConfig()
			if err != nil {
				return err
			}
			if dryRun {
				fmt.Fprintf(a.stdout, "%s is valid: %s\n", a.configPath, configSummary(cfg))
				return nil
			}
			db, err := a.openStore(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			defer db.Close()
			ch, err := db.Sync(cmd.Context(), cfg.Specs())
			if err != nil {
				return fmt.Errorf("apply %s: %w", a.configPath, err)
			}
			if _, err := db.SyncOneOnOnes(cmd.Context(), cfg.OneOnOneSpecs()); err != nil {
				return fmt.Errorf("apply %s: %w", a.configPath, err)
			}
			printChanges(a, ch)
			return queueWelcomes(cmd.Context(), a, cfg, db)
		},
	}
	cmd.Flags().StringVarP(&file, "file", "f", "", "configuration file to apply (default: --config)")
	cmd.Flags().BoolVar(&dryRun, "check", false, "only validate the file")
	return cmd
}

func printChanges(a *app, ch store.Changes) {
	if ch.Empty() {
		fmt.Fprintln(a.stdout, "no changes")
		printNotes(a, ch)
		return
	}
	for _, group := range []struct {
		verb  string
		lines []string
	}{{"created", ch.Created}, {"changed", ch.Changed}, {"removed", ch.Removed}} {
		for _, l := range group.lines {
			fmt.Fprintf(a.stdout, "%-8s %s\n", group.verb, l)
		}
	}
	fmt.Fprintf(a.stdout, "%d created, %d changed, %d removed\n", len(ch.Created), len(ch.Changed), len(ch.Removed))
	printNotes(a, ch)
}
