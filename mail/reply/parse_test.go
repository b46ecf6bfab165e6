package reply

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the want.json sections of testdata/cases")

// testNow stands in for a missing Date header in tests.
var testNow = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

// goldenCase is one testdata/cases/NAME.txtar file.
type goldenCase struct {
	name    string
	path    string
	archive *txtar.Archive
	message []byte
	opts    Options
	want    []byte
}

// caseOptions is the options.json section.
type caseOptions struct {
	Checkin string `json:"checkin"`
	Rcpt    string `json:"rcpt"`
}

func loadCases(tb testing.TB) []goldenCase {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "cases", "*.txtar"))
	if err != nil || len(paths) == 0 {
		tb.Fatalf("no test cases: %v", err)
	}
	var cases []goldenCase
	for _, p := range paths {
		a, err := txtar.ParseFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		c := goldenCase{name: strings.TrimSuffix(filepath.Base(p), ".txtar"), path: p, archive: a, opts: Options{Now: testNow}}
		for _, f := range a.Files {
			switch f.Name {
			case "message.eml":
				c.message = f.Data
			case "want.json":
				c.want = f.Data
			case "options.json":
				var o caseOptions
				if err := json.Unmarshal(f.Data, &o); err != nil {
					tb.Fatalf("%s: options.json: %v", p, err)
				}
				if o.Checkin == "weekly" {
					c.opts.Questions = Weekly()
				}
				c.opts.Rcpt = o.Rcpt
			}
		}
		if c.message == nil {
			tb.Fatalf("%s: no message.eml section", p)
		}
		cases = append(cases, c)
	}
	return cases
}

func render(tb testing.TB, m *Message) []byte {
	tb.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// TestGolden parses every case and compares with its want.json; -update
// rewrites them (review every change by eye: goldens say what is right).
func TestGolden(t *testing.T) {
	for _, c := range loadCases(t) {
		t.Run(c.name, func(t *testing.T) {
			m, err := Parse(c.message, c.opts)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got := render(t, m)
			if *update {
				writeWant(t, c, got)
				return
			}
			if !bytes.Equal(got, c.want) {
				t.Errorf("mismatch (run with -update after checking):\n--- got\n%s\n--- want\n%s", got, c.want)
			}
		})
	}
}

func writeWant(t *testing.T, c goldenCase, got []byte) {
	t.Helper()
	found := false
	for i := range c.archive.Files {
		if c.archive.Files[i].Name == "want.json" {
			c.archive.Files[i].Data, found = got, true
		}
	}
	if !found {
		c.archive.Files = append(c.archive.Files, txtar.File{Name: "want.json", Data: got})
	}
	if err := os.WriteFile(c.path, txtar.Format(c.archive), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestParseRejectsNonMessages(t *testing.T) {
	for name, raw := range map[string]string{
		"empty":   "",
		"blank":   "\r\n\r\n  \n",
		"garbage": "\x00\x01\x02\xff\xfe binary junk without any header\n",
	} {
		if _, err := Parse([]byte(raw), Options{}); err == nil {
			t.Errorf("%s: no error", name)
		} else if !strings.HasPrefix(err.Error(), "reply: ") {
			t.Errorf("%s: error %q lacks the reply: prefix", name, err)
		}
	}
}

func TestParseMalformedStillGivesJSON(t *testing.T) {
	raw := "From: ana@example.com\nSubject: Re: Daily\nContent-Type: text/plain; charset=x-klingon\n\nYesterday: shipped it\n"
	m, err := Parse([]byte(raw), Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if m.Kind != KindReply || len(m.Answers) != 1 || m.Answers[0].Text != "shipped it" {
		t.Errorf("got kind %s answers %+v", m.Kind, m.Answers)
	}
	joined := strings.Join(m.Warnings, "|")
	if !strings.Contains(joined, "charset x-klingon not supported") || !strings.Contains(joined, "no Date header") {
		t.Errorf("warnings = %q", m.Warnings)
	}
}
