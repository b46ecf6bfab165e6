package main

import (
	"github.com/tidings-app/tidings/digest"
	"github.com/tidings-app/tidings/store"
)

// digestInForce says which digest a member gets from a team whose
// schedule is spec, given their own digest setting pref (daily, weekly or
// empty; "off" is handled by the caller), the way the digest scheduler
// applies it (digest.MemberSchedule). ok is false when the team has no
// digest.
func digestInForce(spec, pref string) (string, bool) {
	if spec == "" {
		return "no digest scheduled", false
	}
	sched, err := store.ParseSchedule(spec)
	if err != nil {
		return "digest schedule " + spec + " does not parse: none sent", false
	}
	extra, ok := digest.MemberSchedule(sched, pref)
	switch {
	case ok && pref == store.DigestDaily:
		return "gets digests: weekly (" + spec + ") and daily on the other days (" +
			extra.String() + ", member setting)", true
	case ok:
		return "gets digests: weekly summary (" + extra.String() +
			", member setting) instead of the team's " + spec, true
	case pref != "":
		return "gets digests (" + spec + "; the member's " + pref + " is the team's)", true
	}
	return "gets digests (" + spec + ")", true
}
