// Package meeting files meeting summaries sent or forwarded to the ingest
// addresses (meetings@ and meetings+TEAM@), structures them into decisions
// and action items with owners and due dates, answers the forwarder with a
// confirmation in the same thread (or asks which team), applies
// corrections sent in reply, and closes action items named in "done:"
// replies to prompts.
//
// It is called by mail/inbound's process job through Filer (FileMeeting,
// ApplyCommands) inside the job's store transaction, and queues its
// messages through a Mailer the caller supplies. It imports store,
// templates, mail and mail/reply; never mail/inbound, mail/outbound or
// digest.
package meeting
