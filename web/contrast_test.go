package web

import (
	"math"
	"regexp"
	"strconv"
	"testing"
)

// TestStylesheetContrast checks every text/background pair the
// stylesheet uses against WCAG AA (4.5:1), from the colours declared in
// :root. (TestPagesInChromium checks the rendered pages' computed styles.)
func TestStylesheetContrast(t *testing.T) {
	css, err := files.ReadFile("static/style.css")
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{}
	for _, m := range regexp.MustCompile(`--([a-z-]+):\s*(#[0-9a-fA-F]{6})`).FindAllStringSubmatch(string(css), -1) {
		vars[m[1]] = m[2]
	}
	pairs := [][2]string{
		{"fg", "bg"}, {"muted", "bg"}, {"link", "bg"}, {"error", "bg"},
		{"fg", "panel"}, {"muted", "panel"}, {"link", "panel"},
		{"fg", "warn-bg"}, {"muted", "warn-bg"}, {"link", "warn-bg"}, {"warn-fg", "warn-bg"},
		{"fg", "mark-bg"}, {"btn-fg", "btn-bg"},
	}
	for _, p := range pairs {
		fg, bg := vars[p[0]], vars[p[1]]
		if fg == "" || bg == "" {
			t.Fatalf("--%s or --%s not declared", p[0], p[1])
		}
		if r := contrast(fg, bg); r < 4.5 {
			t.Errorf("--%s %s on --%s %s: contrast %.2f:1, want ≥ 4.5", p[0], fg, p[1], bg, r)
		}
	}
	if r := contrast("#777777", "#ffffff"); r >= 4.5 {
		t.Errorf("contrast(#777, #fff) = %.2f: the formula is wrong", r)
	}
}

// contrast is the WCAG 2 contrast ratio of two #rrggbb colours.
func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

func luminance(hex string) float64 {
	ch := func(i int) float64 {
		v, _ := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		c := float64(v) / 255
		if c <= 0.04045 {
			return c / 12.92
		}
		return math.Pow((c+0.055)/1.055, 2.4)
	}
	return 0.2126*ch(0) + 0.7152*ch(1) + 0.0722*ch(2)
}
