// Package mailtest provides an SMTP sink for tests: a real go-smtp server on
// 127.0.0.1:0 that records what it accepts and can be told to refuse
// recipients or messages with temporary (4xx) or permanent (5xx) replies.
//
// It imports nothing of ours, so any package's tests may use it.
package mailtest
