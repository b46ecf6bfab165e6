// Package htmlcheck renders HTML email in a real headless Chromium and
// reports what a reader would see wrong: a document wider than a phone,
// text below WCAG AA contrast (4.5:1) in light or dark mode, clipped
// content, remote resources, and a missing lang, <h1>, viewport or
// role="presentation" on layout tables. It saves a screenshot of every
// rendering.
//
// Chromium is Debian's (/usr/bin/chromium, or TIDINGS_CHROMIUM), driven
// through the DevTools protocol with chromedp. It never touches the
// network: documents are loaded from data: URLs and host resolution is
// disabled. When Chromium is missing, Start fails the test under CI=true
// and skips it otherwise.
//
// htmlcheck imports no other Tidings package.
package htmlcheck

import (
	"context"
	_ "embed"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

//go:embed check.js
var checkJS string

// widths are the viewport widths every document is checked at: the
// narrowest phone still in use, a common phone, and a desktop reading pane.
var widths = [...]int{320, 375, 700}

// modes are the colour schemes every document is checked in: "light" and
// "dark" (prefers-color-scheme: dark emulated).
var modes = [...]string{"light", "dark"}

// Problem is one thing wrong with a rendering.
type Problem struct {
	Width int    // viewport width in CSS pixels
	Mode  string // "light" or "dark"
	// Kind is "wide" (document wider than the viewport), "contrast"
	// (text/background below 4.5:1), "clipped" (overflow hidden cuts
	// content), "outside" (an element extends beyond the viewport),
	// "remote" (a resource was fetched) or "structure" (lang, <h1>,
	// viewport meta, role="presentation").
	Kind   string
	Detail string
}

func (p Problem) String() string {
	return fmt.Sprintf("%dpx %s: %s: %s", p.Width, p.Mode, p.Kind, p.Detail)
}

// Reporter is the part of testing.TB that Check reports to.
type Reporter interface {
	Helper()
	Errorf(format string, args ...any)
}

// Browser is one headless Chromium with one tab, started by Start and
// stopped when the test that started it ends. Start it once per test
// binary (one test with a subtest per document) and reuse it: checks are
// serialised on its tab.
type Browser struct {
	tab   context.Context
	stop  func()
	shots string // screenshot folder
	mu    sync.Mutex
}

// ExecPath is the Chromium binary Start uses: TIDINGS_CHROMIUM when set
// (and "" when that file does not exist), else /usr/bin/chromium, else
// chromium or chromium-browser on PATH; "" when there is none.
func ExecPath() string {
	if p := os.Getenv("TIDINGS_CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return ""
		}
		return p
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	for _, n := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	return ""
}

// Start launches Chromium for the rest of test t (it is closed in
// t.Cleanup). Without Chromium it fails t when the environment variable
// CI is "true" and skips t otherwise. Screenshots go to ScreenshotDir().
func Start(t testing.TB) *Browser {
	t.Helper()
	path := ExecPath()
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("htmlcheck: chromium not found (install Debian's chromium package, or set TIDINGS_CHROMIUM)")
		} else {
			t.Skip("htmlcheck: chromium not found; skipping outside CI")
		}
		return nil // for a testing.TB whose Fatal and Skip return
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints"),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("safebrowsing-disable-auto-update", true),
		chromedp.Flag("password-store", "basic"),
		// Nothing resolves: no request can leave the machine.
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.Flag("proxy-server", "127.0.0.1:9"),
		chromedp.Flag("proxy-bypass-list", "<-loopback>"),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	tab, cancelTab := chromedp.NewContext(actx)
	// The first Run starts the browser; its context must not time out.
	if err := chromedp.Do(tab, chromedp.Navigate("about:blank")); err != nil {
		cancelTab()
		cancelAlloc()
		t.Fatalf("htmlcheck: start %s: %v", path, err)
	}
	b := &Browser{tab: tab, shots: ScreenshotDir(), stop: func() { cancelTab(); cancelAlloc() }}
	t.Cleanup(b.stop)
	return b
}

