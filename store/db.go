package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Sentinel errors returned (wrapped) by DB methods; match with errors.Is.
var (
	// ErrNotFound means the requested row does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict means a unique constraint refused the write: the row
	// (prompt for a period, digest for a period, message) already exists.
	ErrConflict = errors.New("already exists")
	// ErrUnavailable means the database could not be reached or did not
	// answer in time; callers should retry later (SMTP 451, EX_TEMPFAIL).
	ErrUnavailable = errors.New("database unavailable")
)

// DB is a handle on the Tidings database. Its methods are safe for
// concurrent use. Inside InTx, the DB passed to the callback runs every
// method in that transaction.
type DB struct {
	gorm     *gorm.DB
	sql      *sql.DB
	postgres bool
	driver   riverdriver.Driver[*sql.Tx]
	jobs     *river.Client[*sql.Tx] // insert-only client
	listen   *pgxpool.Pool          // PostgreSQL: connections for River's LISTEN
	now      func() time.Time
	version  string // the schema version this binary migrates to (schemaversion.go)
	// searchForce, when set, is the plan of every search (tests).
	searchForce *searchForce
}

// Options tunes Open; the zero value is fine.
type Options struct {
	// Now is the clock used for timestamps set by the store (default time.Now).
	Now func() time.Time
	// MaxOpenConns caps PostgreSQL connections (default 20, at least 2). SQLite always
	// uses one connection, as River recommends.
	MaxOpenConns int
	// OnQuery, when set, is called after each statement the store runs
	// through gorm with the statement's SQL, its arguments inlined (for
	// tests that EXPLAIN what the code runs; see query_hook.go).
	OnQuery func(sql string)
	// ForceMigrate runs the migrations even when the database records this
	// binary's schema version (`tidings migrate`). Without it, Open
	// migrates only a database that does not record SchemaVersion.
	ForceMigrate bool
	// OnMigrate, when set, is called with the schema version after Open
	// ran (and committed) the migrations; tests count migrations with it.
	OnMigrate func(version string)
}

// Open connects to the database named by dsn and migrates it, River's
// tables included, unless it records this binary's schema version
// (SchemaVersion): then it runs no migration. Instances opening one
// database at once migrate it once. A dsn starting with postgres:// or
// postgresql:// opens PostgreSQL; anything else is the path of an SQLite file, created if
// missing. An unreachable database gives an error wrapping ErrUnavailable.
// The error's text never holds dsn's password, even when a driver echoes
// the connection string.
func Open(ctx context.Context, dsn string, opts Options) (*DB, error) {
	db, err := open(ctx, dsn, opts)
	if err != nil {
		return nil, NewRedactor(URLPassword(dsn)).Error(err)
	}
	return db, nil
}

func open(ctx context.Context, dsn string, opts Options) (*DB, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	db := &DB{now: opts.Now, postgres: IsPostgres(dsn)}
	// SkipDefaultTransaction: gorm would wrap every single write in
	// BEGIN … COMMIT (three round trips for one statement). No model has
	// hooks or associations that make one call several statements, and
	// everything that must be atomic across statements runs in InTx.
	cfg := &gorm.Config{Logger: logger.Discard, TranslateError: true, SkipDefaultTransaction: true,
		NowFunc: func() time.Time { return opts.Now().UTC() }}
	var err error
	if db.postgres {
		db.gorm, err = gorm.Open(postgres.Open(dsn), cfg)
	} else {
		db.gorm, err = gorm.Open(sqlite.Open(sqliteDSN(dsn)), cfg)
	}
	if err != nil {
		return nil, fmt.Errorf("store: open: %w: %w", ErrUnavailable, err)
	}
	if db.sql, err = db.gorm.DB(); err != nil {
		return nil, fmt.Errorf("store: open: %w", err)
	}
	if opts.OnQuery != nil {
		if err := hookQueries(db.gorm, opts.OnQuery); err != nil {
			return nil, err
		}
	}
	if db.postgres {
		n := opts.MaxOpenConns
		if n <= 0 {
			n = 20
		}
		n = max(n, 2) // migrate holds one for its lock while it migrates on another
		db.sql.SetMaxOpenConns(n)
		db.sql.SetMaxIdleConns(n)
		if db.listen, err = listenerPool(ctx, dsn); err != nil {
			db.sql.Close()
			return nil, err
		}
		db.driver = riverdatabasesql.NewWithPgxListener(db.sql, db.listen)
	} else {
		db.sql.SetMaxOpenConns(1)
		db.driver = riversqlite.New(db.sql)
	}
	if err := db.migrate(ctx, opts.ForceMigrate, opts.OnMigrate); err != nil {
		db.Close()
		return nil, err
	}
	if db.jobs, err = river.NewClient(db.driver, &river.Config{}); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: job client: %w", err)
	}
	return db, nil
}

