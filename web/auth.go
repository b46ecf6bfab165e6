package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"net"
	"net/http"
	"net/mail"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/tidings-app/tidings/store"
)

// Cookie names.
const (
	sessionCookie = "tidings_session"
	csrfCookie    = "tidings_csrf" // double-submit token before sign-in
)

// viewer is the signed-in person of a request.
type viewer struct {
	member  *store.Member
	session *store.WebSession
}

type viewerKey struct{}

func viewerOf(r *http.Request) *viewer {
	v, _ := r.Context().Value(viewerKey{}).(*viewer)
	return v
}

// signedIn reads the session cookie and returns the request carrying the
// viewer, and the viewer (nil when nobody is signed in). ok is false when
// the store failed; the error page has then been written.
func (s *Server) signedIn(w http.ResponseWriter, r *http.Request) (_ *http.Request, _ *viewer, ok bool) {
	r, err := s.session(r)
	if err != nil {
		s.fail(w, r, err)
		return r, nil, false
	}
	return r, viewerOf(r), true
}

// newToken returns 32 random bytes as hex.
func newToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand, Go 1.24+)
	return hex.EncodeToString(b)
}

// hashToken is what the store keeps of a token.
func hashToken(tok string) string {
	h := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(h[:])
}

func equal(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// session returns the request with its viewer when the session cookie
// names a live session of an existing member.
func (s *Server) session(r *http.Request) (*http.Request, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return r, nil
	}
	sess, err := s.db.WebSessionByHash(r.Context(), hashToken(c.Value), s.opts.Now())
	if errors.Is(err, store.ErrNotFound) {
		return r, nil
	} else if err != nil {
		return r, err
	}
	m, err := s.db.MemberByID(r.Context(), sess.MemberID)
	if errors.Is(err, store.ErrNotFound) {
		return r, nil
	} else if err != nil {
		return r, err
	}
	return r.WithContext(context.WithValue(r.Context(), viewerKey{}, &viewer{member: m, session: sess})), nil
}

// preCSRF returns the double-submit token of a browser not signed in,
// setting its cookie when there is none yet.
func preCSRF(w http.ResponseWriter, r *http.Request, secure bool) string {
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) == 64 {
		return c.Value
	}
	tok := newToken()
	http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: tok, Path: "/", HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
	return tok
}

// checkCSRF reports whether a POST carries the right token: the session's
// when signed in, else the one in the double-submit cookie.
func checkCSRF(r *http.Request) bool {
	got := r.PostFormValue("csrf")
	if v := viewerOf(r); v != nil {
		return equal(got, v.session.CSRF)
	}
	c, err := r.Cookie(csrfCookie)
	return err == nil && equal(got, c.Value)
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	r, v, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	if v == nil {
		s.signInForm(w, r)
		return
	}
	teams, err := s.db.VisibleTeams(r.Context(), v.member.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "home", page{Title: "Your teams", Data: teams})
}

// signInData is the data of the sign-in pages.
type signInData struct {
	Next   string
	Sent   bool
	Email  string
	Error  string
	Action string // the POST target of a link's confirmation
	Name   string // who the link signs in
	// Minutes is how long a sign-in link works (Options.LinkTTL).
	Minutes int
}

func (s *Server) signInForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "signin", page{Title: "Sign in", Data: signInData{Next: safePath(r.URL.Query().Get("next"))}})
}

// signInRequest sends a one-time link when the address is a member's. The
// answer is the same whether or not it is: it never tells who is a member.
func (s *Server) signInRequest(w http.ResponseWriter, r *http.Request) {
	if !checkCSRF(r) {
		s.forbidden(w, r)
		return
	}
	ctx := r.Context()
	addr, err := mail.ParseAddress(strings.TrimSpace(r.PostFormValue("email")))
	next := safePath(r.PostFormValue("next"))
	if err != nil {
		s.render(w, r, http.StatusBadRequest, "signin", page{Title: "Sign in",
			Data: signInData{Next: next, Email: r.PostFormValue("email"), Error: "That does not look like an email address."}})
		return
	}
	email := strings.ToLower(addr.Address)
	now := s.opts.Now()
	ip := s.clientIP(r)
	nIP, err := s.db.HitRate(ctx, "signin:ip:"+clientKey(ip), time.Hour, now)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	nAddr, err := s.db.HitRate(ctx, "signin:addr:"+email, time.Hour, now)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if nIP > s.opts.PerIP || nAddr > s.opts.PerAddress {
		s.log.WarnContext(ctx, "sign-in rate limited", "remote", ip)
		w.Header().Set("Retry-After", "3600")
		s.render(w, r, http.StatusTooManyRequests, "message", page{Title: "Too many requests",
			Data: message{Heading: "Too many sign-in requests", Text: "Please wait an hour before asking for another link."}})
		return
	}
	if err := s.sendLink(ctx, email, next, now); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "signin", page{Title: "Check your email", Data: signInData{Sent: true, Email: email, Minutes: int(s.opts.LinkTTL.Minutes())}})
}

// sendLink stores and mails a sign-in link when email is a member's; an
// unknown address does nothing (and is not an error).
func (s *Server) sendLink(ctx context.Context, email, next string, now time.Time) error {
	m, err := s.db.MemberByAddress(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		s.log.InfoContext(ctx, "sign-in for an unknown address")
		return nil
	} else if err != nil {
		return err
	}
	tok := newToken()
	l := store.SignInLink{TokenHash: hashToken(tok), MemberID: m.ID, Next: next, ExpiresAt: now.Add(s.opts.LinkTTL)}
	if err := s.db.CreateSignInLink(ctx, &l); err != nil {
		return err
	}
	// The link goes to the address it was asked for (an alias of the
	// member's included), which is the one that proved it reads it.
	return s.opts.Mailer.SendSignIn(ctx, Recipient{MemberID: m.ID, Email: email, Name: m.Name}, s.opts.PublicURL+"/signin/"+tok, s.opts.LinkTTL)
}

