package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
	"github.com/tidings-app/tidings/web"
)

func TestSignInByEmailedLink(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		seed(t, db, s.clock.Now())
		b := s.browser(t)
		// Signed out, a team page sends to sign-in and comes back after.
		code, _, loc := b.get("/t/platform/")
		if code != http.StatusSeeOther || loc != "/signin?next="+url.QueryEscape("/t/platform/") {
			t.Fatalf("signed out: %d → %q", code, loc)
		}
		_, form, _ := b.get(loc)
		tok := csrf(t, form)
		known, unknown := 0, 0
		var pages []string
		for _, addr := range []string{"MO@example.com", "nobody@example.com"} {
			before := s.mail.count()
			code, body, _ := b.post("/signin", url.Values{"csrf": {tok}, "email": {addr}, "next": {"/t/platform/"}})
			if code != http.StatusOK || !strings.Contains(body, "Check your email") {
				t.Fatalf("POST /signin %s = %d:\n%s", addr, code, body)
			}
			pages = append(pages, strings.ReplaceAll(strings.ToLower(body), strings.ToLower(addr), "ADDRESS"))
			if s.mail.count() > before {
				known++
			} else {
				unknown++
			}
		}
		if known != 1 || unknown != 1 {
			t.Fatalf("emails: known %d unknown %d", known, unknown)
		}
		// The answer is the same page for a member and a stranger (but for
		// the address they typed).
		if pages[0] != pages[1] {
			t.Errorf("the page for a member differs from the page for a stranger:\n%s\n---\n%s", pages[0], pages[1])
		}
		l := s.mail.last(t)
		if l.To.Email != "mo@example.com" || !strings.HasPrefix(l.Link, s.srv.URL+"/signin/") {
			t.Fatalf("email = %+v", l)
		}
		path := strings.TrimPrefix(l.Link, s.srv.URL)
		// GET does not use the link (mail scanners fetch links).
		for range 2 {
			if code, _, _ := b.get(path); code != http.StatusOK {
				t.Fatalf("GET link = %d", code)
			}
		}
		// A POST without the CSRF token is refused and does not use it.
		if code, _, _ := b.post(path, url.Values{}); code != http.StatusForbidden {
			t.Fatalf("POST link without CSRF = %d", code)
		}
		code, _, loc = b.post(path, url.Values{"csrf": {tok}})
		if code != http.StatusSeeOther || loc != "/t/platform/" {
			t.Fatalf("POST link = %d → %q", code, loc)
		}
		if code, body, _ := b.get("/t/platform/"); code != http.StatusOK || !strings.Contains(body, "flux capacitor") {
			t.Fatalf("timeline = %d", code)
		}
		// Used: refused, from this browser and any other.
		if code, _, _ := b.post(path, url.Values{"csrf": {tok}}); code != http.StatusGone {
			t.Errorf("reused link = %d, want 410", code)
		}
		if code, _, _ := s.browser(t).get(path); code != http.StatusGone {
			t.Errorf("reused link elsewhere = %d, want 410", code)
		}
		// Expired: a fresh link 16 minutes later.
		other := s.browser(t)
		_, form, _ = other.get("/signin")
		other.post("/signin", url.Values{"csrf": {csrf(t, form)}, "email": {"obi@example.com"}})
		late := strings.TrimPrefix(s.mail.last(t).Link, s.srv.URL)
		s.clock.Add(16 * time.Minute)
		if code, _, _ := other.get(late); code != http.StatusGone {
			t.Errorf("expired link GET = %d, want 410", code)
		}
		if code, _, _ := other.post(late, url.Values{"csrf": {csrf(t, form)}}); code != http.StatusGone {
			t.Errorf("expired link POST = %d, want 410", code)
		}
		// Sign out: CSRF required, then the session is gone server-side.
		_, home, _ := b.get("/")
		if code, _, _ := b.post("/signout", url.Values{"csrf": {"0000"}}); code != http.StatusForbidden {
			t.Errorf("sign-out without the session's token = %d", code)
		}
		if code, _, _ := b.post("/signout", url.Values{"csrf": {csrf(t, home)}}); code != http.StatusOK {
			t.Errorf("sign-out = %d", code)
		}
		if code, _, _ := b.get("/t/platform/"); code != http.StatusSeeOther {
			t.Errorf("after sign-out = %d, want redirect to sign-in", code)
		}
	})
}

