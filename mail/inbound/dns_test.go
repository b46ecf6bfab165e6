package inbound

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"
)

func TestTXTResolverCaches(t *testing.T) {
	clock := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	r := newTXTResolver(func() time.Time { return clock })
	calls := map[string]int{}
	r.lookup = func(ctx context.Context, name string) ([]string, error) {
		calls[name]++
		if _, ok := ctx.Deadline(); !ok {
			t.Error("lookup without a deadline")
		}
		switch name {
		case "_dmarc.example.com":
			return []string{"v=DMARC1; p=none"}, nil
		case "_dmarc.nowhere.example":
			return nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
		}
		return nil, &net.DNSError{Err: "i/o timeout", Name: name, IsTimeout: true}
	}
	for range 3 {
		if txt, err := r.LookupTXT("_dmarc.example.com"); err != nil || len(txt) != 1 {
			t.Fatalf("LookupTXT = %v, %v", txt, err)
		}
		var dnsErr *net.DNSError
		if _, err := r.LookupTXT("_dmarc.nowhere.example"); !errors.As(err, &dnsErr) || !dnsErr.IsNotFound {
			t.Fatalf("not found: %v", err)
		}
		if _, err := r.LookupTXT("_dmarc.slow.example"); err == nil {
			t.Fatal("timeout not reported")
		}
	}
	if calls["_dmarc.example.com"] != 1 || calls["_dmarc.nowhere.example"] != 1 || calls["_dmarc.slow.example"] != 1 {
		t.Errorf("calls = %v: every answer is cached", calls)
	}
	clock = clock.Add(dnsTempTTL + time.Second)
	r.LookupTXT("_dmarc.example.com")
	r.LookupTXT("_dmarc.slow.example")
	if calls["_dmarc.example.com"] != 1 || calls["_dmarc.slow.example"] != 2 {
		t.Errorf("after %s a timeout is retried, an answer is not: %v", dnsTempTTL, calls)
	}
	clock = clock.Add(dnsCacheTTL)
	r.LookupTXT("_dmarc.example.com")
	if calls["_dmarc.example.com"] != 2 {
		t.Errorf("expired entry not looked up again: %v", calls)
	}
}
