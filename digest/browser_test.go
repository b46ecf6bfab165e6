package digest_test

import (
	"testing"

	"github.com/tidings-app/tidings/digest"
	"github.com/tidings-app/tidings/templates/htmlcheck"
)

// TestDigestInBrowser renders the realistic week of the golden test with
// digest.Render and checks its HTML in headless Chromium at 320, 375 and
// 700 px, in light and dark mode: nothing wider than the viewport or
// clipped, every text at least 4.5:1 against its background, lang, <h1>
// and role="presentation" on layout tables (see templates/htmlcheck).
// Screenshots go to .ci/artifacts/screenshots/digest-*.png.
func TestDigestInBrowser(t *testing.T) {
	browser := htmlcheck.Start(t)
	p := weekPeriod(t)
	d := build(realisticWeek(), p, p.End)
	r, err := digest.Render(defaultSet(t), d, "https://tidings.example.com/u/abc123")
	if err != nil {
		t.Fatal(err)
	}
	browser.Check(t, "digest", r.HTML)
}