// ScreenshotDir is where screenshots go: TIDINGS_SCREENSHOTS when set,
// else .ci/artifacts/screenshots at the root of the module the test runs
// in (found by walking up to go.mod), else a folder in the system's
// temporary directory.
func ScreenshotDir() string {
	if d := os.Getenv("TIDINGS_SCREENSHOTS"); d != "" {
		return d
	}
	dir, err := os.Getwd()
	for err == nil {
		if _, serr := os.Stat(filepath.Join(dir, "go.mod")); serr == nil {
			return filepath.Join(dir, ".ci", "artifacts", "screenshots")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return filepath.Join(os.TempDir(), "tidings-screenshots")
}

// Check renders html at widths 320, 375 and 700 px, each in light and
// dark mode, saves a screenshot of each as NAME-WIDTH-MODE.png (and one
// in Chromium's forced dark mode, NAME-375-forced-dark.png, which is not
// checked), and reports every problem (and any browser error) to t as an
// error.
func (b *Browser) Check(t Reporter, name, html string) {
	t.Helper()
	ps, err := b.Inspect(context.Background(), name, html)
	if err != nil {
		t.Errorf("htmlcheck %s: %v", name, err)
		return
	}
	for _, p := range ps {
		t.Errorf("htmlcheck %s: %s", name, p)
	}
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// Inspect is Check returning the problems instead of reporting them. The
// error is a browser or file error, not a problem of the document.
func (b *Browser) Inspect(ctx context.Context, name, html string) ([]Problem, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.tab.Err(); err != nil {
		return nil, fmt.Errorf("browser: %w", err)
	}
	// A bound against a stuck browser, not a performance assertion.
	tab, cancel := context.WithTimeout(b.tab, 2*time.Minute)
	defer cancel()
	defer context.AfterFunc(ctx, cancel)()
	if err := os.MkdirAll(b.shots, 0o755); err != nil {
		return nil, fmt.Errorf("screenshots: %w", err)
	}
	url := "data:text/html;charset=utf-8;base64," + base64.StdEncoding.EncodeToString([]byte(html))
	var out []Problem
	first := true
	for _, w := range widths {
		for _, mode := range modes {
			if err := chromedp.Do(tab, layout(w, mode)); err != nil {
				return out, fmt.Errorf("%dpx %s: %w", w, mode, err)
			}
			if first {
				// Load after the first layout so that the page starts
				// at the right size.
				if err := chromedp.Do(tab, chromedp.Navigate(url)); err != nil {
					return out, fmt.Errorf("load: %w", err)
				}
			}
			ps, err := chromedp.Run(tab, chromedp.Evaluate[[]Problem](fmt.Sprintf("(%s)(%t)", strings.TrimSpace(checkJS), first)))
			if err != nil {
				return out, fmt.Errorf("%dpx %s: check: %w", w, mode, err)
			}
			first = false
			for _, p := range ps {
				p.Width, p.Mode = w, mode
				if p.Kind == "structure" {
					p.Width, p.Mode = 0, "any"
				}
				out = append(out, p)
			}
			png, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
			if err != nil {
				return out, fmt.Errorf("%dpx %s: screenshot: %w", w, mode, err)
			}
			file := filepath.Join(b.shots, fmt.Sprintf("%s-%d-%s.png", unsafeName.ReplaceAllString(name, "_"), w, mode))
			if err := os.WriteFile(file, png, 0o644); err != nil {
				return out, fmt.Errorf("screenshot: %w", err)
			}
		}
	}
	// Forced dark (Chromium's auto dark mode, what some mail apps do to
	// light-only mail): a screenshot to look at, not checked — computed
	// styles do not show the colours it paints.
	if err := chromedp.Do(tab, layout(375, "light"), autoDark(true)); err != nil {
		return out, fmt.Errorf("forced dark: %w", err)
	}
	png, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
	if err == nil {
		err = os.WriteFile(filepath.Join(b.shots, unsafeName.ReplaceAllString(name, "_")+"-375-forced-dark.png"), png, 0o644)
	}
	if derr := chromedp.Do(tab, autoDark(false)); err == nil {
		err = derr
	}
	if err != nil {
		return out, fmt.Errorf("forced dark: %w", err)
	}
	return out, nil
}

// autoDark turns Chromium's automatic dark theme on or off.
func autoDark(on bool) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, t, emulation.SetAutoDarkModeOverride, emulation.SetAutoDarkModeOverrideParams{Enabled: &on})
		return chromedp.Void{}, err
	}
}

// layout sets the viewport width (800 px tall, not mobile, so that the
// page lays out at exactly that width) and the colour scheme.
func layout(width int, mode string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, t, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
			Width: int64(width), Height: 800, DeviceScaleFactor: 1})
		if err != nil {
			return chromedp.Void{}, err
		}
		_, err = cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: mode}}})
		return chromedp.Void{}, err
	}
}
