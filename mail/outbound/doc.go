// Package outbound composes and delivers Tidings' mail: the generic
// Composer (headers, threading, multipart/alternative, DKIM), the
// Deliverer (a pool of go-mail connections to the relay, or .eml files in
// an outbox directory, with retries and suppression), the Prompter that
// turns check-in schedules into prompts, reminders and welcome mail, the
// River workers that drive them, and the one-click unsubscribe handler.
//
// It imports store, templates and mail; never digest or the other mail
// sub-packages.
package outbound
