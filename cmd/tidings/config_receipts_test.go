package main

import (
	"strings"
	"testing"
)

// TestReceiptsKey proves the receipts key is optional (default unsure),
// reaches the store's spec, and that a bad value is refused with the file
// and line of the key.
func TestReceiptsKey(t *testing.T) {
	cfg, err := LoadConfig(writeConfig(t, validTeam), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Specs()[0].Receipts; got != "" {
		t.Errorf("receipts without the key = %q, want empty (the default, unsure)", got)
	}
	for _, v := range []string{"unsure", "always", "never"} {
		body := strings.Replace(validTeam, "name: Platform", "name: Platform\n    receipts: "+v, 1)
		cfg, err := LoadConfig(writeConfig(t, body), noEnv)
		if err != nil {
			t.Fatalf("receipts: %s rejected: %v", v, err)
		}
		if got := cfg.Specs()[0].Receipts; got != v {
			t.Errorf("spec receipts = %q, want %q", got, v)
		}
	}
	body := strings.Replace(validTeam, "name: Platform", "name: Platform\n    receipts: sometimes", 1)
	p := writeConfig(t, body)
	_, err = LoadConfig(p, noEnv)
	want := p + `:6: team "platform": receipts "sometimes" must be unsure, always or never`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %q", err, want)
	}
}
