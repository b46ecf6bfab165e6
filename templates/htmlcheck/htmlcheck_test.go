package htmlcheck_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings-app/tidings/templates/htmlcheck"
)

// good is a fluid, accessible email in the shape Tidings uses.
const good = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<style>@media (prefers-color-scheme: dark){.card{background:#161b22!important;color:#e6edf3!important}.muted{color:#9198a1!important}body{background:#0d1117!important}}</style>
<title>ok</title></head>
<body style="margin:0;background:#f6f7f9;color:#1f2328">
<div style="display:none;max-height:0;overflow:hidden;color:#f6f7f9">hidden preheader text that is not read</div>
<table role="presentation" width="100%" style="width:100%"><tr><td style="padding:8px">
<table role="presentation" class="card" width="100%" style="width:100%;max-width:560px;margin:0 auto;background:#fff">
<tr><td style="padding:16px;overflow-wrap:anywhere"><h1 style="margin:0;font-size:20px">Daily check-in</h1>
<p>A long link https://example.com/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa wraps.</p>
<p class="muted" style="color:#57606a">Muted but readable.</p></td></tr></table>
</td></tr></table></body></html>`

// broken is the deliberately broken template: a fixed 600 px table, #999
// text on white, no lang, no heading and a layout table without a role.
const broken = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>broken</title></head>
<body style="margin:0;background:#fff">
<table width="600" style="width:600px"><tr><td><p style="color:#999">Grey on white, too faint.</p></td></tr></table>
<div style="width:200px;overflow:hidden;white-space:nowrap">This sentence is far too long to fit in two hundred pixels and is cut.</div>
</body></html>`

func TestHarness(t *testing.T) {
	b := htmlcheck.Start(t)

	t.Run("good", func(t *testing.T) {
		b.Check(t, "htmlcheck-good", good)
	})

	t.Run("broken template is reported", func(t *testing.T) {
		ps, err := b.Inspect(context.Background(), "htmlcheck-broken", broken)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]bool{
			"320px light: wide: document is":                             false,
			"375px dark: wide: document is":                              false,
			"320px light: contrast: 2.85:1 for #999999 on #ffffff":       false,
			"700px dark: contrast: 2.85:1 for #999999 on #ffffff":        false,
			"320px light: clipped: <div> cuts its content":               false,
			"320px light: outside: <table> spans":                        false,
			"any: structure: no lang attribute":                          false,
			"any: structure: no <h1> heading":                            false,
			"any: structure: no viewport meta tag":                       false,
			`any: structure: layout <table> without role="presentation"`: false,
		}
		for _, p := range ps {
			s := p.String()
			for w := range want {
				if strings.Contains(s, w) {
					want[w] = true
				}
			}
		}
		for w, found := range want {
			if !found {
				t.Errorf("no problem %q among:\n%s", w, join(ps))
			}
		}
		// At 700 px the 600 px table fits: no width problem there.
		for _, p := range ps {
			if p.Width == 700 && p.Kind == "wide" {
				t.Errorf("700px reported wide: %s", p)
			}
		}
		// And Check fails the test it is given.
		var r recorder
		b.Check(&r, "htmlcheck-broken", broken)
		if len(r.errs) < len(want) {
			t.Errorf("Check reported %d errors, want at least %d: %q", len(r.errs), len(want), r.errs)
		}
	})

	t.Run("dark mode is checked", func(t *testing.T) {
		// Dark card, text left dark: fine in light, unreadable in dark.
		doc := strings.Replace(good, ".card{background:#161b22!important;color:#e6edf3!important}", ".card{background:#161b22!important}", 1)
		ps, err := b.Inspect(context.Background(), "htmlcheck-darkfail", doc)
		if err != nil {
			t.Fatal(err)
		}
		var light, dark int
		for _, p := range ps {
			if p.Kind != "contrast" {
				t.Errorf("unexpected problem %s", p)
				continue
			}
			if p.Mode == "light" {
				light++
			} else {
				dark++
			}
		}
		if light != 0 || dark < 3 {
			t.Errorf("contrast problems: %d in light, %d in dark; want 0 and one per width at least:\n%s", light, dark, join(ps))
		}
	})

	t.Run("screenshots", func(t *testing.T) {
		shots := htmlcheck.ScreenshotDir()
		for _, f := range []string{"htmlcheck-good-320-light.png", "htmlcheck-good-375-dark.png", "htmlcheck-good-700-light.png"} {
			st, err := os.Stat(filepath.Join(shots, f))
			if err != nil {
				t.Errorf("screenshot: %v", err)
				continue
			}
			if st.Size() < 1000 {
				t.Errorf("%s is %d bytes", f, st.Size())
			}
		}
	})
}

type recorder struct{ errs []string }

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func join(ps []htmlcheck.Problem) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString("  " + p.String() + "\n")
	}
	return b.String()
}

// TestMissingChromium proves that without Chromium, Start fails the test
// under CI=true and skips it otherwise.
func TestMissingChromium(t *testing.T) {
	t.Setenv("TIDINGS_CHROMIUM", filepath.Join(t.TempDir(), "no-chromium"))
	for _, ci := range []string{"true", ""} {
		t.Setenv("CI", ci)
		f := &fakeTB{TB: t}
		if b := htmlcheck.Start(f); b != nil {
			t.Fatalf("CI=%q: Start returned a browser", ci)
		}
		if ci == "true" && (!f.failed || f.skipped) {
			t.Errorf("CI=true: failed=%v skipped=%v, want a failure", f.failed, f.skipped)
		}
		if ci == "" && (f.failed || !f.skipped) {
			t.Errorf("CI unset: failed=%v skipped=%v, want a skip", f.failed, f.skipped)
		}
	}
}

// fakeTB records Fatal and Skip instead of stopping the test.
type fakeTB struct {
	testing.TB
	failed, skipped bool
}

func (f *fakeTB) Helper()               {}
func (f *fakeTB) Fatal(...any)          { f.failed = true }
func (f *fakeTB) Fatalf(string, ...any) { f.failed = true }
func (f *fakeTB) Skip(...any)           { f.skipped = true }
