package templates

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"path"
	"strings"
	texttemplate "text/template"
	"time"
)

//go:embed all:files
var embedded embed.FS

// Default returns the embedded templates.
func Default() fs.FS {
	sub, err := fs.Sub(embedded, "files")
	if err != nil {
		panic(err) // the embed pattern guarantees the directory
	}
	return sub
}

// Overlay returns a file system that serves files from dir when present and
// the embedded defaults otherwise.
func Overlay(dir fs.FS) fs.FS { return overlay{top: dir, base: Default()} }

type overlay struct{ top, base fs.FS }

func (o overlay) Open(name string) (fs.File, error) {
	if f, err := o.top.Open(name); err == nil {
		return f, nil
	}
	return o.base.Open(name)
}

func (o overlay) ReadDir(name string) ([]fs.DirEntry, error) {
	seen := map[string]bool{}
	var out []fs.DirEntry
	for _, f := range []fs.FS{o.top, o.base} {
		es, err := fs.ReadDir(f, name)
		if err != nil {
			continue
		}
		for _, e := range es {
			if !seen[e.Name()] {
				seen[e.Name()] = true
				out = append(out, e)
			}
		}
	}
	return out, nil
}

// Set is a parsed collection of message templates. It is safe for
// concurrent use.
type Set struct {
	text map[string]*texttemplate.Template // "NAME.subject", "NAME.txt"
	html map[string]*htmltemplate.Template // "NAME.html"
}

// Rendered is one message rendered from a Set.
type Rendered struct {
	Subject string
	Text    string
	HTML    string // empty when the message has no HTML template
}

// ErrNoTemplate means the Set has no template of that name.
var ErrNoTemplate = errors.New("templates: no such template")

// Parse parses every *.tmpl file at the root of fsys.
func Parse(fsys fs.FS) (*Set, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	s := &Set{text: map[string]*texttemplate.Template{}, html: map[string]*htmltemplate.Template{}}
	var textPartials, htmlPartials []string
	var names []string
	for _, e := range entries {
		n := e.Name()
		switch {
		case !strings.HasSuffix(n, ".tmpl"):
		case strings.HasPrefix(n, "_") && strings.HasSuffix(n, ".html.tmpl"):
			htmlPartials = append(htmlPartials, n)
		case strings.HasPrefix(n, "_"):
			textPartials = append(textPartials, n)
		default:
			names = append(names, n)
		}
	}
	for _, n := range names {
		key := strings.TrimSuffix(n, ".tmpl")
		if strings.HasSuffix(key, ".html") {
			t, err := htmltemplate.New(n).Funcs(htmltemplate.FuncMap(Funcs())).ParseFS(fsys, append([]string{n}, htmlPartials...)...)
			if err != nil {
				return nil, fmt.Errorf("templates: %s: %w", n, err)
			}
			s.html[key] = t
			continue
		}
		t, err := texttemplate.New(n).Funcs(Funcs()).ParseFS(fsys, append([]string{n}, textPartials...)...)
		if err != nil {
			return nil, fmt.Errorf("templates: %s: %w", n, err)
		}
		s.text[key] = t
	}
	return s, nil
}

// Render renders message name with data: its subject (one line, trimmed),
// its text and, when it has one, its HTML.
func (s *Set) Render(name string, data any) (Rendered, error) {
	var r Rendered
	subj, ok1 := s.text[name+".subject"]
	txt, ok2 := s.text[name+".txt"]
	if !ok1 || !ok2 {
		return r, fmt.Errorf("%w: %s (need %s.subject.tmpl and %s.txt.tmpl)", ErrNoTemplate, name, name, name)
	}
	var b bytes.Buffer
	if err := subj.Execute(&b, data); err != nil {
		return r, fmt.Errorf("templates: %s subject: %w", name, err)
	}
	r.Subject = strings.Join(strings.Fields(b.String()), " ")
	b.Reset()
	if err := txt.Execute(&b, data); err != nil {
		return r, fmt.Errorf("templates: %s text: %w", name, err)
	}
	r.Text = b.String()
	if h, ok := s.html[name+".html"]; ok {
		b.Reset()
		if err := h.Execute(&b, data); err != nil {
			return r, fmt.Errorf("templates: %s html: %w", name, err)
		}
		r.HTML = b.String()
	}
	return r, nil
}

// Has reports whether message name exists.
func (s *Set) Has(name string) bool {
	_, ok := s.text[name+".txt"]
	return ok
}

// Funcs are the helpers every template can call.
func Funcs() texttemplate.FuncMap {
	return texttemplate.FuncMap{
		"date":     func(t time.Time) string { return t.Format("Mon 2 Jan") },
		"datetime": func(t time.Time) string { return t.Format("Mon 2 Jan 15:04") },
		"clock":    func(t time.Time) string { return t.Format("15:04") },
		"weekday":  func(t time.Time) string { return t.Format("Mon") },
		"add":      func(a, b int) int { return a + b },
		"repeat":   strings.Repeat,
		"indent": func(n int, s string) string {
			pad := strings.Repeat(" ", n)
			return pad + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n"+pad)
		},
		"lines": func(s string) []string { return strings.Split(strings.TrimRight(s, "\n"), "\n") },
		"base":  path.Base,
		// nbsp keeps a date or time on one line in HTML: {{date .Due | nbsp}}.
		"nbsp": NBSP,
		// zone names t's zone as people do: "São Paulo" ({{zone .Due}} time).
		"zone":     ZoneOf,
		"zonename": ZoneName,
		// page is the data of the shared "email_open" partial: the
		// document title and the hidden preheader.
		"page": func(title, preheader string) map[string]string {
			return map[string]string{"title": title, "preheader": preheader}
		},
		"plural": func(n int) string {
			if n == 1 {
				return ""
			}
			return "s"
		},
	}
}
