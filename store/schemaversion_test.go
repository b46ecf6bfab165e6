package store_test

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"
	"testing"

	_ "github.com/glebarez/go-sqlite"  // database/sql driver "sqlite" to play an older binary
	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

// migrations opens dsn and returns the DB and how many times Open migrated.
func migrations(t *testing.T, dsn string, force bool) (*store.DB, int) {
	t.Helper()
	var n atomic.Int32
	db, err := store.Open(context.Background(), dsn, store.Options{ForceMigrate: force, OnMigrate: func(string) { n.Add(1) }})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	return db, int(n.Load())
}

// rawDB is a plain database/sql handle on dsn, for statements an older
// binary or an operator would have run.
func rawDB(t *testing.T, backend, dsn string) *sql.DB {
	t.Helper()
	driver := "pgx"
	if backend == "sqlite" {
		driver, dsn = "sqlite", dsn+"?_pragma=busy_timeout(10000)"
	}
	raw, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

// TestOpenMigratesOnlyWhenSchemaVersionDiffers checks that a fresh
// database is migrated once, that opening it again runs no migration, and
// that a database recording another version (an older binary's, missing a
// table the models now have) is migrated again and gets the table back.
func TestOpenMigratesOnlyWhenSchemaVersionDiffers(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			var fresh atomic.Int32
			db, dsn := b.Open(t, store.Options{OnMigrate: func(string) { fresh.Add(1) }})
			if fresh.Load() != 1 {
				t.Fatalf("fresh database: %d migrations, want 1", fresh.Load())
			}
			version := db.SchemaVersion()
			db.Close()

			again, n := migrations(t, dsn, false)
			if n != 0 {
				t.Errorf("second open: %d migrations, want 0", n)
			}
			if again.SchemaVersion() != version {
				t.Errorf("version changed between opens: %q then %q", version, again.SchemaVersion())
			}
			if _, err := again.Sync(ctx, exampleSpecs()); err != nil { // the skipped open still works
				t.Fatalf("sync after skipped migration: %v", err)
			}
			again.Close()

			// An older binary: it recorded another version and had no holidays table.
			raw := rawDB(t, b.Name, dsn)
			for _, q := range []string{"DROP TABLE holidays", "DELETE FROM schema_version",
				"INSERT INTO schema_version (version, migrated_at) VALUES ('r1-older', CURRENT_TIMESTAMP)"} {
				if _, err := raw.ExecContext(ctx, q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			newer, n := migrations(t, dsn, false)
			if n != 1 {
				t.Errorf("open after an older binary: %d migrations, want 1", n)
			}
			newer.Close()
			var rows int
			if err := raw.QueryRowContext(ctx, "SELECT count(*) FROM holidays").Scan(&rows); err != nil {
				t.Errorf("holidays table not recreated by the migration: %v", err)
			}
			var versions []string
			rs, err := raw.QueryContext(ctx, "SELECT version FROM schema_version ORDER BY version")
			if err != nil {
				t.Fatal(err)
			}
			for rs.Next() {
				var v string
				rs.Scan(&v)
				versions = append(versions, v)
			}
			rs.Close()
			if len(versions) != 2 || versions[0] != "r1-older" && versions[1] != "r1-older" ||
				versions[0] != version && versions[1] != version {
				t.Errorf("recorded versions = %q, want the older one and %q", versions, version)
			}

			// Both binaries' versions are recorded: neither migrates again.
			_, n = migrations(t, dsn, false)
			if n != 0 {
				t.Errorf("open after re-migration: %d migrations, want 0", n)
			}
			// tidings migrate forces it.
			_, n = migrations(t, dsn, true)
			if n != 1 {
				t.Errorf("forced open: %d migrations, want 1", n)
			}
		})
	}
}

// TestConcurrentOpensMigrateOnce starts several instances on one fresh
// PostgreSQL schema at once: all open, and exactly one migrates (the
// others wait for its advisory lock, then find the version recorded).
func TestConcurrentOpensMigrateOnce(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		if b.Name != "postgres" {
			continue // SQLite: one process per file in tests; its write lock serializes migrate
		}
		t.Run(b.Name, func(t *testing.T) {
			dsn := storetest.PostgresDSN(t)
			const instances = 4
			var migrated atomic.Int32
			var wg sync.WaitGroup
			errs := make([]error, instances)
			for i := range instances {
				wg.Add(1)
				go func() {
					defer wg.Done()
					db, err := store.Open(context.Background(), dsn, store.Options{OnMigrate: func(string) { migrated.Add(1) }})
					if err != nil {
						errs[i] = err
						return
					}
					errs[i] = db.Ping(context.Background())
					db.Close()
				}()
			}
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Errorf("instance %d: %v", i, err)
				}
			}
			if migrated.Load() != 1 {
				t.Errorf("%d instances migrated, want exactly 1", migrated.Load())
			}
		})
	}
}
