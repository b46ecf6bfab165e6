package reply

import (
	"bytes"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// attribRegexpsMatch is isAttribution without its prefilter.
func attribRegexpsMatch(s string) bool {
	s = strings.TrimSpace(strings.TrimLeft(s, " \t>*-"))
	if len(s) < 8 || len(s) > 400 {
		return false
	}
	for _, re := range append(append([]*regexp.Regexp(nil), attribRegexps...), attribRegexpsMore...) {
		if re.MatchString(s) {
			return true
		}
	}
	return false
}

// checkPrefilters fails when a cheap prefilter rejects a line its regexps
// accept (the prefilters must only ever save work).
func checkPrefilters(t *testing.T, l string) {
	t.Helper()
	trimmed := strings.TrimSpace(strings.TrimLeft(l, " \t>*-"))
	if attribRegexpsMatch(l) && !mayBeAttribution(trimmed) {
		t.Errorf("mayBeAttribution rejects attribution %q", l)
	}
	if len(l) <= maxLineBytes && reHeaderLine.MatchString(l) {
		if _, _, ok := headerField(l); !ok {
			t.Errorf("headerField rejects header line %q", l)
		}
	}
	if attribRegexpsMatch(l) && !isAttribution(l) && !reMuttAttrib.MatchString(strings.TrimSpace(l)) {
		t.Errorf("isAttribution (hasAttribVerb) rejects attribution %q", l)
	}
	if f := reMarkdownLink.ReplaceAllString(l, "$1"); len(l) <= 200 && len(strings.Fields(l)) <= 16 && reFooter.MatchString(f) && !mayBeFooter(f) {
		t.Errorf("mayBeFooter rejects footer %q", l)
	}
	if len(l) <= 1200 && reBanner.MatchString(l) && !mayBeBanner(l) {
		t.Errorf("mayBeBanner rejects banner %q", l)
	}
	if reCompany.MatchString(l) && !mayBeCompany(l) {
		t.Errorf("mayBeCompany rejects company line %q", l)
	}
	if len(l) <= 200 && reForwardRule.MatchString(l) {
		if m, _ := isForwardMarker(l); !m {
			t.Errorf("isForwardMarker rejects marker %q", l)
		}
	}
}

// goldenLines returns every line of every golden case, decoded and raw.
func goldenLines(tb testing.TB) []string {
	var lines []string
	for _, c := range loadCases(tb) {
		lines = append(lines, strings.Split(string(c.message), "\n")...)
		if m, err := Parse(c.message, c.opts); err == nil {
			lines = append(lines, strings.Split(m.Text, "\n")...)
		}
		if _, body, ok := bytes.Cut(c.message, []byte("\n\n")); ok {
			lines = append(lines, strings.Split(string(body), "\n")...)
		}
	}
	return lines
}

// round2Lines returns the distinct short lines of the round2 cases' raw
// messages.
func round2Lines() []string {
	var lines []string
	seen := map[string]bool{}
	for _, dir := range []string{"round2", "round2own"} {
		paths, _ := filepath.Glob(filepath.Join("testdata", dir, "*.txtar"))
		for _, p := range paths {
			a, err := txtar.ParseFile(p)
			if err != nil {
				continue
			}
			for _, f := range a.Files {
				if f.Name != "message.eml" {
					continue
				}
				for _, l := range strings.Split(string(f.Data), "\n") {
					if len(l) <= 200 && strings.Contains(l, " ") && !seen[l] {
						seen[l] = true
						lines = append(lines, l)
					}
				}
			}
		}
	}
	return lines
}

func TestPrefiltersKeepMatches(t *testing.T) {
	attributions := []string{
		"On Tue, Nov 24, 2026 at 9:00 AM Tidings <checkins@tidings.example.com> wrote:",
		"On Tue, Nov 24, 2026 at 9:00 AM Tidings wrote",
		"Ana Lima <ana@example.com> wrote:", "ana via Tidings WROTE",
		"Am 24.11.2026 um 09:00 schrieb Ana <a@x.de>:",
		"24 нояб. 2026 г., в 9:00, Ana <a@x.ru> написал(а):",
		"W dniu 24.11.2026 o 09:00, Ana napisał(a)",
		"在 2026年11月24日 09:00，Ana 写道：", "2026年11月24日(火) 9:00 Ana <a@x.jp>:",
		"2016-03-03 17:21 GMT+01:00 Some One",
		"Le mar. 24 nov. 2026 à 09:00, Ana <a@x.fr> a écrit --",
		"El 19/03/2014 11:34, Juan Pérez <juan.perez@example.com> ha escrit:",
		"2016. 11. 8. 오후 12:39 Test user <test@example.com> 작성:",
		"2016/11/08 14:26、Test user <test@example.com> のメッセージ:",
		"Tidings <checkins@example.com>, 24 Kas 2026 Sal, 09:12 tarihinde şunu yazdı:",
	}
	for _, l := range attributions {
		if !attribRegexpsMatch(l) {
			t.Errorf("sample %q is not an attribution", l)
		}
	}
	for _, l := range append(append(attributions, goldenLines(t)...), round2Lines()...) {
		checkPrefilters(t, l)
	}
}

func FuzzPrefilters(f *testing.F) {
	for _, l := range goldenLines(f) {
		f.Add(l)
	}
	f.Fuzz(checkPrefilters)
}

// normQRegexp is the regexp form normQ must agree with.
func normQRegexp(s string) string {
	return strings.TrimSpace(regexp.MustCompile(`[^\pL\pN]+`).ReplaceAllString(strings.ToLower(s), " "))
}

func TestNormQAgreesWithPattern(t *testing.T) {
	lines := append(goldenLines(t), "", "  ", "**1. What did you get done yesterday?**", "Ⅻ. ＡＢＣ ½ — İstanbul", "\xff\xfe bad utf8")
	for _, l := range lines {
		if got, want := normQ(l), normQRegexp(l); got != want {
			t.Errorf("normQ(%q) = %q, want %q", l, got, want)
		}
	}
}
