// Package okr owns key-result check-ins: it prompts each key-result owner
// of a team with a `kind: okr` check-in for their key results (last value,
// target, expected value today), exactly once per owner and period, and
// files their replies — read by reply.ParseOKR — as key-result values,
// answering each reply in its thread with what was recorded and what was
// not.
package okr
