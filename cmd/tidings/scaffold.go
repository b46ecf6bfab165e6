package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"github.com/tidings-app/tidings/mail/outbound"
	"github.com/tidings-app/tidings/store"
)

// withStore returns a command's RunE that loads the configuration, opens
// the store, runs fn with it and closes it. Errors loading the
// configuration or opening the store are those of a.load (EX_CONFIG,
// EX_TEMPFAIL); fn's are returned as they are. Checks that must come
// before the store is opened (flags, arguments) belong in the command's
// PreRunE or Args.
func (a *app) withStore(fn func(cmd *cobra.Command, args []string, db *store.DB) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		_, db, err := a.load(cmd.Context())
		if err != nil {
			return err
		}
		defer db.Close()
		return fn(cmd, args, db)
	}
}

// withDelivery runs fn with the shared parts of a one-shot command whose
// clock reads now (a.openDeps) and the relay (or outbox) delivery, then
// closes both: the scaffolding of the commands that queue mail and
// deliver it before they exit (prompts, okrs, one-on-ones send; asks
// close and sweep).
func (a *app) withDelivery(ctx context.Context, now time.Time, fn func(d *deps, del *outbound.Deliverer) error) error {
	d, err := a.openDeps(ctx, func() time.Time { return now })
	if err != nil {
		return err
	}
	defer d.db.Close()
	del, err := d.deliverer()
	if err != nil {
		return err
	}
	defer del.Close()
	return fn(d, del)
}

// parseNowFlag reads a --now flag: empty is the current time; otherwise
// an RFC 3339 time, else an EX_USAGE error quoting example.
func parseNowFlag(at, example string) (time.Time, error) {
	if at == "" {
		return time.Now(), nil
	}
	t, err := time.Parse(time.RFC3339, at)
	if err != nil {
		return t, &exitError{code: exUsage, msg: "--now: want RFC 3339, e.g. " + example}
	}
	return t, nil
}

// teamFilter is the team ID a --team flag names, nil without one; an
// unknown team is EX_USAGE.
func teamFilter(ctx context.Context, db *store.DB, slug string) (*int64, error) {
	if slug == "" {
		return nil, nil
	}
	t, err := db.FindTeam(ctx, slug)
	if err != nil {
		return nil, &exitError{code: exUsage, msg: fmt.Sprintf("team %q: %v", slug, err)}
	}
	return &t.ID, nil
}
