package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	msgmail "github.com/emersion/go-message/mail"

	"github.com/tidings-app/tidings/digest"
	"github.com/tidings-app/tidings/mail/mailtest"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/templates/htmlcheck"
)

const webArchiveConfig = `server:
  domain: tidings.example.com
  from: "Tidings <checkins@tidings.example.com>"
teams:
  - slug: platform
    name: Platform team
    timezone: America/New_York
    digest: { schedule: "fri 17:00" }
    members:
      - { email: ana@example.com, name: Ana Lima }
      - { email: ben@example.com, name: Ben Okafor, role: lead }
    checkins:
      - name: daily
        schedule: "mon-fri 09:00"
        questions:
          - { key: done, text: "What did you get done yesterday?" }
          - { key: blockers, text: "Anything blocking you?" }
  - slug: web
    name: Web team
    timezone: UTC
    members:
      - { email: wes@example.com, name: Wes Web, role: lead }
    checkins:
      - name: daily
        schedule: "mon-fri 09:00"
        questions:
          - { key: done, text: "What did you get done yesterday?" }
`

// TestArchiveInBrowser is the archive as a newcomer uses it, in headless
// Chromium against `serve` (real HTTP, River workers, delivery over SMTP
// to a sink): Ana asks for a sign-in link, opens the link from the email
// Tidings sent, opens the timeline, finds a week-old blocker by a word in
// it, opens the update and the digest it was in; a URL of another team
// is 404; she signs out, and the used link is refused. Ben, a lead, signs
// in with the page link of his digest email and exports the team as CSV.
// Screenshots at 375 and 1280 px go to TIDINGS_SCREENSHOTS (archive-*.png).
func TestArchiveInBrowser(t *testing.T) {
	chromium := htmlcheck.ExecPath()
	if chromium == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium not found (install Debian's chromium package, or set TIDINGS_CHROMIUM)")
		}
		t.Skip("chromium not found (install Debian's chromium package); skipping outside CI")
	}
	dir := tempEnv(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	base := "http://" + addr
	t.Setenv("TIDINGS_HTTP_LISTEN", addr)
	t.Setenv("TIDINGS_PUBLIC_URL", base)
	sink := mailtest.NewSink(t)
	t.Setenv("TIDINGS_RELAY", sink.URL())
	cfg := filepath.Join(dir, "tidings.yaml")
	if err := os.WriteFile(cfg, []byte(webArchiveConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	var clock atomic.Int64
	real := time.Now().Truncate(time.Second)
	clock.Store(real.UnixNano())
	now := func() time.Time { return time.Unix(0, clock.Load()) }
	s, _ := serveForTest(t, &app{configPath: cfg, stdout: &strings.Builder{}, stderr: testLog{t}, logLevel: "warn", now: now})
	sink.WaitFor(3, 30*time.Second) // welcomes
	ctx := context.Background()

	// A week ago Ana reported a blocker, and that week's digest went out.
	weekAgo := real.Add(-7 * 24 * time.Hour)
	updateID := seedBlocker(t, s.svc.db, "platform", "ana@example.com", weekAgo, "waiting on the VPN firmware from Contoso")
	dig, err := s.svc.deps.digestService()
	if err != nil {
		t.Fatal(err)
	}
	team, _ := s.svc.db.FindTeam(ctx, "platform")
	clock.Store(weekAgo.UnixNano())
	p, err := dig.Period(team, "")
	if err != nil {
		t.Fatal(err)
	}
	clock.Store(p.End.Add(time.Minute).UnixNano())
	if _, err := dig.Send(ctx, team.ID, p.Key, digest.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	clock.Store(real.UnixNano())
	msgs := sink.WaitFor(5, 30*time.Second)
	benDigest := textPart(t, findTo(t, msgs[3:], "ben@example.com").Data)
	if !strings.Contains(benDigest, "VPN firmware") {
		t.Fatalf("digest lacks the blocker:\n%s", benDigest)
	}
	pageLink := regexp.MustCompile(`Read this digest on the web: (` + regexp.QuoteMeta(base) + `/l/\S+)`).FindStringSubmatch(benDigest)
	if pageLink == nil {
		t.Fatalf("Ben's digest has no page link:\n%s", benDigest)
	}

	b := newChromium(t, chromium)
	run := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		tctx, cancel := context.WithTimeout(b, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(tctx, actions...); err != nil {
			loc, _ := chromedp.Run(b, chromedp.Location())
			t.Fatalf("%s (at %s): %v", what, loc, err)
		}
	}
	h1 := func(text string) chromedp.Action[chromedp.Void] {
		return chromedp.WaitVisible(chromedp.Search(fmt.Sprintf(`//h1[contains(., %q)]`, text)))
	}
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	xpath := func(sel string) chromedp.Search { return chromedp.Search(sel) }

	// Sign in: the link comes from the email Tidings sent through the sink.
	run("sign-in form", chromedp.Navigate(base+"/"), h1("Sign in to Tidings"))
	shots(t, b, "archive-signin")
	run("ask for a link", chromedp.SendKeys(css("#email"), "ana@example.com"),
		chromedp.Click(css("main form button")), h1("Check your email"))
	signin := findTo(t, sink.WaitFor(6, 30*time.Second)[5:], "ana@example.com")
	link := regexp.MustCompile(regexp.QuoteMeta(base) + `/signin/[0-9a-f]{64}`).FindString(textPart(t, signin.Data))
	if link == "" || signin.Header("Subject") != "Your Tidings sign-in link" {
		t.Fatalf("sign-in email %q:\n%s", signin.Header("Subject"), signin.Data)
	}
	htmlcheck.Start(t).Check(t, "signin-email", htmlPart(t, signin.Data))
	run("open the link", chromedp.Navigate(link), h1("Sign in"), chromedp.Click(css("main form button")), h1("Your teams"))
	shots(t, b, "archive-home")

	// The timeline, the search, the update and its digest.
	run("timeline", chromedp.Click(xpath(`//main//a[contains(., "Platform team")]`)), h1("Timeline"),
		chromedp.WaitVisible(css(".update.blocker .flag")))
	shots(t, b, "archive-timeline")
	run("search", chromedp.SendKeys(css("#q"), "firmware"), chromedp.Submit(css("#q")),
		h1("Search"), chromedp.WaitVisible(css(".hits mark")))
	if marked, err := chromedp.Run(b, chromedp.Text(css(".hits mark"))); err != nil || !strings.EqualFold(marked, "firmware") {
		t.Errorf("highlighted %q, %v", marked, err)
	}
	shots(t, b, "archive-search")
	run("open the update", chromedp.Click(css(".hits a")), h1("Ana Lima's update"))
	if loc, _ := chromedp.Run(b, chromedp.Location()); loc != fmt.Sprintf("%s/t/platform/u/%d", base, updateID) {
		t.Errorf("update page at %s", loc)
	}
	shots(t, b, "archive-update")
	run("open its digest", chromedp.Click(xpath(`//main//a[contains(@href, "/d/")]`)),
		chromedp.WaitVisible(xpath(`//pre[contains(., "VPN firmware")]`)))
	shots(t, b, "archive-digest")
	run("the email as it looked", chromedp.Click(xpath(`//a[contains(., "open the email")]`)),
		chromedp.WaitVisible(xpath(`//h1[contains(., "Platform team")]`)))
	shots(t, b, "archive-digest-email")
	if code, body := get(t, base+"/t/platform/d/"+p.Key+"/email", sessionCookie(t, b)); code != http.StatusOK || !strings.Contains(body, "VPN firmware") {
		t.Errorf("the digest email = %d:\n%s", code, body)
	}

	// Another team's URLs are 404 for Ana, exactly like missing pages.
	cookie := sessionCookie(t, b)
	wesUpdate := seedBlocker(t, s.svc.db, "web", "wes@example.com", weekAgo, "web-only secret")
	for _, u := range []string{"/t/web/", fmt.Sprintf("/t/web/u/%d", wesUpdate), "/t/web/d/", "/t/web/n/", "/t/web/asks",
		"/t/web/okrs", "/t/web/search?q=secret", "/t/web/export.csv", fmt.Sprintf("/t/platform/u/%d", wesUpdate), "/t/platform/export.csv"} {
		if code, _ := get(t, base+u, cookie); code != http.StatusNotFound {
			t.Errorf("Ana GET %s = %d, want 404", u, code)
		}
	}
	run("another team", chromedp.Navigate(base+"/t/web/"), h1("Not found"))
	shots(t, b, "archive-404")

	// Sign out; the session is gone and the used link is refused.
	run("sign out", chromedp.Navigate(base+"/"), h1("Your teams"), chromedp.Click(css(".signout button")), h1("You are signed out"))
	if code, _ := get(t, base+"/t/platform/", cookie); code != http.StatusSeeOther {
		t.Errorf("the signed-out session still opens pages: %d", code)
	}
	run("signed out", chromedp.Navigate(base+"/t/platform/"), h1("Sign in to Tidings"))
	run("used link", chromedp.Navigate(link), h1("This link cannot be used"))

	// Ben follows his digest's link, which signs him (and only him) in,
	// and downloads the team export.
	run("digest link", chromedp.Navigate(pageLink[1]), h1("Sign in as Ben Okafor"),
		chromedp.Click(css("main form button")), chromedp.WaitVisible(css("pre.digest-text")),
		chromedp.WaitVisible(xpath(`//a[contains(., "Export CSV")]`)))
	code, body := get(t, base+"/t/platform/export.csv", sessionCookie(t, b))
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if code != http.StatusOK || err != nil || len(rows) < 2 || !strings.Contains(body, "VPN firmware") {
		t.Errorf("export = %d, %d rows, %v:\n%s", code, len(rows), err, body)
	}
}

// seedBlocker stores a member's update with a blocker, answered at at, as
// the inbound path would, and returns its ID.
func seedBlocker(t *testing.T, db *store.DB, slug, addr string, at time.Time, blocker string) int64 {
	t.Helper()
	return seedUpdate(t, db, slug, addr, store.UpdateInput{HasBlocker: true, InboundID: 1, AnsweredAt: at, Proof: store.ProofDMARC,
		Answers: []store.Answer{{Key: "done", Question: "What did you get done yesterday?", Text: "the rollout plan"},
			{Key: "blockers", Question: "Anything blocking you?", Text: blocker}}})
}

// seedUpdate files in as addr's answer to a prompt of the team's first
// check-in for the day of in.AnsweredAt (the prompt is created here) and
// returns the update's ID.
func seedUpdate(t *testing.T, db *store.DB, slug, addr string, in store.UpdateInput) int64 {
	t.Helper()
	ctx := context.Background()
	team, err := db.FindTeam(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	m, err := db.MemberByAddress(ctx, addr)
	if err != nil {
		t.Fatal(err)
	}
	cis, err := db.FindCheckIns(ctx, team.ID)
	if err != nil || len(cis) == 0 {
		t.Fatalf("check-ins %v %v", cis, err)
	}
	at := in.AnsweredAt
	p := store.Prompt{CheckInID: cis[0].ID, MemberID: m.ID, TeamID: team.ID, Period: at.Format("2006-01-02"), Status: store.PromptSent,
		DueAt: at.Add(-time.Hour), ExpiresAt: at.Add(20 * time.Hour)}
	if err := db.CreatePrompt(ctx, &p); err != nil {
		t.Fatal(err)
	}
	in.PromptID = p.ID
	u, _, err := db.SaveUpdate(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// newChromium starts headless Chromium for the test; nothing but loopback
// resolves.
func newChromium(t *testing.T, path string) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox,
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	tab, cancelTab := chromedp.NewContext(actx)
	if err := chromedp.Do(tab, chromedp.Navigate("about:blank")); err != nil {
		cancelTab()
		cancelAlloc()
		t.Fatalf("start chromium: %v", err)
	}
	t.Cleanup(func() { cancelTab(); cancelAlloc() })
	return tab
}

// shots saves the page as NAME-375.png and NAME-1280.png.
func shots(t *testing.T, tab context.Context, name string) {
	t.Helper()
	dir := htmlcheck.ScreenshotDir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, w := range []int64{375, 1280} {
		err := chromedp.Do(tab, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := cdp.Call(ctx, t, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
				Width: w, Height: 800, DeviceScaleFactor: 1, Mobile: w < 600})
			return err
		}))
		var png []byte
		if err == nil {
			png, err = chromedp.Run(tab, chromedp.FullScreenshot(100))
		}
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%d.png", name, w)), png, 0o644)
		}
		if err != nil {
			t.Fatalf("screenshot %s at %d: %v", name, w, err)
		}
	}
	if err := chromedp.Do(tab, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.ClearDeviceMetricsOverride, cdp.Empty{})
		return err
	})); err != nil {
		t.Fatal(err)
	}
}

