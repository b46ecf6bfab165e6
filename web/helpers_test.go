package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/web"
)

// sentLink is one sign-in email the fake mailer was asked to send.
type sentLink struct {
	To   web.Recipient
	Link string
}

// mailer records sign-in emails.
type mailer struct {
	mu   sync.Mutex
	sent []sentLink
}

func (m *mailer) SendSignIn(_ context.Context, to web.Recipient, link string, _ time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, sentLink{to, link})
	return nil
}

func (m *mailer) last(t *testing.T) sentLink {
	t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.sent) == 0 {
		t.Fatal("no sign-in email sent")
	}
	return m.sent[len(m.sent)-1]
}

func (m *mailer) count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.sent)
}

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// site is an archive served over real HTTP on 127.0.0.1.
type site struct {
	srv   *httptest.Server
	web   *web.Server
	mail  *mailer
	clock *clock
	db    *store.DB
}

func newSite(t *testing.T, db *store.DB) *site {
	t.Helper()
	s := &site{mail: &mailer{}, clock: &clock{t: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}, db: db}
	s.srv = httptest.NewUnstartedServer(nil)
	s.srv.Start()
	t.Cleanup(s.srv.Close)
	var err error
	s.web, err = web.New(web.Options{DB: db, Mailer: s.mail, PublicURL: s.srv.URL, Secret: "test-secret", Now: s.clock.Now,
		Logger: slog.New(slog.NewTextHandler(tlog{t}, nil))})
	if err != nil {
		t.Fatal(err)
	}
	s.srv.Config.Handler = s.web
	return s
}

// browser is an HTTP client with cookies that does not follow redirects.
type browser struct {
	t    *testing.T
	c    *http.Client
	base string
}

func (s *site) browser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: s.srv.URL, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// get fetches path (or an absolute URL) and returns status, body and
// Location.
func (b *browser) get(path string) (int, string, string) {
	b.t.Helper()
	return b.do(http.MethodGet, path, nil)
}

func (b *browser) post(path string, form url.Values) (int, string, string) {
	b.t.Helper()
	return b.do(http.MethodPost, path, form)
}

func (b *browser) do(method, path string, form url.Values) (int, string, string) {
	b.t.Helper()
	if strings.HasPrefix(path, "/") {
		path = b.base + path
	}
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data), resp.Header.Get("Location")
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`)

// csrf is the CSRF token in the forms of page body.
func csrf(t *testing.T, body string) string {
	t.Helper()
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no CSRF token in page:\n%s", body)
	}
	return m[1]
}

// signIn signs addr in through the emailed link and returns the browser.
func (s *site) signIn(t *testing.T, addr string) *browser {
	t.Helper()
	b := s.browser(t)
	_, body, _ := b.get("/signin")
	if code, _, _ := b.post("/signin", url.Values{"csrf": {csrf(t, body)}, "email": {addr}}); code != http.StatusOK {
		t.Fatalf("POST /signin = %d", code)
	}
	l := s.mail.last(t)
	if !strings.EqualFold(l.To.Email, addr) {
		t.Fatalf("link went to %s, want %s", l.To.Email, addr)
	}
	code, body, _ := b.get(l.Link)
	if code != http.StatusOK {
		t.Fatalf("GET link = %d", code)
	}
	code, _, loc := b.post(strings.TrimPrefix(l.Link, s.srv.URL), url.Values{"csrf": {csrf(t, body)}})
	if code != http.StatusSeeOther || loc == "" {
		t.Fatalf("POST link = %d → %q", code, loc)
	}
	return b
}

// serve runs one request through h without a network.
func serve(h http.Handler, method, path string, form url.Values, cookies []*http.Cookie) *httptest.ResponseRecorder {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func memberID(t *testing.T, db *store.DB, addr string) int64 {
	t.Helper()
	m, err := db.MemberByAddress(context.Background(), addr)
	if err != nil {
		t.Fatal(err)
	}
	return m.ID
}

// tlog sends the server's log to the test's.
type tlog struct{ t *testing.T }

func (l tlog) Write(p []byte) (int, error) { l.t.Log(strings.TrimSpace(string(p))); return len(p), nil }
