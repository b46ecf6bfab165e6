package inbound

import (
	"bytes"
	"errors"
	"strings"

	"github.com/emersion/go-msgauth/authres"
	"github.com/emersion/go-msgauth/dkim"
	"github.com/emersion/go-msgauth/dmarc"
	"golang.org/x/net/publicsuffix"
)

// authResults are the sender-authentication verdicts recorded on an
// inbound message: "pass", "fail", "none", "temperror", "permerror", ...,
// optionally followed by detail in parentheses.
type authResults struct {
	SPF, DKIM, DMARC string
}

func (a authResults) dmarcPass() bool { return strings.HasPrefix(a.DMARC, "pass") }

// maxDKIMSignatures bounds the work a message can ask of the verifier.
const maxDKIMSignatures = 5

// authenticate evaluates the message from fromDomain (the From header's
// domain). DKIM is verified here. SPF and DMARC come from the
// Authentication-Results header of Options.TrustedAuthServID when there is
// one; otherwise SPF is "none (not checked)" and DMARC is evaluated here on
// DKIM alone: an aligned, valid signature passes; without one the result
// is "fail" when the domain publishes a DMARC policy and "none" when not.
func (p *Processor) authenticate(raw []byte, fromDomain string) authResults {
	res := authResults{SPF: "none (not checked)"}
	verifs, dkimDomains := p.verifyDKIM(raw)
	res.DKIM = verifs
	if spf, dm, ok := p.trustedResults(raw); ok {
		res.SPF, res.DMARC = spf, dm
		return res
	}
	res.DMARC = p.ownDMARC(fromDomain, dkimDomains)
	return res
}

// dnsOff is the verdict of checks that need DNS when there is none.
const dnsOff = "none (dns off)"

// verifyDKIM returns the DKIM verdict and the domains of valid signatures.
func (p *Processor) verifyDKIM(raw []byte) (string, []string) {
	if p.opts.LookupTXT == nil {
		return dnsOff, nil
	}
	verifs, err := dkim.VerifyWithOptions(bytes.NewReader(raw),
		&dkim.VerifyOptions{LookupTXT: p.opts.LookupTXT, MaxVerifications: maxDKIMSignatures})
	if err != nil && !errors.Is(err, dkim.ErrTooManySignatures) {
		return "permerror (unreadable header)", nil
	}
	if len(verifs) == 0 {
		return "none", nil
	}
	var pass []string
	verdict := "fail"
	for _, v := range verifs {
		switch {
		case v.Err == nil:
			pass = append(pass, strings.ToLower(v.Domain))
		case dkim.IsTempFail(v.Err) && verdict == "fail":
			verdict = "temperror"
		}
	}
	if len(pass) > 0 {
		return "pass (d=" + strings.Join(pass, ",") + ")", pass
	}
	return verdict + " (d=" + verifs[0].Domain + ")", nil
}

// trustedResults reads SPF and DMARC from the first Authentication-Results
// field whose authserv-id is the trusted one. The trusted MTA is expected
// to remove such fields coming from outside (RFC 8601 section 5).
func (p *Processor) trustedResults(raw []byte) (spf, dm string, ok bool) {
	id := p.opts.TrustedAuthServID
	if id == "" {
		return "", "", false
	}
	h, err := readHeader(raw)
	if err != nil {
		return "", "", false
	}
	for _, v := range h.Values("Authentication-Results") {
		servID, results, err := authres.Parse(v)
		if err != nil || !strings.EqualFold(servID, id) {
			continue
		}
		spf, dm = "none", "none"
		for _, r := range results {
			switch r := r.(type) {
			case *authres.SPFResult:
				spf = string(r.Value)
			case *authres.DMARCResult:
				dm = string(r.Value)
			}
		}
		return spf + " (" + id + ")", dm + " (" + id + ")", true
	}
	return "", "", false
}

// ownDMARC evaluates DMARC with DKIM alignment only (RFC 7489 3.1.1,
// relaxed unless the policy says adkim=s).
func (p *Processor) ownDMARC(fromDomain string, dkimDomains []string) string {
	if fromDomain == "" {
		return "none (no From domain)"
	}
	if p.opts.LookupTXT == nil {
		return dnsOff
	}
	rec, err := dmarc.LookupWithOptions(fromDomain, &dmarc.LookupOptions{LookupTXT: p.opts.LookupTXT})
	switch {
	case errors.Is(err, dmarc.ErrNoPolicy):
		rec = nil
	case dmarc.IsTempFail(err):
		return "temperror (policy lookup)"
	case err != nil:
		return "permerror (policy unreadable)"
	}
	strict := rec != nil && rec.DKIMAlignment == dmarc.AlignmentStrict
	for _, d := range dkimDomains {
		if aligned(fromDomain, d, strict) {
			return "pass (dkim d=" + d + ")"
		}
	}
	if rec == nil {
		return "none (no policy)"
	}
	return "fail (no aligned signature)"
}

func aligned(from, d string, strict bool) bool {
	from, d = strings.ToLower(from), strings.ToLower(d)
	if from == d {
		return true
	}
	if strict {
		return false
	}
	a, err1 := publicsuffix.EffectiveTLDPlusOne(from)
	b, err2 := publicsuffix.EffectiveTLDPlusOne(d)
	return err1 == nil && err2 == nil && a == b
}