func TestSessionCookieAttributes(t *testing.T) {
	db, _ := storetest.OpenSQLite(t, store.Options{})
	s := newSite(t, db)
	seed(t, db, s.clock.Now())
	srv, err := web.New(web.Options{DB: db, Mailer: s.mail, PublicURL: "https://tidings.example.com", Secret: "k", Now: s.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	links := srv.Links()
	link := links.Page(memberID(t, db, "mo@example.com"), "/t/platform/", s.clock.Now().Add(time.Hour))
	if !strings.HasPrefix(link, "https://tidings.example.com/l/") {
		t.Fatalf("link = %s", link)
	}
	path := strings.TrimPrefix(link, "https://tidings.example.com")
	get := serve(srv, http.MethodGet, path, nil, nil)
	pre := get.Result().Cookies()
	if len(pre) != 1 || !pre[0].HttpOnly || !pre[0].Secure || pre[0].SameSite != http.SameSiteLaxMode {
		t.Fatalf("pre-session cookie = %+v", pre)
	}
	post := serve(srv, http.MethodPost, path, url.Values{"csrf": {pre[0].Value}}, pre)
	if post.Code != http.StatusSeeOther || post.Header().Get("Location") != "/t/platform/" {
		t.Fatalf("POST page link = %d → %q", post.Code, post.Header().Get("Location"))
	}
	cs := post.Result().Cookies()
	if len(cs) != 1 || cs[0].Name != "tidings_session" || !cs[0].HttpOnly || !cs[0].Secure || cs[0].SameSite != http.SameSiteLaxMode || len(cs[0].Value) != 64 {
		t.Fatalf("session cookie = %+v", cs)
	}
	// The store keeps only the hash of the token.
	if _, err := db.WebSessionByHash(context.Background(), cs[0].Value, s.clock.Now()); err == nil {
		t.Error("the session token itself is stored")
	}
}

func TestPageLinkSignsInItsRecipientOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		w := seed(t, db, s.clock.Now())
		links := s.web.Links()
		mo := w.people["member"].ID
		link := links.DigestPage("platform", "2026-W47", mo, s.clock.Now())
		path := strings.TrimPrefix(link, s.srv.URL)
		b := s.browser(t)
		code, body, _ := b.get(path)
		if code != http.StatusOK || !strings.Contains(body, "Sign in as Mo Member") {
			t.Fatalf("GET page link = %d:\n%s", code, body)
		}
		code, _, loc := b.post(path, url.Values{"csrf": {csrf(t, body)}})
		if code != http.StatusSeeOther || loc != "/t/platform/d/2026-W47" {
			t.Fatalf("POST page link = %d → %q", code, loc)
		}
		if code, body, _ := b.get(loc); code != http.StatusOK || !strings.Contains(body, "Platform digest, week 47") {
			t.Fatalf("digest page = %d", code)
		}
		// Signed in as Mo, the link goes straight to the page.
		if code, _, loc := b.get(path); code != http.StatusSeeOther || loc != "/t/platform/d/2026-W47" {
			t.Errorf("page link when signed in = %d → %q", code, loc)
		}
		// Changing the member in the token breaks the signature; so does
		// changing the path; an expired link is refused too.
		tok := strings.TrimPrefix(path, "/l/")
		body64, sig, _ := strings.Cut(tok, ".")
		forged := links.Page(w.people["lead"].ID, "/t/platform/", s.clock.Now().Add(time.Hour))
		_, fsig, _ := strings.Cut(strings.TrimPrefix(forged, s.srv.URL+"/l/"), ".")
		for name, p := range map[string]string{
			"other signature": "/l/" + body64 + "." + fsig,
			"truncated":       "/l/" + body64[:len(body64)-2] + "." + sig,
			"no signature":    "/l/" + body64,
			"expired":         strings.TrimPrefix(links.Page(mo, "/t/platform/", s.clock.Now().Add(-time.Second)), s.srv.URL),
		} {
			if code, _, _ := s.browser(t).get(p); code != http.StatusGone {
				t.Errorf("%s: GET = %d, want 410", name, code)
			}
		}
		// A link may not send anyone off the site.
		evil := strings.TrimPrefix(links.Page(mo, "//evil.example/x", s.clock.Now().Add(time.Hour)), s.srv.URL)
		e := s.browser(t)
		_, body, _ = e.get(evil)
		if _, _, loc := e.post(evil, url.Values{"csrf": {csrf(t, body)}}); loc != "/" {
			t.Errorf("open redirect: → %q", loc)
		}
	})
}

