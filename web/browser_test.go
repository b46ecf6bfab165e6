package web_test

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
	"github.com/tidings-app/tidings/templates/htmlcheck"
)

const styleLink = `<link rel="stylesheet" href="/static/style.css">`

// TestPagesInChromium renders every page of the archive in headless
// Chromium (templates/htmlcheck) at 320, 375 and 700 px: text contrast of
// at least 4.5:1 from computed styles, nothing wider than the viewport,
// lang, one <h1>, viewport meta. The stylesheet is inlined (the check
// loads documents from data: URLs and refuses remote resources); the
// digest email itself is checked by the digest's own tests. Screenshots go to TIDINGS_SCREENSHOTS as web-*.png.
func TestPagesInChromium(t *testing.T) {
	browser := htmlcheck.Start(t)
	db, _ := storetest.OpenSQLite(t, store.Options{})
	s := newSite(t, db)
	w := seed(t, db, s.clock.Now())
	css, err := fs.ReadFile(os.DirFS("static"), "style.css")
	if err != nil {
		t.Fatal(err)
	}
	check := func(name, html string) {
		t.Helper()
		if !strings.Contains(html, styleLink) {
			t.Fatalf("%s: no stylesheet link", name)
		}
		html = strings.Replace(html, styleLink, "<style>"+string(css)+"</style>", 1)
		ps, err := browser.Inspect(context.Background(), "web-"+name, html)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, p := range ps {
			if p.Mode == "dark" && p.Kind == "contrast" {
				// The site has no dark theme: dark mode shows the light
				// one, checked above; Chromium's emulation changes
				// nothing but form controls' defaults.
				continue
			}
			t.Errorf("%s: %s", name, p)
		}
	}
	anon := s.browser(t)
	_, body, _ := anon.get("/signin")
	check("signin", body)
	b := s.signIn(t, "lea@example.com")
	for i, u := range append([]string{"/"}, w.urls...) {
		if strings.Contains(u, "/export.") || strings.HasSuffix(u, "/email") {
			continue
		}
		_, body, _ := b.get(u)
		check(fmt.Sprintf("page%02d", i), body)
	}
	_, body, _ = b.get("/no/such/page")
	check("404", body)
}
