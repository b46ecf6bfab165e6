// Package reply understands replies to Tidings prompts and mail sent to an
// ingest address.
//
// It owns everything between the raw RFC 5322 bytes and a structured
// Message: MIME decoding (nested multiparts, charsets, transfer encodings,
// format=flowed, attached message/rfc822 parts), HTML quote removal (the
// cut history is still searched for forwards, and kept as "> " lines when
// the member answered between quoted questions),
// trimming of quoted history, attribution lines, forwarded header blocks,
// signatures (with or without a "-- " line), sign-offs, greetings,
// external-sender banners, mobile footers and disclaimers (reported in
// Message.Removed), splitting the new text into answers to a check-in's
// questions by headings or, in prose, by cue words per language (cues.go;
// guesses are reported in Message.Unsure), commands ("skip", "ooo until Dec 3",
// "done: rollout doc"), classification (reply, auto-reply, bounce, forward,
// meeting summary, command, empty), delivery status notifications and
// meeting notes (decisions and action items).
//
// The package is pure: it touches no store, no network and no clock other
// than Options.Now, keeps no package-level mutable state and imports nothing
// of ours. It never logs; problems that do not stop parsing come back as
// Message.Warnings. Work per message is capped (see the limits in limits.go)
// so that a 25 MiB message is parsed in bounded time and memory.
package reply
