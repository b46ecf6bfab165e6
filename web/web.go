package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/tidings-app/tidings/store"
)

//go:embed templates/*.html static/*
var files embed.FS

// Mailer sends the sign-in email; cmd/tidings implements it with the
// outbound queue. SendSignIn must send (or queue) one message to to with
// link in it, saying it works for valid; an error means nothing was
// queued.
type Mailer interface {
	SendSignIn(ctx context.Context, to Recipient, link string, valid time.Duration) error
}

// Recipient is the person a sign-in email goes to.
type Recipient struct {
	MemberID int64
	Email    string
	Name     string
}

// Options configures the archive. DB, Mailer, PublicURL and Secret are
// required.
type Options struct {
	DB     *store.DB
	Mailer Mailer
	// PublicURL is where the site is reached ("https://tidings.example.com");
	// links in emails start with it, and cookies are Secure when it is
	// https.
	PublicURL string
	// Secret signs page links in emails (see Links); the server secret.
	Secret string
	// LinkTTL is how long a sign-in link works (default 15 minutes).
	LinkTTL time.Duration
	// SessionTTL is how long a session lasts (default 14 days).
	SessionTTL time.Duration
	// PerAddress and PerIP cap sign-in requests per hour for one address
	// and from one client address (defaults 5 and 30).
	PerAddress, PerIP int
	// TrustedProxies are the reverse proxies in front of the site: for a
	// request from one of them the client is the last address in
	// X-Forwarded-For that is not itself a trusted proxy. Empty: the
	// connection's address, and X-Forwarded-For is ignored (anyone can
	// write it).
	TrustedProxies []netip.Prefix
	Logger         *slog.Logger // default: discard
	Now            func() time.Time
}

// Server serves the archive; build it with New.
type Server struct {
	db    *store.DB
	opts  Options
	links *Links
	pages map[string]*template.Template
	mux   *http.ServeMux
	log   *slog.Logger
	zones sync.Map // zone name → *time.Location (Server.zone)
}

// New returns the archive's handler. It fails when a required option is
// missing or PublicURL does not parse.
func New(opts Options) (*Server, error) {
	if opts.DB == nil || opts.Mailer == nil {
		return nil, errors.New("web: DB and Mailer are required")
	}
	u, err := url.Parse(opts.PublicURL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("web: public URL %q: not an absolute URL", opts.PublicURL)
	}
	opts.PublicURL = strings.TrimRight(opts.PublicURL, "/")
	if opts.LinkTTL <= 0 {
		opts.LinkTTL = 15 * time.Minute
	}
	if opts.SessionTTL <= 0 {
		opts.SessionTTL = 14 * 24 * time.Hour
	}
	if opts.PerAddress <= 0 {
		opts.PerAddress = 5
	}
	if opts.PerIP <= 0 {
		opts.PerIP = 30
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	links, err := NewLinks(opts.Secret, opts.PublicURL)
	if err != nil {
		return nil, err
	}
	s := &Server{db: opts.DB, opts: opts, links: links, log: opts.Logger.With("component", "web")}
	if s.pages, err = parsePages(); err != nil {
		return nil, err
	}
	s.routes()
	return s, nil
}

// Links is the signer of the page links in emails.
func (s *Server) Links() *Links { return s.links }

// ServeHTTP serves the archive with its security headers.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	s.mux.ServeHTTP(w, r)
}

func (s *Server) routes() {
	m := http.NewServeMux()
	static, _ := fs.Sub(files, "static")
	m.Handle("GET /static/", http.StripPrefix("/static/", staticHandler(static)))
	m.HandleFunc("GET /{$}", s.home)
	m.HandleFunc("GET /signin", s.signInForm)
	m.HandleFunc("POST /signin", s.signInRequest)
	m.HandleFunc("GET /signin/{token}", s.signInConfirm)
	m.HandleFunc("POST /signin/{token}", s.signInUse)
	m.HandleFunc("GET /l/{token}", s.pageLinkConfirm)
	m.HandleFunc("POST /l/{token}", s.pageLinkUse)
	m.HandleFunc("POST /signout", s.signOut)
	team := func(p string, h teamHandler) { m.HandleFunc("GET /t/{team}"+p, s.withTeam(h)) }
	team("/{$}", s.timeline)
	team("/m/{member}", s.history)
	team("/u/{id}", s.update)
	team("/p/{id}", s.prompt)
	team("/d/{$}", s.digests)
	team("/d/{id}", s.digestPage)
	team("/d/{id}/email", s.digestEmail)
	team("/n/{$}", s.notes)
	team("/n/{id}", s.note)
	team("/asks", s.asks)
	team("/okrs", s.okrs)
	team("/search", s.search)
	team("/export.csv", s.export(store.ExportCSV))
	team("/export.json", s.export(store.ExportJSON))
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r2, err := s.session(r); err == nil {
			r = r2
		}
		s.notFound(w, r)
	})
	s.mux = m
}

func staticHandler(fsys fs.FS) http.Handler {
	fh := http.FileServerFS(fsys)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		fh.ServeHTTP(w, r)
	})
}

// parsePages parses each page template with the shared layout.
func parsePages() (map[string]*template.Template, error) {
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: templates: %w", err)
	}
	out := map[string]*template.Template{}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" {
			continue
		}
		t, err := template.New(base).Funcs(funcs).ParseFS(files, "templates/layout.html", n)
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", base, err)
		}
		out[base] = t
	}
	return out, nil
}

// page is what every template gets: the viewer, the CSRF token for forms,
// the title and the page's own data.
type page struct {
	Title string
	Me    *store.Member
	CSRF  string
	Team  *store.VisibleTeam
	Nav   string // the team tab shown as current
	Data  any
}

// render writes the named page with status code.
func (s *Server) render(w http.ResponseWriter, r *http.Request, code int, name string, p page) {
	t, ok := s.pages[name]
	if !ok {
		s.fail(w, r, fmt.Errorf("web: no page %q", name))
		return
	}
	if v := viewerOf(r); v != nil {
		p.Me, p.CSRF = v.member, v.session.CSRF
	} else {
		p.CSRF = preCSRF(w, r, s.secure())
	}
	var b strings.Builder
	if err := t.ExecuteTemplate(&b, "layout", p); err != nil {
		s.fail(w, r, fmt.Errorf("web: render %s: %w", name, err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	fmt.Fprint(w, b.String())
}

// notFound is the answer for anything missing or not visible to the
// viewer: the same page and status either way.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusNotFound, "message", page{Title: "Not found",
		Data: message{Heading: "Not found", Text: "There is nothing here, or it is not yours to see."}})
}

// fail logs err and answers 500, or 503 when the store is unavailable.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := http.StatusInternalServerError
	if errors.Is(err, store.ErrUnavailable) {
		code = http.StatusServiceUnavailable
	}
	s.log.ErrorContext(r.Context(), "request failed", "path", r.URL.Path, "err", err)
	http.Error(w, http.StatusText(code), code)
}

// message is the data of the "message" page.
type message struct {
	Heading, Text  string
	Link, LinkText string
}

func (s *Server) secure() bool { return strings.HasPrefix(s.opts.PublicURL, "https://") }