// listenerPool is the pgx pool River's notifier takes its LISTEN
// connection from (one per running client, held for the client's life), so
// job workers are woken by NOTIFY on insert instead of polling. Every other
// statement, jobs' inserts included, goes through database/sql and gorm,
// so a row and its job still commit in one transaction. No connection is
// opened until a worker client starts.
func listenerPool(ctx context.Context, dsn string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open: listener pool: %w", err)
	}
	cfg.MinConns = 0
	cfg.MaxConns = 2
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("store: open: listener pool: %w: %w", ErrUnavailable, err)
	}
	return pool, nil
}

// IsPostgres reports whether dsn names a PostgreSQL database.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// sqliteDSN adds the pragmas Tidings needs to a file path: WAL so readers
// (CLI commands) work while serve writes, a busy timeout instead of
// immediate SQLITE_BUSY, and foreign keys.
func sqliteDSN(path string) string {
	if strings.Contains(path, "?") {
		return path
	}
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "cache_size(-32768)") // 32 MiB: batches of messages fit
	q.Add("_txlock", "immediate")
	return path + "?" + q.Encode()
}

// Close closes the database. Call it last, after workers have stopped.
func (db *DB) Close() error {
	if db.listen != nil {
		db.listen.Close()
	}
	if err := db.sql.Close(); err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}

// Ping checks that the database answers; the error wraps ErrUnavailable.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.sql.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping: %w: %w", ErrUnavailable, err)
	}
	return nil
}

// Postgres reports whether this is a PostgreSQL database.
func (db *DB) Postgres() bool { return db.postgres }

// Now is the store's clock.
func (db *DB) Now() time.Time { return db.now() }

// JobDriver is the River driver on this database, for the process that runs
// job workers (river.NewClient with this driver and its Workers).
func (db *DB) JobDriver() riverdriver.Driver[*sql.Tx] { return db.driver }

// InTx runs fn in one transaction: every method of the DB given to fn, and
// every job it enqueues, commits or rolls back together. fn must not use the
// outer DB (SQLite has a single connection: that would deadlock). opts, when
// given, set the isolation level and read-only mode.
func (db *DB) InTx(ctx context.Context, fn func(tx *DB) error, opts ...*sql.TxOptions) error {
	err := db.gorm.WithContext(ctx).Transaction(func(g *gorm.DB) error {
		tx := *db
		tx.gorm = g
		return fn(&tx)
	}, opts...)
	return wrap("transaction", err)
}

// Enqueue inserts a River job. Inside InTx it is part of the transaction;
// otherwise it commits on its own. A unique job that already exists is not
// inserted again and is not an error.
func (db *DB) Enqueue(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error {
	var err error
	if tx, ok := db.gorm.Statement.ConnPool.(*sql.Tx); ok {
		_, err = db.jobs.InsertTx(ctx, tx, args, opts)
	} else {
		_, err = db.jobs.Insert(ctx, args, opts)
	}
	return wrap("enqueue "+args.Kind(), err)
}

// EnqueueMany inserts several jobs at once (see Enqueue).
func (db *DB) EnqueueMany(ctx context.Context, params []river.InsertManyParams) error {
	if len(params) == 0 {
		return nil
	}
	var err error
	if tx, ok := db.gorm.Statement.ConnPool.(*sql.Tx); ok {
		_, err = db.jobs.InsertManyTx(ctx, tx, params)
	} else {
		_, err = db.jobs.InsertMany(ctx, params)
	}
	return wrap("enqueue jobs", err)
}

// wrap turns gorm and driver errors into the package's sentinels, with an
// operation prefix.
func wrap(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrNotFound), errors.Is(err, ErrConflict), errors.Is(err, ErrUnavailable):
		return fmt.Errorf("store: %s: %w", op, err)
	case errors.Is(err, gorm.ErrRecordNotFound):
		return fmt.Errorf("store: %s: %w", op, ErrNotFound)
	case errors.Is(err, gorm.ErrDuplicatedKey), isUniqueViolation(err):
		return fmt.Errorf("store: %s: %w: %w", op, ErrConflict, err)
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled), isConnError(err):
		return fmt.Errorf("store: %s: %w: %w", op, ErrUnavailable, err)
	}
	return fmt.Errorf("store: %s: %w", op, err)
}

// isUniqueViolation recognises unique-constraint errors that gorm's
// TranslateError does not map (SQLite through glebarez).
func isUniqueViolation(err error) bool {
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "SQLSTATE 23505")
}

// isConnError recognises a database that is down or unreachable.
func isConnError(err error) bool {
	if errors.Is(err, sql.ErrConnDone) || errors.Is(err, riverdriver.ErrClosedPool) {
		return true
	}
	s := err.Error()
	for _, m := range []string{"connection refused", "failed to connect", "broken pipe", "connection reset",
		"database is locked", "SQLSTATE 57P", "sql: database is closed", "conn closed", "i/o timeout", "unexpected EOF"} {
		if strings.Contains(s, m) {
			return true
		}
	}
	return false
}
