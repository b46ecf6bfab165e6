package main

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/tidings-app/tidings"

// TestImportDirection enforces the package graph: store and templates
// import no other package of ours, and the mail packages and digest never
// import each other.
func TestImportDirection(t *testing.T) {
	out, err := exec.Command("go", "list", "-json=ImportPath,Deps", module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	seen := 0
	for dec.More() {
		var p struct {
			ImportPath string
			Deps       []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		seen++
		pkg := strings.TrimPrefix(p.ImportPath, module+"/")
		for _, d := range p.Deps {
			if !strings.HasPrefix(d, module+"/") {
				continue
			}
			dep := strings.TrimPrefix(d, module+"/")
			if msg := forbidden(pkg, dep); msg != "" {
				t.Errorf("%s imports %s: %s", pkg, dep, msg)
			}
		}
	}
	if seen < 5 {
		t.Fatalf("go list saw only %d packages", seen)
	}
}

func forbidden(pkg, dep string) string {
	top := func(p string) string { s, _, _ := strings.Cut(p, "/"); return s }
	switch {
	case pkg == "store" || pkg == "templates":
		return "store and templates import no other package of ours"
	case pkg == "store/storetest" && dep != "store":
		return "storetest may only import store"
	case top(pkg) == "mail" && top(dep) == "digest":
		return "mail never imports digest"
	case top(pkg) == "digest" && top(dep) == "mail":
		return "digest never imports mail (it declares its own Sender)"
	case pkg == "mail/ask" && (dep == "mail/inbound" || dep == "mail/outbound" || dep == "mail/meeting"):
		return "mail/ask imports only store, templates, mail and mail/reply"
	case pkg == "mail/oneonone" && dep != "mail" && dep != "mail/reply" && top(dep) == "mail":
		return "mail/oneonone reads replies with mail/reply and queues through its own Mailer"
	case top(pkg) == "mail" && pkg != "mail/oneonone" && dep == "mail/oneonone":
		return "one-on-one content stays in mail/oneonone (inbound calls it through an interface)"
	case top(pkg) == "web" && (top(dep) == "mail" || top(dep) == "digest"):
		return "web reads through store and never imports mail/... or digest (it declares its own Mailer)"
	case (top(pkg) == "mail" || top(pkg) == "digest") && top(dep) == "web":
		return "mail and digest never import web (cmd/tidings wires links in)"
	case top(pkg) != "cmd" && top(dep) == "cmd":
		return "nothing imports cmd"
	}
	return ""
}

func TestForbiddenRules(t *testing.T) {
	for _, c := range []struct {
		pkg, dep string
		bad      bool
	}{
		{"store", "templates", true}, {"templates", "store", true}, {"mail/outbound", "digest", true},
		{"digest", "mail", true}, {"digest", "mail/outbound", true}, {"mail/inbound", "store", false},
		{"digest", "store", false}, {"cmd/tidings", "digest", false}, {"mail/inbound", "mail/reply", false},
		{"mail/ask", "mail/outbound", true}, {"mail/ask", "mail/inbound", true}, {"mail/ask", "mail/reply", false},
		{"mail/oneonone", "mail/outbound", true}, {"mail/inbound", "mail/oneonone", true}, {"mail/oneonone", "mail/reply", false},
		{"cmd/tidings", "mail/oneonone", false},
		{"web", "mail", true}, {"web", "mail/outbound", true}, {"web", "digest", true}, {"web", "store", false},
		{"web", "templates", false}, {"mail/outbound", "web", true}, {"digest", "web", true}, {"cmd/tidings", "web", false},
	} {
		if got := forbidden(c.pkg, c.dep) != ""; got != c.bad {
			t.Errorf("forbidden(%s, %s) = %v, want %v", c.pkg, c.dep, got, c.bad)
		}
	}
}