// TestOtherTeamGets404 guesses every URL of team platform as a member of
// another team: each must be 404, the same as a page that does not exist.
// Members, observers and leads of platform get the pages; objects nobody
// may see are 404 to all.
func TestOtherTeamGets404(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		w := seed(t, db, s.clock.Now())
		for role, addr := range map[string]string{"outsider": "out@example.com", "member": "mo@example.com",
			"observer": "obi@example.com", "lead": "lea@example.com"} {
			b := s.signIn(t, addr)
			_, missing, _ := b.get("/no/such/page")
			for _, u := range w.urls {
				code, body, _ := b.get(u)
				want := http.StatusOK
				switch {
				case role == "outsider":
					want = http.StatusNotFound
				case strings.Contains(u, "/export.") && role != "lead":
					want = http.StatusNotFound
				}
				if code != want {
					t.Errorf("%s GET %s = %d, want %d", role, u, code, want)
				}
				if want == http.StatusNotFound && body != missing {
					t.Errorf("%s GET %s: the 404 page differs from a missing page's", role, u)
				}
			}
			for _, u := range w.hidden {
				if code, _, _ := b.get(u); code != http.StatusNotFound {
					t.Errorf("%s GET hidden %s = %d, want 404", role, u, code)
				}
			}
		}
	})
}

func TestSignInRateLimits(t *testing.T) {
	db, _ := storetest.OpenSQLite(t, store.Options{})
	s := newSite(t, db)
	seed(t, db, s.clock.Now())
	b := s.browser(t)
	_, form, _ := b.get("/signin")
	tok := csrf(t, form)
	codes := ""
	for range 7 {
		code, _, _ := b.post("/signin", url.Values{"csrf": {tok}, "email": {"mo@example.com"}})
		codes += fmt.Sprint(code, " ")
	}
	if codes != "200 200 200 200 200 429 429 " || s.mail.count() != 5 {
		t.Errorf("codes %s, emails %d; want five links then 429", codes, s.mail.count())
	}
	// Per IP: other addresses from the same client, up to 30 an hour.
	for i := 7; i < 30; i++ {
		if code, _, _ := b.post("/signin", url.Values{"csrf": {tok}, "email": {fmt.Sprintf("x%d@example.com", i)}}); code != http.StatusOK {
			t.Fatalf("request %d from one IP = %d, want 200 (the limit is 30)", i+1, code)
		}
	}
	if code, _, _ := b.post("/signin", url.Values{"csrf": {tok}, "email": {"lea@example.com"}}); code != http.StatusTooManyRequests {
		t.Errorf("31st request from one IP = %d, want 429", code)
	}
	s.clock.Add(time.Hour)
	if code, _, _ := b.post("/signin", url.Values{"csrf": {tok}, "email": {"mo@example.com"}}); code != http.StatusOK {
		t.Errorf("an hour later = %d", code)
	}
	// Without the double-submit token the form is refused.
	if code, _, _ := s.browser(t).post("/signin", url.Values{"email": {"mo@example.com"}}); code != http.StatusForbidden {
		t.Errorf("POST /signin without CSRF = %d", code)
	}
}

