// Package store owns Tidings' domain types and their persistence.
//
// It speaks gorm to either the embedded SQLite database (any DSN that is not
// a postgres:// URL names a file) or PostgreSQL, runs the schema migrations
// and River's job-queue migrations in Open (only when the database does not
// record this binary's schema version; see DB.SchemaVersion), and exposes
// ctx-first query methods on DB. No gorm type appears in an exported
// signature; not-found and conflict conditions come back as ErrNotFound and
// ErrConflict.
//
// Jobs (processing an inbound message, delivering an outbound one, sending a
// digest) are River jobs in the same database, so a row and the job that acts
// on it are committed in one transaction (see DB.InTx and DB.Enqueue).
//
// store imports no other Tidings package.
package store
