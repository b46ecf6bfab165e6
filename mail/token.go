package mail

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
)

// Purpose separates token namespaces so a reply token cannot be replayed as
// a bounce token and the other way round.
type Purpose string

// Token purposes.
const (
	PurposeReply  Purpose = "reply"  // id is a prompt ID
	PurposeBounce Purpose = "bounce" // id is an outbound message ID
	// PurposeConfirm signs a pending meeting note's ID in the address its
	// sender replies to (confirm+TOKEN) to prove they sent it.
	PurposeConfirm Purpose = "confirm"
)

// macLen is the truncated HMAC length: 80 bits is far beyond what an
// attacker can guess over SMTP, and keeps addresses short.
const macLen = 10

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// ErrBadToken means a token is malformed, truncated or forged.
var ErrBadToken = errors.New("mail: invalid token")

// Signer makes and checks tokens under the server secret.
type Signer struct {
	secret []byte
}

// NewSigner returns a Signer for secret, which must not be empty.
func NewSigner(secret string) (*Signer, error) {
	if secret == "" {
		return nil, errors.New("mail: empty secret")
	}
	return &Signer{secret: []byte(secret)}, nil
}

// Token returns the lowercase base32 token for id: the ID as a varint
// followed by a truncated HMAC-SHA256 over purpose and ID. Tokens survive
// mail servers that change case and need no lookup table.
func (s *Signer) Token(p Purpose, id int64) string {
	buf := binary.AppendUvarint(nil, uint64(id))
	buf = append(buf, s.mac(p, buf)...)
	return strings.ToLower(b32.EncodeToString(buf))
}

// Verify returns the ID in tok if its HMAC verifies for purpose p, or an
// error wrapping ErrBadToken. Each ID has one spelling, the one Token
// returns, in lower or upper ASCII case (mail servers change case): a
// token with anything but ASCII letters and digits 2-7 (Unicode letters
// that fold to them included), or a base32 spelling with the unused low
// bits of its last character set, is refused.
func (s *Signer) Verify(p Purpose, tok string) (int64, error) {
	if !isBase32ASCII(tok) {
		return 0, ErrBadToken
	}
	canon := strings.ToLower(tok) // ASCII only, checked above
	raw, err := b32.DecodeString(strings.ToUpper(canon))
	if err != nil || len(raw) < macLen+1 || strings.ToLower(b32.EncodeToString(raw)) != canon {
		return 0, ErrBadToken
	}
	id, n := binary.Uvarint(raw)
	if n <= 0 || n+macLen != len(raw) || id == 0 || id > 1<<62 {
		return 0, ErrBadToken
	}
	if !hmac.Equal(raw[n:], s.mac(p, raw[:n])) {
		return 0, ErrBadToken
	}
	return int64(id), nil
}

func (s *Signer) mac(p Purpose, idBytes []byte) []byte {
	h := hmac.New(sha256.New, s.secret)
	fmt.Fprintf(h, "tidings:%s:", p)
	h.Write(idBytes)
	return h.Sum(nil)[:macLen]
}

// isBase32ASCII reports whether tok is non-empty and made only of the
// ASCII characters of the base32 alphabet, in either case.
func isBase32ASCII(tok string) bool {
	if tok == "" {
		return false
	}
	for i := 0; i < len(tok); i++ {
		c := tok[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '2' <= c && c <= '7') {
			return false
		}
	}
	return true
}
