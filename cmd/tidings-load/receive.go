package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/tidings-app/tidings/mail"
	"github.com/tidings-app/tidings/mail/inbound"
	"github.com/tidings-app/tidings/store"
)

// receive runs the Tidings receiver alone on a database until ctx ends.
func receive(ctx context.Context, args []string, logw io.Writer) error {
	fs := flag.NewFlagSet("tidings-load receive", flag.ContinueOnError)
	dsn := fs.String("db", "tidings-load.db", "database: SQLite path or postgres:// URL")
	listen := fs.String("listen", "127.0.0.1:2525", "SMTP listen address")
	domain := fs.String("domain", "localhost", "mail domain")
	conns := fs.Int("max-connections", 100, "concurrent connection cap")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := store.Open(ctx, *dsn, store.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	secret, err := db.Secret(ctx)
	if err != nil {
		return err
	}
	signer, err := mail.NewSigner(secret)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(logw, &slog.HandlerOptions{Level: slog.LevelWarn}))
	r := inbound.NewReceiver(db, inbound.Options{Addresses: mail.Addresses{Domain: *domain, Signer: signer},
		Listen: *listen, MaxConnections: *conns, Logger: log})
	fmt.Fprintln(logw, "receiving on", *listen)
	if err := r.ListenAndServe(ctx); err != nil {
		return err
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return r.Shutdown(sctx)
}
