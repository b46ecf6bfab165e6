package store

import (
	"context"
	"crypto/sha256"
	"database/sql/driver"
	"encoding/hex"
	"fmt"
	"reflect"
	"strings"

	"github.com/riverqueue/river/rivermigrate"
	"gorm.io/gorm"
)

// schemaRevision names the hand-written migration steps run after gorm's
// AutoMigrate (migrateScheduleIndexes, backfills). Change it whenever such
// a step is added or changed: it is part of SchemaVersion, so a database
// migrated by an older binary is migrated again. Adding a model or a field
// needs no change here: the models' shapes are hashed.
const schemaRevision = "2026-12-01.2"

// schemaTable records every schema version a binary migrated the database
// to (version, when). It is not a gorm model, so it is not part of the
// hash, and it is created by migrate itself.
const schemaTable = "schema_version"

// SchemaVersion returns the schema version this binary migrates to: a hash
// of the models' Go shapes (field names, types and gorm tags), of
// schemaRevision and of River's latest migration. Open skips migration when
// the database records this version (see Options.ForceMigrate).
func (db *DB) SchemaVersion() string { return db.version }

// schemaVersion computes the version from the model list, the
// hand-written revision and River's migrations.
func schemaVersion(ms []any, revision string, river []rivermigrate.Migration) string {
	h := sha256.New()
	fmt.Fprintf(h, "revision %s\n", revision)
	for _, m := range river {
		fmt.Fprintf(h, "river %d %s\n", m.Version, m.Name)
	}
	for _, m := range ms {
		t := reflect.TypeOf(m)
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		fmt.Fprintf(h, "model %s\n", t.Name())
		hashFields(h, t, "")
	}
	last := 0
	if len(river) > 0 {
		last = river[len(river)-1].Version
	}
	return fmt.Sprintf("r%d-%s", last, hex.EncodeToString(h.Sum(nil))[:24])
}

// hashFields writes each exported field of struct t (descending into
// embedded structs, which gorm flattens into the table) with its type and
// tag.
func hashFields(w interface{ Write([]byte) (int, error) }, t reflect.Type, prefix string) {
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		fmt.Fprintf(w, "  %s%s %s %q\n", prefix, f.Name, f.Type, f.Tag)
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct && (f.Anonymous || strings.Contains(f.Tag.Get("gorm"), "embedded")) {
			hashFields(w, ft, prefix+f.Name+".")
		}
	}
}

// migrate brings the schema to db.version unless the database already
// records it (or force). On PostgreSQL it holds a session advisory lock
// keyed by the schema while it migrates, so instances starting together
// migrate once, one after the other: the next one finds the version
// recorded and does nothing. The models' migration runs in one
// transaction (on SQLite an immediate one, which takes the database's
// write lock); River's migrations run in their own transactions, as River
// requires. The version is recorded last, so a migration that failed half
// way is run again by the next Open. onMigrate, when set, is called after
// a migration completed.
func (db *DB) migrate(ctx context.Context, force bool, onMigrate func(version string)) error {
	if err := db.sql.PingContext(ctx); err != nil {
		return fmt.Errorf("store: open: %w: %w", ErrUnavailable, err)
	}
	m, err := rivermigrate.New(db.driver, nil)
	if err != nil {
		return fmt.Errorf("store: job migrations: %w", err)
	}
	db.version = schemaVersion(models(), schemaRevision, m.AllVersions())
	if !force {
		if ok, _ := db.schemaRecorded(ctx); ok { // an error (no table yet) means: migrate
			return nil
		}
	}
	unlock, err := db.migrationLock(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	if err := db.gorm.WithContext(ctx).Exec("CREATE TABLE IF NOT EXISTS " + schemaTable +
		" (version varchar(64) PRIMARY KEY, migrated_at timestamp NOT NULL)").Error; err != nil {
		return wrap("migrate: "+schemaTable, err)
	}
	if !force {
		ok, err := db.schemaRecorded(ctx)
		if err != nil {
			return err
		}
		if ok { // another instance migrated while we waited for the lock
			return nil
		}
	}
	err = db.gorm.WithContext(ctx).Transaction(func(g *gorm.DB) error {
		tx := *db
		tx.gorm = g
		if err := g.AutoMigrate(models()...); err != nil {
			return fmt.Errorf("store: migrate: %w", err)
		}
		return tx.migrateScheduleIndexes(ctx) // hand-written steps: keep schemaRevision in step
	})
	if err != nil {
		return wrap("migrate", err)
	}
	if err := db.migrateSearch(ctx); err != nil { // its own transaction (backfill)
		return err
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return wrap("job migrations", err)
	}
	err = db.gorm.WithContext(ctx).Exec("INSERT INTO "+schemaTable+" (version, migrated_at) VALUES (?, ?) "+
		"ON CONFLICT (version) DO UPDATE SET migrated_at = excluded.migrated_at", db.version, db.now().UTC()).Error
	if err != nil {
		return wrap("migrate: record version", err)
	}
	if onMigrate != nil {
		onMigrate(db.version)
	}
	return nil
}

// schemaRecorded reports whether the database records db.version.
func (db *DB) schemaRecorded(ctx context.Context) (bool, error) {
	var n int64
	err := db.gorm.WithContext(ctx).Raw("SELECT count(*) FROM "+schemaTable+" WHERE version = ?", db.version).Scan(&n).Error
	if err != nil {
		return false, wrap("migrate: read version", err)
	}
	return n > 0, nil
}

// migrationLock takes PostgreSQL's session advisory lock for migrating
// this schema on a connection of its own, and returns the function that
// releases it. On SQLite it does nothing: a process has one connection,
// and the models' migration runs in an immediate transaction.
func (db *DB) migrationLock(ctx context.Context) (func(), error) {
	if !db.postgres {
		return func() {}, nil
	}
	const key = "hashtext('tidings.migrate.' || coalesce(current_schema(), ''))"
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return nil, wrap("migrate: lock", err)
	}
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock("+key+")"); err != nil {
		conn.Raw(func(any) error { return driver.ErrBadConn }) // drop it: the lock may be pending
		conn.Close()
		return nil, wrap("migrate: lock", err)
	}
	return func() {
		if _, err := conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock("+key+")"); err != nil {
			conn.Raw(func(any) error { return driver.ErrBadConn }) // closing the session releases the lock
		}
		conn.Close()
	}, nil
}