func TestPagesShowWhatTheStoreAllows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		w := seed(t, db, s.clock.Now())
		b := s.signIn(t, "obi@example.com")
		for _, c := range []struct {
			path     string
			want     []string
			dontWant []string
		}{
			{"/t/platform/", []string{"Blocker", "still waiting on the flux capacitor vendor", "Mo Member", "skip"}, []string{"Secret pending"}},
			{fmt.Sprintf("/t/platform/u/%d", w.update), []string{"Earlier versions", "waiting on the vendor", "Platform digest, week 47", "/t/platform/d/2026-W47"}, nil},
			{"/t/platform/n/", []string{"Planning sync", "1 open, 1 done"}, []string{"Secret pending"}},
			{"/t/platform/asks", []string{"Which day for the offsite?", "Tuesday: 1", "Tuesdays are quiet"}, []string{"Mo Member", "Unconfirmed question?"}},
			{"/t/platform/d/2026-W47", []string{"Platform digest, week 47", `href="/t/platform/d/2026-W47/email"`, "still waiting on the flux capacitor vendor"}, nil},
			{"/", []string{"Platform", "(observer)"}, []string{"Web"}},
		} {
			code, body, _ := b.get(c.path)
			if code != http.StatusOK {
				t.Errorf("GET %s = %d", c.path, code)
				continue
			}
			for _, s := range c.want {
				if !strings.Contains(body, s) {
					t.Errorf("GET %s: missing %q", c.path, s)
				}
			}
			for _, s := range c.dontWant {
				if strings.Contains(body, s) {
					t.Errorf("GET %s: shows %q", c.path, s)
				}
			}
		}
		_, note, _ := b.get(fmt.Sprintf("/t/platform/n/%d", noteID(t, db)))
		if i, j := strings.Index(note, "Call the vendor"), strings.Index(note, "Review the contract"); i < 0 || j < 0 || i > j ||
			!strings.Contains(note, "Ship the importer on Friday") {
			t.Errorf("note page: decisions and open items first missing:\n%s", note)
		}
	})
}

func noteID(t *testing.T, db *store.DB) int64 {
	t.Helper()
	ns, err := db.FindMeetingNotes(context.Background(), store.MeetingNoteFilter{Status: store.NoteFiled})
	if err != nil || len(ns) != 1 {
		t.Fatalf("notes %v %v", ns, err)
	}
	return ns[0].ID
}

func TestSearchAndExport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		w := seed(t, db, s.clock.Now())
		b := s.signIn(t, "mo@example.com")
		code, body, _ := b.get("/t/platform/search?q=capacitor")
		if code != http.StatusOK || !strings.Contains(body, "<mark>capacitor</mark>") ||
			!strings.Contains(body, fmt.Sprintf(`href="/t/platform/u/%d"`, w.update)) {
			t.Errorf("search = %d:\n%s", code, body)
		}
		if _, body, _ := b.get("/t/platform/search?q=%3Cscript%3E"); strings.Contains(body, "<script>") {
			t.Error("query echoed unescaped")
		}
		if _, body, _ := b.get("/t/platform/search?q=Secret+pending"); strings.Contains(body, "/n/") && strings.Contains(body, "Secret") && strings.Contains(body, "<mark>") {
			t.Error("a pending note is found")
		}
		lead := s.signIn(t, "lea@example.com")
		resp, err := lead.c.Get(s.srv.URL + "/t/platform/export.csv")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
		if err != nil || resp.StatusCode != http.StatusOK || len(rows) < 2 ||
			!strings.HasPrefix(resp.Header.Get("Content-Disposition"), `attachment; filename="platform-`) {
			t.Fatalf("export = %d %q, %d rows, %v", resp.StatusCode, resp.Header.Get("Content-Disposition"), len(rows), err)
		}
		if !strings.Contains(string(data), "still waiting on the flux capacitor vendor") {
			t.Errorf("export lacks the blocker:\n%s", data)
		}
		code, body, _ = lead.get("/t/platform/export.json")
		var doc struct {
			Team    string            `json:"team"`
			Updates []json.RawMessage `json:"updates"`
		}
		if code != http.StatusOK || json.Unmarshal([]byte(body), &doc) != nil || doc.Team != "platform" || len(doc.Updates) != 1 {
			t.Errorf("json export = %d %+v", code, doc)
		}
	})
}

