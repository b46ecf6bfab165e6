package inbound

import "github.com/tidings-app/tidings/store"

// Proof of the sender. Every path that changes something on a sender's
// word asks one of these two questions; see docs/security.md.

// requireDMARC returns the reason to quarantine a message when
// Options.RequireDMARC is set and DMARC did not pass; "" otherwise.
func (j *job) requireDMARC() string {
	if j.p.opts.RequireDMARC && !j.auth.dmarcPass() {
		return "DMARC did not pass: " + j.auth.DMARC
	}
	return ""
}

// tokenProof decides whether a message from the member's address that
// came with a valid reply token (or prompt reference) is believed. It
// returns the proof to record (store.ProofDMARC or store.ProofToken) or,
// when it is not believed, the reason to quarantine it: DMARC is
// required, or tokens do not count as proof (Options.DistrustTokens) and
// DMARC did not pass.
func (j *job) tokenProof() (proof, refusal string) {
	if j.auth.dmarcPass() {
		return store.ProofDMARC, ""
	}
	if r := j.requireDMARC(); r != "" {
		return "", r
	}
	if j.p.opts.DistrustTokens {
		return "", "DMARC did not pass (" + j.auth.DMARC + ") and auth.token_is_proof is false"
	}
	return store.ProofToken, ""
}
