package main

import (
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestYAMLIndentationErrorNamesTheLine(t *testing.T) {
	for _, c := range []struct {
		doc  string
		line string
	}{
		{"teams:\n  - slug: platform\n    name: Platform\n   timezone: Europe/Berlin\n    members: []\n", "line 4:"},
		{"teams:\n  - slug: platform\n    name: Platform\n    timezone: Europe/Berlin\n    members:\n      - email: a@b.c\n        name: A\n       role: lead\n", "line 8:"},
		{"server:\n  domain: x\n teams:\n  - slug: a\n", "line 3:"},
		{"teams:\n  - slug: platform\n    name: Platform\n      timezone: Europe/Berlin\n", "line 4:"},
	} {
		var n yaml.Node
		err := yaml.Unmarshal([]byte(c.doc), &n)
		if err == nil {
			t.Fatalf("no error for %q", c.doc)
		}
		if got := yamlError([]byte(c.doc), err); !strings.HasPrefix(got, c.line) {
			t.Errorf("%q: %s, want %s", c.doc, got, c.line)
		}
	}
}
