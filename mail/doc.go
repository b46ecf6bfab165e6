// Package mail owns what Tidings' inbound and outbound sides share: the
// addresses it hands out and accepts (reply+TOKEN, bounces+TOKEN, the
// meetings ingest addresses, postmaster, and the From address of outbound
// mail such as checkins@) and the signed tokens inside them, including the
// prompt references in Message-ID and References (Addresses.ThreadIDs) that
// lead a reply sent to the From address to its prompt.
//
// The sub-packages do the rest: mail/reply understands a received message
// (pure), mail/outbound composes and delivers messages and schedules
// prompts, mail/inbound is the SMTP receiver and the job that applies what
// it received, mail/meeting files forwarded meeting summaries, and
// mail/mailtest is an SMTP sink for tests.
//
// mail imports store and templates only, never digest.
package mail
