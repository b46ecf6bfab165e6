package main

import (
	"fmt"

	"github.com/spf13/cobra"
	"github.com/tidings-app/tidings/store"
)

// newMigrateCmd is `tidings migrate [--force]`.
func newMigrateCmd(a *app) *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "migrate [--force]",
		Short: "Bring the database schema up to this version of Tidings, then exit",
		Long: `Every command migrates the database when it does not record this binary's
schema version (a hash of the tables' definitions and River's migrations),
and skips the migration otherwise, so commands stay fast on a large
database. Instances starting together migrate once: on PostgreSQL they wait
for an advisory lock. "tidings migrate" does the same explicitly, for a
deploy step; --force runs every migration even when the version is
recorded (after a table was changed by hand).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := a.loadConfig()
			if err != nil {
				return err
			}
			migrated := false
			db, err := a.openStoreWith(cmd.Context(), cfg, store.Options{ForceMigrate: force, OnMigrate: func(string) { migrated = true }})
			if err != nil {
				return err
			}
			defer db.Close()
			if migrated {
				fmt.Fprintf(a.stdout, "migrated to schema %s\n", db.SchemaVersion())
			} else {
				fmt.Fprintf(a.stdout, "schema %s is current; nothing to do\n", db.SchemaVersion())
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "run every migration even when the schema version is recorded")
	return cmd
}