// TestPromptLinkOpensTheUpdate follows a prompt email's link: before the
// reply it says "not answered yet" to the prompt's member (and 404 to
// everyone else: nobody learns whether someone answered); after, it
// redirects every member of the team to the update's page.
func TestPromptLinkOpensTheUpdate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		w := seed(t, db, s.clock.Now())
		mo := w.people["member"].ID
		link := s.web.Links().PromptPage("platform", w.unanswered, mo, s.clock.Now())
		path := strings.TrimPrefix(link, s.srv.URL)
		b := s.browser(t)
		_, body, _ := b.get(path)
		code, _, loc := b.post(path, url.Values{"csrf": {csrf(t, body)}})
		want := fmt.Sprintf("/t/platform/p/%d", w.unanswered)
		if code != http.StatusSeeOther || loc != want {
			t.Fatalf("POST prompt link = %d → %q, want %s", code, loc, want)
		}
		if code, body, _ := b.get(loc); code != http.StatusOK || !strings.Contains(body, "Not answered yet") {
			t.Errorf("unanswered prompt page = %d:\n%s", code, body)
		}
		// A prompt that closed unanswered says so instead of asking for a reply.
		if err := db.MarkPrompt(context.Background(), w.unanswered, store.PromptExpired, "closed"); err != nil {
			t.Fatal(err)
		}
		if code, body, _ := b.get(loc); code != http.StatusOK || !strings.Contains(body, "Closed without an answer") || strings.Contains(body, "Reply to its email") {
			t.Errorf("expired prompt page = %d:\n%s", code, body)
		}
		answered := fmt.Sprintf("/t/platform/p/%d", w.answered)
		update := fmt.Sprintf("/t/platform/u/%d", w.update)
		if code, _, loc := b.get(answered); code != http.StatusSeeOther || loc != update {
			t.Errorf("answered prompt = %d → %q, want %s", code, loc, update)
		}
		lead := s.signIn(t, "lea@example.com")
		if code, _, loc := lead.get(answered); code != http.StatusSeeOther || loc != update {
			t.Errorf("lead: answered prompt = %d → %q", code, loc)
		}
		if code, _, _ := lead.get(want); code != http.StatusNotFound {
			t.Errorf("lead: Mo's unanswered prompt = %d, want 404", code)
		}
		if code, _, _ := s.signIn(t, "out@example.com").get(answered); code != http.StatusNotFound {
			t.Errorf("outsider: answered prompt = %d, want 404", code)
		}
	})
}

// TestSecurityHeaders: every page forbids scripts, framing and sniffing,
// sends no Referer and is not cached; the digest email as sent, which is
// other HTML, is served sandboxed.
func TestSecurityHeaders(t *testing.T) {
	db, _ := storetest.OpenSQLite(t, store.Options{})
	s := newSite(t, db)
	seed(t, db, s.clock.Now())
	b := s.signIn(t, "mo@example.com")
	header := func(path string) http.Header {
		t.Helper()
		resp, err := b.c.Get(s.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s = %d", path, resp.StatusCode)
		}
		return resp.Header
	}
	for _, path := range []string{"/signin", "/t/platform/", "/t/platform/search?q=vendor"} {
		h := header(path)
		for k, want := range map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "Cache-Control": "no-store"} {
			if got := h.Get(k); got != want {
				t.Errorf("%s: %s = %q, want %q", path, k, got, want)
			}
		}
		if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "frame-ancestors 'none'") ||
			strings.Contains(csp, "script-src") {
			t.Errorf("%s: CSP %q", path, csp)
		}
	}
	if csp := header("/t/platform/d/2026-W47/email").Get("Content-Security-Policy"); !strings.HasPrefix(csp, "sandbox;") {
		t.Errorf("digest email CSP = %q, want a sandbox", csp)
	}
}
