// Package digest builds, renders and sends each team's periodic summary.
//
// Build is pure: it turns a store.DigestData (loaded by store.DB.LoadDigest
// in a fixed number of queries) and a Period into a Digest view model.
// Render turns a Digest into a subject, a plain-text body and an HTML body
// through a templates.Set, for one recipient. Service.Send claims the
// team's period in the store, builds, renders and hands one Message per
// recipient to a Sender, which digest declares itself; Scheduler finds the
// digests that are due and enqueues them as River jobs.
//
// digest imports store and templates only; it never imports mail/...
// (cmd/tidings adapts the outbound queue to Sender).
package digest
