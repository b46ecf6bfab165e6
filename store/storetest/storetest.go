// Package storetest gives tests their own database: a fresh SQLite file,
// and a fresh PostgreSQL schema when TIDINGS_TEST_DATABASE_URL is set, each
// dropped when the test ends, so packages can run in parallel without
// sharing tables.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx" for schema setup
	"github.com/tidings-app/tidings/store"
)

// EnvURL names the variable holding the PostgreSQL URL for tests.
const EnvURL = "TIDINGS_TEST_DATABASE_URL"

// Backend is one database a suite runs on.
type Backend struct {
	Name string
	// Open returns a new empty, migrated database for t and its DSN.
	Open func(t testing.TB, opts store.Options) (*store.DB, string)
}

// Backends returns SQLite, plus PostgreSQL when TIDINGS_TEST_DATABASE_URL is
// set. Under CI (CI=true) a missing URL fails the test instead of skipping
// PostgreSQL silently.
func Backends(t testing.TB) []Backend {
	out := []Backend{{Name: "sqlite", Open: OpenSQLite}}
	if os.Getenv(EnvURL) != "" {
		out = append(out, Backend{Name: "postgres", Open: OpenPostgres})
	} else if os.Getenv("CI") == "true" {
		t.Fatalf("%s is not set: CI must run the PostgreSQL suite", EnvURL)
	}
	return out
}

// Each runs fn as a subtest on every backend.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			db, _ := b.Open(t, store.Options{})
			fn(t, db)
		})
	}
}

// OpenSQLite opens a migrated SQLite database in t.TempDir().
func OpenSQLite(t testing.TB, opts store.Options) (*store.DB, string) {
	t.Helper()
	dsn := filepath.Join(t.TempDir(), "tidings.db")
	db, err := store.Open(context.Background(), dsn, opts)
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db, dsn
}

// PostgresDSN creates a fresh schema in the test PostgreSQL and returns a
// DSN whose search_path points at it; the schema is dropped at cleanup. It
// fails the test when the server cannot be reached.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvURL)
	if base == "" {
		t.Skipf("%s not set", EnvURL)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	t.Cleanup(func() { admin.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("postgres at %s unreachable or refused: %v", redact(base), err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", EnvURL, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// OpenPostgres opens a migrated database in a fresh schema (see
// PostgresDSN).
func OpenPostgres(t testing.TB, opts store.Options) (*store.DB, string) {
	t.Helper()
	dsn := PostgresDSN(t)
	db, err := store.Open(context.Background(), dsn, opts)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db, dsn
}

func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}
