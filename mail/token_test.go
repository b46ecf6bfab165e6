package mail

import (
	"errors"
	"strings"
	"testing"
)

func testAddresses(t *testing.T) Addresses {
	s, err := NewSigner("test-secret")
	if err != nil {
		t.Fatal(err)
	}
	return Addresses{Domain: "tidings.example.com", Signer: s}
}

func TestTokenRoundTripAndCase(t *testing.T) {
	a := testAddresses(t)
	for _, id := range []int64{1, 42, 1 << 40} {
		tok := a.Signer.Token(PurposeReply, id)
		if tok != strings.ToLower(tok) {
			t.Errorf("token %q not lowercase", tok)
		}
		for _, v := range []string{tok, strings.ToUpper(tok)} {
			got, err := a.Signer.Verify(PurposeReply, v)
			if err != nil || got != id {
				t.Errorf("Verify(%q) = %d, %v; want %d", v, got, err, id)
			}
		}
		if _, err := a.Signer.Verify(PurposeBounce, tok); !errors.Is(err, ErrBadToken) {
			t.Errorf("reply token accepted as bounce token")
		}
	}
}

func TestTokenForgedOrTruncated(t *testing.T) {
	a := testAddresses(t)
	tok := a.Signer.Token(PurposeReply, 7)
	other, _ := NewSigner("another-secret")
	flip := []byte(tok)
	if flip[3] == 'a' {
		flip[3] = 'b'
	} else {
		flip[3] = 'a'
	}
	for name, bad := range map[string]string{
		"truncated":    tok[:len(tok)-2],
		"flipped":      string(flip),
		"other secret": other.Token(PurposeReply, 7),
		"empty":        "",
		"not base32":   "!!!!",
	} {
		if _, err := a.Signer.Verify(PurposeReply, bad); !errors.Is(err, ErrBadToken) {
			t.Errorf("%s token %q accepted", name, bad)
		}
	}
}

func TestParseAddresses(t *testing.T) {
	a := testAddresses(t)
	teams := func(s string) bool { return s == "platform" }
	cases := []struct {
		addr string
		want Recipient
		err  error
	}{
		{a.Reply(9), Recipient{Kind: RcptReply, ID: 9}, nil},
		{strings.ToUpper(a.Reply(9)), Recipient{Kind: RcptReply, ID: 9}, nil},
		{"<" + a.Bounce(3) + ">", Recipient{Kind: RcptBounce, ID: 3}, nil},
		{"meetings@tidings.example.com", Recipient{Kind: RcptMeetings}, nil},
		{"Meetings+Platform@Tidings.Example.com", Recipient{Kind: RcptMeetings, Team: "platform"}, nil},
		{"meetings+ghosts@tidings.example.com", Recipient{}, ErrUnknownRecipient},
		{"postmaster@tidings.example.com", Recipient{Kind: RcptPostmaster}, nil},
		{"postmaster", Recipient{Kind: RcptPostmaster}, nil},
		{"ana@tidings.example.com", Recipient{}, ErrUnknownRecipient},
		{"reply+abc@tidings.example.com", Recipient{}, ErrUnknownRecipient},
		{strings.Replace(a.Reply(9), "tidings.example.com", "evil.example", 1), Recipient{}, ErrRelay},
	}
	for _, c := range cases {
		got, err := a.Parse(c.addr, teams)
		if !errors.Is(err, c.err) || got != c.want {
			t.Errorf("Parse(%q) = %+v, %v; want %+v, %v", c.addr, got, err, c.want, c.err)
		}
	}
}
