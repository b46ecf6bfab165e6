package okr

import "testing"

func TestContentLanguage(t *testing.T) {
	for raw, want := range map[string]string{
		"From: a@b.c\r\nContent-Language: de-DE, en-US\r\n\r\nKR2: 1.240\r\n": "de-DE",
		"From: a@b.c\r\n\r\nKR2: 1.240\r\n":                                   "",
		"not a message":                                                       "",
	} {
		if got := ContentLanguage([]byte(raw)); got != want {
			t.Errorf("ContentLanguage(%q) = %q, want %q", raw, got, want)
		}
	}
}
