// Package outbound composes and delivers Tidings' mail: the generic
// Composer (headers, threading, multipart/alternative, DKIM), the
// Deliverer (a pool of go-mail connections to the relay, or .eml files in
// an outbox directory, with retries and suppression), the Prompter that
// turns check-in schedules into prompts, reminders and welcome mail, the
// River workers that drive them, and the one-click unsubscribe handler.
//
// Every attempt and outcome is recorded: successes on the message row
// (status sent, sent_at, attempts, envelope sender), each failed attempt
// as a store.DeliveryAttempt row, plus the message's status, attempts and
// last error. A message is stored before it is sent and is sent by
// whoever holds its claim: a DeliverArgs job (serve), Flush, or
// SendAndDeliver, which stores the prompts it schedules already claimed
// and hands them to its deliverer in memory; a claim whose holder died
// lapses and the message is requeued.
//
// It imports store, templates and mail; never digest or the other mail
// sub-packages.
package outbound
