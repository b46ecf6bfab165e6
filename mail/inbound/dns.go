package inbound

import (
	"context"
	"errors"
	"net"
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
