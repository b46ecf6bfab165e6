package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// PageLinkTTL is how long a page link in an email signs its recipient in.
const PageLinkTTL = 14 * 24 * time.Hour

// ErrBadLink means a page link is malformed, forged or expired.
var ErrBadLink = errors.New("web: invalid or expired link")

// Links makes and checks the page links put in emails:
// PUBLIC_URL/l/TOKEN, where TOKEN carries the recipient's member ID, an
// expiry and the archive path to open, under an HMAC-SHA256 of the server
// secret. Such a link signs in only the member it names: it cannot be
// changed to name another (the MAC would not verify), and the archive
// still checks what that member may see. Links need no row, so a digest
// to thousands of readers writes nothing per reader.
type Links struct {
	key  []byte
	base string
}

// NewLinks returns the signer for secret (not empty) and the public URL.
func NewLinks(secret, publicURL string) (*Links, error) {
	if secret == "" {
		return nil, errors.New("web: empty secret")
	}
	h := sha256.Sum256([]byte("tidings:web-links:" + secret))
	return &Links{key: h[:], base: strings.TrimRight(publicURL, "/")}, nil
}

var b64 = base64.RawURLEncoding

// Page returns the link that signs memberID in and opens path (an archive
// path starting with "/", e.g. "/t/platform/d/12"), valid until expires.
func (l *Links) Page(memberID int64, path string, expires time.Time) string {
	buf := binary.AppendUvarint(nil, uint64(memberID))
	buf = binary.AppendUvarint(buf, uint64(expires.Unix()))
	buf = append(buf, path...)
	return l.base + "/l/" + b64.EncodeToString(buf) + "." + b64.EncodeToString(l.mac(buf))
}

// DigestPage is the link to a team's digest for period, for memberID, valid
// PageLinkTTL from now.
func (l *Links) DigestPage(team, period string, memberID int64, now time.Time) string {
	return l.Page(memberID, "/t/"+team+"/d/"+period, now.Add(PageLinkTTL))
}

// PromptPage is a prompt email's link for its member: the page of the
// update that answers the prompt (the update does not exist yet when the
// prompt is sent; the page redirects to it once it does), valid
// PageLinkTTL from now.
func (l *Links) PromptPage(team string, promptID, memberID int64, now time.Time) string {
	return l.Page(memberID, "/t/"+team+"/p/"+strconv.FormatInt(promptID, 10), now.Add(PageLinkTTL))
}

// verify returns the member and path of tok, or ErrBadLink when it is
// malformed, forged or expired at now.
func (l *Links) verify(tok string, now time.Time) (int64, string, error) {
	body, sig, ok := strings.Cut(tok, ".")
	if !ok {
		return 0, "", ErrBadLink
	}
	raw, err1 := b64.DecodeString(body)
	mac, err2 := b64.DecodeString(sig)
	if err1 != nil || err2 != nil || !hmac.Equal(mac, l.mac(raw)) {
		return 0, "", ErrBadLink
	}
	id, n := binary.Uvarint(raw)
	if n <= 0 || id == 0 || id > 1<<62 {
		return 0, "", ErrBadLink
	}
	exp, m := binary.Uvarint(raw[n:])
	if m <= 0 || exp > 1<<62 {
		return 0, "", ErrBadLink
	}
	if !now.Before(time.Unix(int64(exp), 0)) {
		return 0, "", fmt.Errorf("%w: expired", ErrBadLink)
	}
	return int64(id), safePath(string(raw[n+m:])), nil
}

func (l *Links) mac(b []byte) []byte {
	h := hmac.New(sha256.New, l.key)
	h.Write([]byte("page:"))
	h.Write(b)
	return h.Sum(nil)[:16]
}

// safePath keeps p only when it is a path of this site ("/..." but not
// "//host" or "/\host"), else "/": redirects never leave the archive.
func safePath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") ||
		strings.ContainsAny(p, "\r\n") {
		return "/"
	}
	return p
}
