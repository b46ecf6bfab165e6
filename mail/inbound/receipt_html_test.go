package inbound_test

import (
	"context"
	"encoding/base64"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

// layoutCheck runs in the page: it reports horizontal overflow, the
// card's width, and the lowest contrast ratio between any text and the
// background behind it (WCAG relative luminance).
const layoutCheck = `(() => {
  const lum = c => { const m = c.match(/[\d.]+/g).slice(0, 3).map(Number).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * m[0] + 0.7152 * m[1] + 0.0722 * m[2]; };
  const bg = el => { for (; el; el = el.parentElement) { const c = getComputedStyle(el).backgroundColor; if (c && !c.endsWith(', 0)') && c !== 'transparent') return c; } return 'rgb(255, 255, 255)'; };
  let min = 99, worst = '';
  for (const el of document.body.querySelectorAll('*')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim() !== '');
    if (!own) continue;
    const a = lum(getComputedStyle(el).color), b = lum(bg(el));
    const r = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (r < min) { min = r; worst = el.textContent.trim().slice(0, 40); }
  }
  const card = document.querySelectorAll('table')[1].getBoundingClientRect().width;
  return {overflow: document.documentElement.scrollWidth > window.innerWidth, card: card, contrast: min, worst: worst};
})()`

type layout struct {
	Overflow bool    `json:"overflow"`
	Card     float64 `json:"card"`
	Contrast float64 `json:"contrast"`
	Worst    string  `json:"worst"`
}

// TestReceiptHTMLInBrowser loads a real receipt's HTML in headless
// Chromium at phone and desktop widths: no horizontal scrolling, the card
// fills a phone screen and stops at 600 px, and every text has a contrast
// of at least 4.5:1 against its background.
func TestReceiptHTMLInBrowser(t *testing.T) {
	browser, err := exec.LookPath("chromium")
	if err != nil {
		if browser, err = exec.LookPath("google-chrome"); err != nil {
			t.Fatal("this test needs chromium or google-chrome on PATH")
		}
	}
	db, _ := storetest.OpenSQLite(t, store.Options{}) // the database plays no part in rendering
	f := newFixture(t, db, withReceipts(t))
	f.reply(t, "freetext_gmail.eml", nil)
	outs := f.receipts(t)
	if len(outs) != 1 {
		t.Fatalf("%d receipts, want 1", len(outs))
	}
	_, _, html := parts(t, outs[0].Raw)
	url := "data:text/html;charset=utf-8;base64," + base64.StdEncoding.EncodeToString([]byte(html))
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(browser), chromedp.NoSandbox)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	for _, width := range []int64{375, 1024} {
		ctx, cancel := chromedp.NewContext(actx)
		ctx, cancelT := context.WithTimeout(ctx, time.Minute)
		err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 800), chromedp.Navigate(url))
		var got layout
		if err == nil {
			got, err = chromedp.Run(ctx, chromedp.Evaluate[layout](layoutCheck))
		}
		cancelT()
		cancel()
		if err != nil {
			t.Fatalf("width %d: %v", width, err)
		}
		if got.Overflow {
			t.Errorf("width %d: the page scrolls sideways", width)
		}
		if wantCard := min(float64(width)-24, 600); got.Card < wantCard-1 || got.Card > wantCard+1 {
			t.Errorf("width %d: card is %.0f px, want %.0f", width, got.Card, wantCard)
		}
		if got.Contrast < 4.5 {
			t.Errorf("width %d: contrast %.2f:1 for %q, want >= 4.5", width, got.Contrast, strings.TrimSpace(got.Worst))
		}
	}
}
