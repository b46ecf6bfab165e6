package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
	"github.com/tidings-app/tidings/web"
)

// TestPerClientLimitBehindTrustedProxy: without a trusted proxy the
// per-client sign-in limit counts the connection's address and ignores
// X-Forwarded-For (anyone can write it); with the proxy trusted, clients
// behind it are counted apart, and what a client writes into the header
// itself (left of the proxy's own entry) changes nothing.
func TestPerClientLimitBehindTrustedProxy(t *testing.T) {
	db, _ := storetest.OpenSQLite(t, store.Options{})
	c := &clock{t: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
	seed(t, db, c.Now())
	for _, tc := range []struct {
		name     string
		proxies  []netip.Prefix
		separate bool
	}{
		{"no trusted proxy", nil, false},
		{"proxy trusted", []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c.Add(2 * time.Hour) // a fresh hour of limits for each case
			srv, err := web.New(web.Options{DB: db, Mailer: &mailer{}, PublicURL: "http://tidings.example.com", Secret: "k",
				Now: c.Now, PerIP: 2, PerAddress: 100, TrustedProxies: tc.proxies})
			if err != nil {
				t.Fatal(err)
			}
			// httptest requests come from 192.0.2.1, the "proxy".
			signIn := signInPoster(t, srv)
			post := func(xff, email string) int { return signIn("", xff, email) }
			a, b := "198.51.100.1", "198.51.100.2"
			if post(a, "x1@example.com") != http.StatusOK || post(a, "x2@example.com") != http.StatusOK {
				t.Fatal("the first two requests were refused")
			}
			if code := post(a, "x3@example.com"); code != http.StatusTooManyRequests {
				t.Errorf("client A's third request = %d, want 429", code)
			}
			want := http.StatusTooManyRequests
			if tc.separate {
				want = http.StatusOK
			}
			if code := post(b, "x4@example.com"); code != want {
				t.Errorf("client B's first request = %d, want %d", code, want)
			}
			// Client A writes a made-up address; the proxy appends A's own.
			if code := post("203.0.113.9, "+a, "x5@example.com"); code != http.StatusTooManyRequests {
				t.Errorf("client A with a forged X-Forwarded-For = %d, want 429", code)
			}
		})
	}
}

// TestPerClientLimitIPv6: the addresses of one IPv6 /64 share a limit; the
// next /64 has its own.
func TestPerClientLimitIPv6(t *testing.T) {
	db, _ := storetest.OpenSQLite(t, store.Options{})
	c := &clock{t: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
	seed(t, db, c.Now())
	srv, err := web.New(web.Options{DB: db, Mailer: &mailer{}, PublicURL: "http://tidings.example.com", Secret: "k",
		Now: c.Now, PerIP: 2, PerAddress: 100})
	if err != nil {
		t.Fatal(err)
	}
	signIn := signInPoster(t, srv)
	post := func(remote, email string) int { return signIn(remote, "", email) }
	codes := []int{post("[2001:db8:1:2::1]:4000", "a@example.com"), post("[2001:db8:1:2::9]:4000", "b@example.com"),
		post("[2001:db8:1:2:ffff::7]:4000", "c@example.com"), post("[2001:db8:1:3::1]:4000", "d@example.com")}
	want := []int{http.StatusOK, http.StatusOK, http.StatusTooManyRequests, http.StatusOK}
	if !slices.Equal(codes, want) {
		t.Errorf("codes %v, want %v (three addresses of one /64, then another /64)", codes, want)
	}
}

// signInPoster fetches the sign-in form from srv once and returns a
// function posting it for email, from remote ("" : httptest's 192.0.2.1)
// with X-Forwarded-For xff ("" : none); it returns the status.
func signInPoster(t *testing.T, srv http.Handler) func(remote, xff, email string) int {
	t.Helper()
	get := serve(srv, http.MethodGet, "/signin", nil, nil)
	token := csrf(t, get.Body.String())
	cookies := get.Result().Cookies()
	return func(remote, xff, email string) int {
		form := url.Values{"csrf": {token}, "email": {email}}
		req := httptest.NewRequest(http.MethodPost, "/signin", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if remote != "" {
			req.RemoteAddr = remote
		}
		if xff != "" {
			req.Header.Set("X-Forwarded-For", xff)
		}
		for _, ck := range cookies {
			req.AddCookie(ck)
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		return rec.Code
	}
}
