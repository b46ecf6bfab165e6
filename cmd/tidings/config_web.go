package main

import (
	"fmt"
	"net/netip"
	"strings"
)

// trustedProxies parses server.trusted_proxies: the addresses or prefixes
// ("10.0.0.5", "10.0.0.0/29") of reverse proxies in front of the web
// archive (TIDINGS_TRUSTED_PROXIES: comma-separated). Only a request arriving from one of them has its
// X-Forwarded-For believed for the per-client sign-in limit.
func (s *ServerConfig) trustedProxies() ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, p := range s.TrustedProxies {
		p = strings.TrimSpace(p)
		if pre, err := netip.ParsePrefix(p); err == nil {
			if a := pre.Addr(); a.Is4In6() {
				// Clients are compared unmapped (::ffff:10.0.0.5 is 10.0.0.5).
				if pre.Bits() < 96 {
					return nil, fmt.Errorf("trusted_proxies: %q mixes IPv6 and IPv4-mapped addresses", p)
				}
				pre = netip.PrefixFrom(a.Unmap(), pre.Bits()-96)
			}
			out = append(out, pre.Masked())
			continue
		}
		a, err := netip.ParseAddr(p)
		if err != nil {
			return nil, fmt.Errorf("trusted_proxies: %q is not an address or a prefix like 10.0.0.0/8", p)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}
