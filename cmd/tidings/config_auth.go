package main

import (
	"time"

	"github.com/tidings-app/tidings/mail/inbound"
)

// AuthConfig is how Tidings decides who sent a message (server.auth); see
// docs/security.md.
type AuthConfig struct {
	// TrustedAuthServID honours Authentication-Results from this MTA (it
	// must strip such fields arriving from outside).
	TrustedAuthServID string `yaml:"trusted_authserv_id"`
	// RequireDMARC quarantines every message that would change something
	// unless DMARC passed for its From domain (bounces excepted).
	RequireDMARC bool `yaml:"require_dmarc"`
	// TokenIsProof (default true) applies a reply carrying a valid reply
	// token from the member's address even when DMARC did not pass; the
	// update is marked proof "token".
	TokenIsProof bool `yaml:"token_is_proof"`
	// DNS is where DKIM keys and DMARC policies are looked up: "system"
	// (default), "off", or "HOST:PORT" of a DNS server.
	DNS string `yaml:"dns"`
	// DNSTimeout bounds one lookup (default 3s); answers are cached.
	DNSTimeout Duration `yaml:"dns_timeout"`
}

func defaultAuth() AuthConfig {
	return AuthConfig{TokenIsProof: true, DNS: inbound.DNSSystem, DNSTimeout: Duration(3 * time.Second)}
}

// validateAuth checks server.auth.dns and its timeout.
func (c *Config) validateAuth() error {
	a := c.Server.Auth
	if _, err := inbound.NewLookupTXT(a.DNS, time.Duration(a.DNSTimeout), nil); err != nil {
		return c.errAt("auth.dns %q must be system, off or HOST:PORT of a DNS server", []any{"server", "auth", "dns"}, a.DNS)
	}
	if a.DNSTimeout <= 0 {
		return c.errAt("auth.dns_timeout must be positive", []any{"server", "auth", "dns_timeout"})
	}
	return nil
}

// lookupTXT is the DKIM/DMARC resolver server.auth.dns names (nil: off).
func (c *Config) lookupTXT(now func() time.Time) func(string) ([]string, error) {
	f, err := inbound.NewLookupTXT(c.Server.Auth.DNS, time.Duration(c.Server.Auth.DNSTimeout), now)
	if err != nil {
		return nil // validated at load: not reached
	}
	return f
}
