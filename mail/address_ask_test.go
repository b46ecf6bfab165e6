package mail

import (
	"errors"
	"strings"
	"testing"
)

// TestAskAddresses proves ask+TEAM and fyi+TEAM are accepted only for
// existing teams, and answer+/asker+ tokens only when they verify for
// their own purpose.
func TestAskAddresses(t *testing.T) {
	s, err := NewSigner("k")
	if err != nil {
		t.Fatal(err)
	}
	a := Addresses{Domain: "tidings.test", Signer: s}
	exists := func(slug string) bool { return slug == "platform" }
	for _, c := range []struct {
		addr string
		kind string
		id   int64
		team string
	}{
		{a.Ask("platform"), RcptAsk, 0, "platform"},
		{"ASK@Tidings.test", RcptAsk, 0, ""},
		{a.FYI("platform"), RcptFYI, 0, "platform"},
		{a.Answer(42), RcptAnswer, 42, ""},
		{a.Asker(7), RcptAsker, 7, ""},
	} {
		r, err := a.Parse(c.addr, exists)
		if err != nil || r.Kind != c.kind || r.ID != c.id || r.Team != c.team {
			t.Errorf("Parse(%q) = %+v, %v; want %s %d %q", c.addr, r, err, c.kind, c.id, c.team)
		}
	}
	// A prompt's reply token is no answer token, and no team "nope".
	bad := []string{"answer+" + s.Token(PurposeReply, 42) + "@tidings.test", "asker+" + s.Token(PurposeAnswer, 7) + "@tidings.test",
		"ask+nope@tidings.test", "fyi+nope@tidings.test"}
	for _, addr := range bad {
		if _, err := a.Parse(addr, exists); !errors.Is(err, ErrUnknownRecipient) {
			t.Errorf("Parse(%q) err %v, want ErrUnknownRecipient", addr, err)
		}
	}
}

// TestAnswerReference proves a copy's Message-ID leads back to its
// recipient only with a verifying token for the same ID.
func TestAnswerReference(t *testing.T) {
	s, _ := NewSigner("k")
	a := Addresses{Domain: "tidings.test", Signer: s}
	id := a.AnswerMessageID(9)
	if rid, ok := a.AnswerReference([]string{"<other@x>", "<" + strings.ToUpper(id) + ">"}); !ok || rid != 9 {
		t.Errorf("AnswerReference(%s) = %d, %t", id, rid, ok)
	}
	forged := strings.Replace(id, "ask-copy.9.", "ask-copy.8.", 1)
	if _, ok := a.AnswerReference([]string{forged, "ask-copy.9." + s.Token(PurposeAnswer, 9) + "@tidings.test"}); ok {
		t.Error("a forged or foreign-purpose reference verified")
	}
}
