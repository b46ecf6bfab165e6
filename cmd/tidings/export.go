package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	"github.com/tidings-app/tidings/store"
)

// newExportCmd is `tidings export`: one team's archive as JSON, CSV or
// mbox (see docs/archive-data.md and store.Export).
func newExportCmd(a *app) *cobra.Command {
	var team, since, until, member, format, output string
	cmd := &cobra.Command{
		Use:   "export --team T --format json|csv|mbox [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--member EMAIL] [--output FILE]",
		Short: "Export a team's updates (json, csv) or the messages that carried them (mbox)",
		Long: `Export writes one team's updates answered between --since and --until (both
dates included, UTC) to standard output or --output FILE (created 0600, only
once complete).

  json  the team, its updates (current versions) and its filed meeting notes
        with decisions and action items (notes are left out with --member)
  csv   RFC 4180 with a header row, one row per answer of each update
  mbox  mboxrd: the raw messages that carried those updates, earlier
        versions included

One-on-one content is never exported.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			q := store.ExportQuery{Format: format}
			if format != store.ExportJSON && format != store.ExportCSV && format != store.ExportMbox {
				return &exitError{code: exUsage, msg: "--format must be json, csv or mbox"}
			}
			if team == "" {
				return &exitError{code: exUsage, msg: "--team is required"}
			}
			var err error
			if q.Since, err = parseDay("--since", since, 0); err != nil {
				return err
			}
			if q.Until, err = parseDay("--until", until, 1); err != nil {
				return err
			}
			if !q.Since.IsZero() && !q.Until.IsZero() && !q.Since.Before(q.Until) {
				return &exitError{code: exUsage, msg: "--since must not be after --until"}
			}
			_, db, err := a.load(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			t, err := db.FindTeam(cmd.Context(), team)
			if err != nil {
				return &exitError{code: exUsage, msg: fmt.Sprintf("team %q: %v", team, err)}
			}
			q.TeamID = t.ID
			if member != "" {
				m, err := db.MemberByAddress(cmd.Context(), member)
				if err != nil {
					return &exitError{code: exUsage, msg: fmt.Sprintf("member %q: %v", member, err)}
				}
				q.MemberID = m.ID
			}
			write := func(w io.Writer) (int, error) { return db.Export(cmd.Context(), w, q) }
			if output == "" || output == "-" {
				n, err := write(cmd.OutOrStdout())
				if err != nil {
					return storeFailure(err)
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "exported %d %s\n", n, exportUnit(format))
				return nil
			}
			n, err := writeFileAtomic(output, write)
			if err != nil {
				return storeFailure(err)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "exported %d %s to %s\n", n, exportUnit(format), output)
			return nil
		},
	}
	cmd.Flags().StringVar(&team, "team", "", "team slug (required)")
	cmd.Flags().StringVar(&format, "format", "", "json, csv or mbox (required)")
	cmd.Flags().StringVar(&since, "since", "", "first day, YYYY-MM-DD (UTC)")
	cmd.Flags().StringVar(&until, "until", "", "last day, YYYY-MM-DD (UTC), included")
	cmd.Flags().StringVar(&member, "member", "", "only this member's updates (email address or alias)")
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to this file instead of standard output")
	return cmd
}

func exportUnit(format string) string {
	if format == store.ExportMbox {
		return "messages"
	}
	return "records"
}

// storeFailure is the exit for a store error in a command: EX_TEMPFAIL
// when the database is unreachable (try again), EX_SOFTWARE otherwise.
func storeFailure(err error) error {
	if errors.Is(err, store.ErrUnavailable) {
		return &exitError{code: exTempFail, msg: err.Error()}
	}
	return &exitError{code: exSoftware, msg: err.Error()}
}

// parseDay reads YYYY-MM-DD as midnight UTC plus addDays; "" is the zero
// time.
func parseDay(flag, s string, addDays int) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return time.Time{}, &exitError{code: exUsage, msg: fmt.Sprintf("%s %q: want a date YYYY-MM-DD", flag, s)}
	}
	return t.AddDate(0, 0, addDays), nil
}

// writeFileAtomic writes through write to a temporary file next to path
// (mode 0600: an archive holds personal data) and renames it over path
// once complete, so a failed export leaves no partial file.
func writeFileAtomic(path string, write func(io.Writer) (int, error)) (int, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	defer os.Remove(f.Name())
	n, err := write(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		return 0, fmt.Errorf("export to %s: %w", path, err)
	}
	return n, nil
}
