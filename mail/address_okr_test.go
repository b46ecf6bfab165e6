package mail

import (
	"errors"
	"testing"
)

func TestParseOKRsAddress(t *testing.T) {
	s, err := NewSigner("secret")
	if err != nil {
		t.Fatal(err)
	}
	a := Addresses{Domain: "tidings.example.com", Signer: s}
	exists := func(slug string) bool { return slug == "platform" }
	r, err := a.Parse("OKRs+Platform@Tidings.Example.com", exists)
	if err != nil || r.Kind != RcptOKRs || r.Team != "platform" {
		t.Errorf("okrs+platform = %+v, %v", r, err)
	}
	for _, bad := range []string{"okrs@tidings.example.com", "okrs+nope@tidings.example.com"} {
		if _, err := a.Parse(bad, exists); !errors.Is(err, ErrUnknownRecipient) {
			t.Errorf("%s: err = %v, want unknown recipient", bad, err)
		}
	}
	if got := a.OKRs("platform"); got != "okrs+platform@tidings.example.com" {
		t.Errorf("OKRs = %s", got)
	}
}
