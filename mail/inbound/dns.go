package inbound

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"time"
)

// txtResolver answers TXT lookups for DKIM keys and DMARC policies with a
// deadline per lookup and a small cache, so a slow or unreachable DNS server
// delays processing by at most the deadline, and a burst of mail from one
// domain costs one lookup.
type txtResolver struct {
	lookup  func(ctx context.Context, name string) ([]string, error)
	timeout time.Duration
	ttl     time.Duration
	max     int
	now     func() time.Time

	mu    sync.Mutex
	cache map[string]txtEntry
}

type txtEntry struct {
	txt []string
	err error
	at  time.Time
	ttl time.Duration
}

// Defaults for the resolver behind Options.LookupTXT.
const (
	dnsTimeout  = 3 * time.Second
	dnsCacheTTL = 5 * time.Minute
	dnsTempTTL  = 30 * time.Second
	dnsCacheMax = 4096
)

func newTXTResolver(now func() time.Time) *txtResolver {
	return &txtResolver{
		lookup: net.DefaultResolver.LookupTXT, timeout: dnsTimeout, ttl: dnsCacheTTL,
		max: dnsCacheMax, now: now, cache: map[string]txtEntry{},
	}
}

// DNS settings for NewLookupTXT (auth.dns).
const (
	DNSSystem = "system" // the host's resolver (/etc/resolv.conf)
	DNSOff    = "off"    // no lookups: DKIM and own DMARC are "none (dns off)"
)

// NewLookupTXT returns the TXT lookup for Options.LookupTXT that setting
// names: DNSSystem, DNSOff (nil: no lookups at all), or "HOST:PORT", a DNS
// server asked directly (UDP, TCP when the answer is truncated) instead
// of the host's resolver. Each lookup has timeout as its deadline (0: 3 s)
// and answers are cached (5 minutes; failures 30 s). It fails on any
// other setting.
func NewLookupTXT(setting string, timeout time.Duration, now func() time.Time) (func(string) ([]string, error), error) {
	if now == nil {
		now = time.Now
	}
	r := newTXTResolver(now)
	if timeout > 0 {
		r.timeout = timeout
	}
	switch setting {
	case DNSOff:
		return nil, nil
	case DNSSystem, "":
		return r.LookupTXT, nil
	}
	host, port, err := net.SplitHostPort(setting)
	if n, perr := strconv.Atoi(port); err != nil || host == "" || perr != nil || n < 1 || n > 65535 {
		return nil, fmt.Errorf("inbound: dns: %q is not system, off or HOST:PORT", setting)
	}
	server := net.JoinHostPort(host, port)
	res := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, server)
	}}
	r.lookup = res.LookupTXT
	return r.LookupTXT, nil
}

// LookupTXT returns the TXT records of name. Answers, including "no such
// name", are cached for the TTL; timeouts and other temporary errors for
// tempTTL only, so a DNS outage costs one deadline per name and half
// minute, not one per message.
func (r *txtResolver) LookupTXT(name string) ([]string, error) {
	now := r.now()
	r.mu.Lock()
	e, ok := r.cache[name]
	r.mu.Unlock()
	if ok && now.Sub(e.at) < e.ttl {
		return e.txt, e.err
	}
	ctx, cancel := context.WithTimeout(context.Background(), r.timeout)
	defer cancel()
	txt, err := r.lookup(ctx, name)
	ttl := r.ttl
	var dnsErr *net.DNSError
	if err != nil && (!errors.As(err, &dnsErr) || dnsErr.Temporary() || dnsErr.IsTimeout) {
		ttl = dnsTempTTL
	}
	r.mu.Lock()
	if len(r.cache) >= r.max {
		clear(r.cache) // crude but bounded; a full cache is rare
	}
	r.cache[name] = txtEntry{txt: txt, err: err, at: now, ttl: ttl}
	r.mu.Unlock()
	return txt, err
}
