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
	return Addresses{Domain: "tidings.example.com", Signer: s, From: "checkins"}
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
		{"checkins@tidings.example.com", Recipient{Kind: RcptFrom}, nil},
		{"<Checkins@Tidings.Example.COM>", Recipient{Kind: RcptFrom}, nil},
		{"checkins+x@tidings.example.com", Recipient{}, ErrUnknownRecipient},
		{"checkins@evil.example", Recipient{}, ErrRelay},
	}
	for _, c := range cases {
		got, err := a.Parse(c.addr, teams)
		if !errors.Is(err, c.err) || got != c.want {
			t.Errorf("Parse(%q) = %+v, %v; want %+v, %v", c.addr, got, err, c.want, c.err)
		}
	}
}

func TestParseFromAddress(t *testing.T) {
	a := testAddresses(t)
	a.From = ""
	if _, err := a.Parse("checkins@tidings.example.com", nil); !errors.Is(err, ErrUnknownRecipient) {
		t.Errorf("without From configured: %v, want ErrUnknownRecipient", err)
	}
	a.From = "Meetings" // a From naming a reserved mailbox does not take it over
	if got, err := a.Parse("meetings@tidings.example.com", nil); err != nil || got.Kind != RcptMeetings {
		t.Errorf("From=meetings: Parse(meetings@) = %+v, %v; want meetings", got, err)
	}
}

func TestPromptReference(t *testing.T) {
	a := testAddresses(t)
	msgID, key := a.ThreadIDs(42)
	other, _ := NewSigner("another-secret")
	forged := Addresses{Domain: a.Domain, Signer: other}
	forgedID, forgedKey := forged.ThreadIDs(42)
	_, key7 := a.ThreadIDs(7)
	cases := []struct {
		name  string
		ids   []string
		id    int64
		bad   int
		found bool
	}{
		{"key", []string{"<" + key + ">"}, 42, 0, true},
		{"prompt message-id", []string{msgID}, 42, 0, true},
		{"upper case", []string{strings.ToUpper(key)}, 42, 0, true},
		{"first of ours wins", []string{"abc@mail.gmail.com", key7, key}, 7, 0, true},
		{"forged key", []string{forgedKey}, 0, 1, false},
		{"forged message-id", []string{forgedID}, 0, 1, false},
		{"forged then real", []string{forgedKey, key}, 42, 1, true},
		{"id not the token's", []string{strings.Replace(msgID, "prompt-42-", "prompt-43-", 1)}, 0, 1, false},
		{"other domain", []string{strings.Replace(key, a.Domain, "evil.example", 1)}, 0, 0, false},
		{"client ids only", []string{"CAF=x@mail.gmail.com", "welcome@tidings.example.com"}, 0, 0, false},
		{"none", nil, 0, 0, false},
	}
	for _, c := range cases {
		id, bad, found := a.PromptReference(c.ids)
		if id != c.id || bad != c.bad || found != c.found {
			t.Errorf("%s: PromptReference(%q) = %d, %d, %t; want %d, %d, %t", c.name, c.ids, id, bad, found, c.id, c.bad, c.found)
		}
	}
}

func TestFromLocalPart(t *testing.T) {
	for _, c := range []struct{ from, want string }{
		{"Tidings <checkins@tidings.example.com>", "checkins"},
		{"Check-ins@Tidings.Example.com", "check-ins"},
		{`"Team, Tidings" <updates@TIDINGS.example.com>`, "updates"},
		{"Tidings <noreply@mailer.example.net>", ""}, // another domain: not ours to receive
		{"not an address", ""},
		{"", ""},
	} {
		if got := FromLocalPart(c.from, "tidings.example.com"); got != c.want {
			t.Errorf("FromLocalPart(%q) = %q, want %q", c.from, got, c.want)
		}
	}
}

// TestTokenOneSpelling proves each ID has one spelling (up to ASCII
// case): base32 spellings that differ only in the unused low bits of the
// last character, and Unicode letters that case-fold to the token's
// letters, are refused, by Verify and by Parse.
func TestTokenOneSpelling(t *testing.T) {
	a := testAddresses(t)
	const alphabet = "abcdefghijklmnopqrstuvwxyz234567"
	for _, id := range []int64{1, 7, 300, 1 << 40} {
		tok := a.Signer.Token(PurposeReply, id)
		valid := 0
		for _, c := range alphabet {
			v := tok[:len(tok)-1] + string(c)
			if _, err := a.Signer.Verify(PurposeReply, v); err == nil {
				valid++
				if v != tok {
					t.Errorf("id %d: non-canonical spelling %q accepted (canonical %q)", id, v, tok)
				}
			}
		}
		if valid != 1 {
			t.Errorf("id %d: %d spellings of the last character verify, want 1", id, valid)
		}
	}
	folds := map[byte]string{'k': "\u212a", 's': "\u017f", 'i': "\u0131"}
	tested := 0
	for id := int64(1); id < 200 && tested < 3; id++ {
		tok := a.Signer.Token(PurposeReply, id)
		for i := 0; i < len(tok); i++ {
			u, ok := folds[tok[i]]
			if !ok {
				continue
			}
			v := tok[:i] + u + tok[i+1:]
			if _, err := a.Signer.Verify(PurposeReply, v); !errors.Is(err, ErrBadToken) {
				t.Errorf("Unicode-folded token %q accepted", v)
			}
			if _, err := a.Parse("reply+"+v+"@tidings.example.com", nil); !errors.Is(err, ErrUnknownRecipient) {
				t.Errorf("Parse accepted Unicode-folded address reply+%s: %v", v, err)
			}
			tested++
			break
		}
	}
	if tested == 0 {
		t.Fatal("no token with a foldable letter found")
	}
	if _, err := a.Parse("reply+"+a.Signer.Token(PurposeReply, 5)+"@tidings.example.\u212aom", nil); err == nil {
		t.Error("domain with a Kelvin sign accepted")
	}
}

func TestConfirmAddress(t *testing.T) {
	a := testAddresses(t)
	r, err := a.Parse(strings.ToUpper(a.Confirm(12)), nil)
	if err != nil || r != (Recipient{Kind: RcptConfirm, ID: 12}) {
		t.Fatalf("Parse(Confirm(12)) = %+v, %v", r, err)
	}
	// A reply token is not a confirmation token.
	tok := a.Signer.Token(PurposeReply, 12)
	if _, err := a.Parse("confirm+"+tok+"@tidings.example.com", nil); !errors.Is(err, ErrUnknownRecipient) {
		t.Errorf("reply token accepted at confirm+: %v", err)
	}
}
