package store

import (
	"regexp"
	"strings"
)

// Redaction of credentials in anything printed: logs, errors, CLI output.
// It lives in store because store is the package every other one may
// import; it has nothing to do with the database itself.

// Redacted replaces a hidden credential.
const Redacted = "xxxxx"

var (
	// reURLCred finds "scheme://user:password@" without parsing the URL:
	// the password runs to the last "@" of the same whitespace-free run,
	// so "#", "/", "?" or "@" in it, a bad port or trailing junk do not
	// matter.
	reURLCred = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.\-]*://[^\s:/@'"]*):[^\s]*@`)
	// reKVPass finds password=... in key/value connection strings
	// (libpq: "host=h user=u password=secret"), quoted or not.
	reKVPass = regexp.MustCompile(`(?i)\b(password|passwd|pwd|pass)\s*=\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^\s&;'"]+)`)
)

// Redact returns s with every credential it can recognise replaced by
// Redacted: the password of each "scheme://user:password@host" in it,
// found without parsing (strings that are not valid URLs, such as
// postgres://u:pa#ss@h/db or smtp://u:p@h:99999, are covered), and
// password=VALUE pairs. The rest of s is unchanged.
func Redact(s string) string {
	s = reURLCred.ReplaceAllString(s, "${1}:"+Redacted+"@")
	return reKVPass.ReplaceAllString(s, "${1}="+Redacted)
}

// Redactor hides Redact's patterns plus known secret values (configured
// passwords, the token secret) wherever they appear, in any form a
// library may echo them. The zero value hides the patterns only. It is
// safe for concurrent use once built.
type Redactor struct {
	secrets []string
}

// NewRedactor returns a Redactor hiding secrets (passwords, keys: pass a
// connection string through URLPassword first). Secrets shorter than 4
// bytes are ignored: hiding them would mangle ordinary text.
func NewRedactor(secrets ...string) *Redactor {
	r := &Redactor{}
	for _, s := range secrets {
		if len(s) >= 4 {
			r.secrets = append(r.secrets, s)
		}
	}
	return r
}

// String returns s with the known secrets and every recognised credential
// hidden.
func (r *Redactor) String(s string) string {
	if r != nil {
		for _, sec := range r.secrets {
			s = strings.ReplaceAll(s, sec, Redacted)
		}
	}
	return Redact(s)
}

// Error returns err with its text redacted; errors.Is and errors.As still
// see the original chain. A nil err stays nil.
func (r *Redactor) Error(err error) error {
	if err == nil {
		return nil
	}
	return &redactedError{err: err, r: r}
}

type redactedError struct {
	err error
	r   *Redactor
}

func (e *redactedError) Error() string { return e.r.String(e.err.Error()) }
func (e *redactedError) Unwrap() error { return e.err }

// URLPassword returns the password of a "scheme://user:password@host..."
// string without parsing it as a URL (so a "#" or a bad port does not
// hide it), or the value of a password= pair, or "".
func URLPassword(s string) string {
	if _, rest, ok := strings.Cut(s, "://"); ok {
		at := strings.LastIndexByte(rest, '@')
		if at < 0 {
			return ""
		}
		_, pass, ok := strings.Cut(rest[:at], ":")
		if !ok {
			return ""
		}
		return pass
	}
	if m := reKVPass.FindStringSubmatch(s); m != nil {
		return strings.Trim(m[2], `'"`)
	}
	return ""
}
