package templates

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
)

func TestParseAndRenderEscapesHTML(t *testing.T) {
	fsys := fstest.MapFS{
		"note.subject.tmpl": {Data: []byte("Note for\n {{.Name}}\n")},
		"note.txt.tmpl":     {Data: []byte("{{template \"greet\" .}}: {{.Body}}\n")},
		"note.html.tmpl":    {Data: []byte("<p>{{.Body}}</p>")},
		"_greet.txt.tmpl":   {Data: []byte("{{define \"greet\"}}Hi {{.Name}}{{end}}")},
	}
	s, err := Parse(fsys)
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Render("note", map[string]string{"Name": "Ana", "Body": "<script>x</script>"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Subject != "Note for Ana" {
		t.Errorf("subject = %q", r.Subject)
	}
	if r.Text != "Hi Ana: <script>x</script>\n" {
		t.Errorf("text = %q", r.Text)
	}
	if strings.Contains(r.HTML, "<script>") || !strings.Contains(r.HTML, "&lt;script&gt;") {
		t.Errorf("html not escaped: %q", r.HTML)
	}
	if _, err := s.Render("missing", nil); !errors.Is(err, ErrNoTemplate) {
		t.Errorf("missing template: %v", err)
	}
}

func TestOverlayPrefersDirectory(t *testing.T) {
	top := fstest.MapFS{"test.subject.tmpl": {Data: []byte("Custom {{.Name}}")}, "test.txt.tmpl": {Data: []byte("body")}}
	s, err := Parse(Overlay(top))
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Render("test", map[string]string{"Name": "Ana"})
	if err != nil || r.Subject != "Custom Ana" {
		t.Errorf("overlay render = %+v, %v", r, err)
	}
}

func TestDefaultTemplatesParse(t *testing.T) {
	if _, err := Parse(Default()); err != nil {
		t.Fatal(err)
	}
}