// signInConfirm shows the button that uses a sign-in link; GET never uses
// it, so link scanners in mail systems do not.
func (s *Server) signInConfirm(w http.ResponseWriter, r *http.Request) {
	tok := r.PathValue("token")
	ok, err := s.db.SignInLinkUsable(r.Context(), hashToken(tok), s.opts.Now())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !ok {
		s.linkRefused(w, r)
		return
	}
	s.render(w, r, http.StatusOK, "confirm", page{Title: "Sign in", Data: signInData{Action: "/signin/" + tok}})
}

func (s *Server) signInUse(w http.ResponseWriter, r *http.Request) {
	if !checkCSRF(r) {
		s.forbidden(w, r)
		return
	}
	l, err := s.db.UseSignInLink(r.Context(), hashToken(r.PathValue("token")), s.opts.Now())
	if errors.Is(err, store.ErrNotFound) {
		s.linkRefused(w, r)
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	s.startSession(w, r, l.MemberID, l.Next)
}

// pageLinkConfirm serves a page link from an email: when its member is
// already signed in here it goes straight to the page, otherwise it asks
// for the button press that signs that member in.
func (s *Server) pageLinkConfirm(w http.ResponseWriter, r *http.Request) {
	id, path, err := s.links.verify(r.PathValue("token"), s.opts.Now())
	if err != nil {
		s.linkRefused(w, r)
		return
	}
	if r, err = s.session(r); err != nil {
		s.fail(w, r, err)
		return
	}
	if v := viewerOf(r); v != nil && v.member.ID == id {
		http.Redirect(w, r, path, http.StatusSeeOther)
		return
	}
	m, err := s.db.MemberByID(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		s.linkRefused(w, r)
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "confirm", page{Title: "Sign in",
		Data: signInData{Action: "/l/" + r.PathValue("token"), Name: m.Name}})
}

func (s *Server) pageLinkUse(w http.ResponseWriter, r *http.Request) {
	r, err := s.session(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !checkCSRF(r) {
		s.forbidden(w, r)
		return
	}
	id, path, err := s.links.verify(r.PathValue("token"), s.opts.Now())
	if err != nil {
		s.linkRefused(w, r)
		return
	}
	if v := viewerOf(r); v != nil {
		_ = s.db.RevokeWebSession(r.Context(), v.session.TokenHash, s.opts.Now())
	}
	s.startSession(w, r, id, path)
}

// startSession creates a session for the member, sets its cookie and
// redirects to next.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, memberID int64, next string) {
	tok := newToken()
	now := s.opts.Now()
	sess := store.WebSession{TokenHash: hashToken(tok), MemberID: memberID, CSRF: newToken(), ExpiresAt: now.Add(s.opts.SessionTTL)}
	if err := s.db.CreateWebSession(r.Context(), &sess); err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.InfoContext(r.Context(), "signed in", "member", memberID, "remote", s.clientIP(r))
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: tok, Path: "/", Expires: sess.ExpiresAt,
		HttpOnly: true, Secure: s.secure(), SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, safePath(next), http.StatusSeeOther)
}

func (s *Server) signOut(w http.ResponseWriter, r *http.Request) {
	r, v, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	if v == nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	if !checkCSRF(r) {
		s.forbidden(w, r)
		return
	}
	if err := s.db.RevokeWebSession(r.Context(), v.session.TokenHash, s.opts.Now()); err != nil {
		s.fail(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.secure(), SameSite: http.SameSiteLaxMode})
	s.render(w, r.WithContext(context.WithValue(r.Context(), viewerKey{}, (*viewer)(nil))), http.StatusOK, "message",
		page{Title: "Signed out", Data: message{Heading: "You are signed out", Text: "Your session has ended on this device.", Link: "/signin", LinkText: "Sign in again"}})
}

func (s *Server) linkRefused(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusGone, "message", page{Title: "Link not valid",
		Data: message{Heading: "This link cannot be used", Text: "It has expired or was already used. Ask for a new one.", Link: "/signin", LinkText: "Get a new sign-in link"}})
}

func (s *Server) forbidden(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusForbidden, "message", page{Title: "Form expired",
		Data: message{Heading: "This form has expired", Text: "Please go back, reload the page and try again.", Link: "/", LinkText: "Home"}})
}

// clientIP is the address of the client that sent r: the connection's,
// or, when that is a trusted proxy (Options.TrustedProxies), the nearest
// address in X-Forwarded-For that is not one. Addresses written by the
// client itself, left of the first untrusted hop, are never believed.
func (s *Server) clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if !s.trusted(host) {
		return host
	}
	var hops []string
	for _, h := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(h, ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		hop := strings.TrimSpace(hops[i])
		a, err := netip.ParseAddr(hop)
		if err != nil {
			return host // a malformed hop: believe nothing left of it
		}
		if !s.trusted(hop) {
			return a.Unmap().String()
		}
		host = hop
	}
	return host
}

// clientKey is the per-client rate-limit key of ip: an IPv6 client is
// its /64 (one customer's network; a host can pick any address in it),
// an IPv4 client its address.
func clientKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil || !a.Is6() || a.Is4In6() {
		return ip
	}
	p, err := a.Prefix(64)
	if err != nil {
		return ip
	}
	return p.String()
}

// trusted reports whether addr is one of Options.TrustedProxies.
func (s *Server) trusted(addr string) bool {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, p := range s.opts.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// loginURL is the sign-in page that comes back to r's page.
func loginURL(r *http.Request) string {
	return "/signin?next=" + url.QueryEscape(r.URL.RequestURI())
}
