package inbound

import "testing"

func TestResolveZone(t *testing.T) {
	for in, want := range map[string]string{
		"Berlin": "Europe/Berlin", "europe/berlin": "Europe/Berlin", "São Paulo": "America/Sao_Paulo",
		"new york": "America/New_York", "Los Angeles": "America/Los_Angeles", "Kolkata": "Asia/Kolkata",
		"UTC": "UTC", "default": "", "America/Argentina/Buenos_Aires": "America/Argentina/Buenos_Aires",
	} {
		got, err := resolveZone(in)
		if err != nil || got != want {
			t.Errorf("resolveZone(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := resolveZone("Atlantis"); err == nil {
		t.Error("Atlantis resolved")
	}
}