// sessionCookie is the browser's archive session cookie.
func sessionCookie(t *testing.T, tab context.Context) *http.Cookie {
	t.Helper()
	var cs []*network.Cookie
	if err := chromedp.Do(tab, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		res, err := cdp.Call(ctx, t, network.GetCookies, network.GetCookiesParams{})
		cs = res.Cookies
		return err
	})); err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.Name == "tidings_session" {
			if !c.HTTPOnly || c.SameSite != network.CookieSameSiteLax {
				t.Errorf("session cookie: HttpOnly %v SameSite %v", c.HTTPOnly, c.SameSite)
			}
			return &http.Cookie{Name: c.Name, Value: c.Value}
		}
	}
	t.Fatal("no session cookie in the browser")
	return nil
}

// get fetches u with the cookie, without following redirects.
func get(t *testing.T, u string, c *http.Cookie) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.AddCookie(c)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// htmlPart returns the decoded text/html part of a message.
func htmlPart(t *testing.T, raw []byte) string {
	t.Helper()
	r, err := msgmail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	for {
		p, err := r.NextPart()
		if err != nil {
			t.Fatalf("no text/html part: %v", err)
		}
		if h, ok := p.Header.(*msgmail.InlineHeader); ok {
			if ct, _, _ := h.ContentType(); ct == "text/html" {
				b, _ := io.ReadAll(p.Body)
				return string(b)
			}
		}
	}
}
