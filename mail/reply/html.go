package reply

import (
	"strings"

	"github.com/inbucket/html2text"
	"golang.org/x/net/html"
)

// htmlBody is an HTML body rendered as text.
type htmlBody struct {
	// text is what the sender wrote: quoted history, separators and
	// signatures cut out.
	text string
	// quoted holds the cut history (Outlook's reply/forward header and what
	// follows it, quote containers, cited blockquotes) in document order,
	// nil when nothing was cut; see quotedText.
	quoted *html.Node
	// interleaved is the body with quoted blocks kept as "> " lines, when
	// some text sits after a quoted block; else "". The parser uses it when
	// the member answered between the quoted questions.
	interleaved string
	// signatures are the texts of signature blocks the HTML marks as such
	// (Gmail's gmail_signature, Outlook's id="Signature"), cut out.
	signatures []string
	w          *walker
}

// quotedText renders the cut history as text ("" when nothing was cut).
func (b *htmlBody) quotedText() string {
	if b == nil || b.quoted == nil {
		return ""
	}
	return renderHTML(b.quoted, b.w)
}

// htmlToText cuts the quoted part out of an HTML body by selector and
// renders what is left as plain text. When text follows a quoted block it
// also renders the body with the quotes kept (a second parse: the tree is
// changed by cutting).
func htmlToText(src string, w *walker) *htmlBody {
	out := &htmlBody{w: w}
	doc, err := html.Parse(strings.NewReader(src))
	if err != nil {
		w.warn("HTML unreadable: %v", err)
		return out
	}
	budget := maxHTMLNodes
	cuts := findQuoteCuts(doc, &budget, false)
	if budget <= 0 {
		w.warn("HTML larger than %d nodes; quote search stopped early", maxHTMLNodes)
	}
	if textAfterQuote(doc) {
		if doc2, err := html.Parse(strings.NewReader(src)); err == nil {
			budget = maxHTMLNodes
			applyCuts(doc2, findQuoteCuts(doc2, &budget, true), nil)
			out.interleaved = tidyQuotes(renderHTML(doc2, w))
		}
	}
	var sigs []*html.Node
	out.quoted = applyCuts(doc, cuts, &sigs)
	for _, n := range sigs {
		if t := strings.TrimSpace(renderHTML(n, w)); t != "" {
			out.signatures = append(out.signatures, t)
		}
	}
	out.text = renderHTML(doc, w)
	return out
}

// renderHTML turns a tree into plain text.
func renderHTML(n *html.Node, w *walker) string {
	text, err := html2text.FromHTMLNode(n, html2text.Options{OmitLinks: true})
	if err != nil {
		w.warn("HTML to text: %v", err)
	}
	return joinLoneBullets(strings.ReplaceAll(text, "\u00a0", " "))
}

// tidyQuotes drops the empty quoted lines html2text leaves at the edges
// of a blockquote and squeezes runs of empty lines to one.
func tidyQuotes(text string) string {
	lines := strings.Split(text, "\n")
	empty := func(i int) bool { return i < 0 || i >= len(lines) || strings.TrimSpace(lines[i]) == "" }
	quoteEmpty := func(i int) bool { return i >= 0 && i < len(lines) && strings.Trim(lines[i], "> ") == "" && !empty(i) }
	out := lines[:0]
	for i, l := range lines {
		last := len(out) - 1
		prevEmpty := last < 0 || strings.Trim(out[last], "> ") == ""
		switch {
		case quoteEmpty(i) && (prevEmpty || empty(i+1) || quoteEmpty(i+1)):
			continue
		case empty(i) && last >= 0 && strings.TrimSpace(out[last]) == "":
			continue
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

// joinLoneBullets puts a list item's text back on its bullet line:
// html2text renders <li><div>text</div></li> (Outlook on the web) as a
// line "* " and the text on the next line.
func joinLoneBullets(text string) string {
	if !strings.Contains(text, "* \n") {
		return text
	}
	lines := strings.Split(text, "\n")
	out := lines[:0]
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if strings.TrimSpace(l) == "*" && i+1 < len(lines) && strings.TrimSpace(lines[i+1]) != "" {
			l = strings.TrimRight(l, " ") + " " + strings.TrimSpace(lines[i+1])
			i++
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

// applyCuts removes the cut elements from doc, and with truncate what
// follows them. Quoted history is moved, in document order, under the
// returned element (nil when no history was cut); the rest is dropped.
// Signature blocks are appended to sigs when it is not nil.
func applyCuts(doc *html.Node, cuts []cutNode, sigs *[]*html.Node) *html.Node {
	var quoted *html.Node
	for _, c := range cuts {
		if !attachedTo(c.n, doc) {
			continue // inside history already moved
		}
		if c.kind == cutDrop {
			removeFrom(c, nil)
			if c.signature && sigs != nil {
				*sigs = append(*sigs, c.n)
			}
			continue
		}
		if quoted == nil {
			quoted = &html.Node{Type: html.DocumentNode}
		}
		removeFrom(c, quoted)
	}
	return quoted
}

// removeFrom detaches the cut element, and with truncate everything that
// follows it in document order, appending them to dst when it is not nil.
func removeFrom(c cutNode, dst *html.Node) {
	n := c.n
	moved := []*html.Node{n}
	if c.truncate {
		for cur := n; cur.Parent != nil; cur = cur.Parent {
			for s := cur.NextSibling; s != nil; s = s.NextSibling {
				moved = append(moved, s)
			}
		}
	}
	for _, m := range moved {
		if m.Parent != nil {
			m.Parent.RemoveChild(m)
		}
		if dst != nil {
			dst.AppendChild(m)
		}
	}
}

// attachedTo reports whether n is still inside root.
func attachedTo(n, root *html.Node) bool {
	for ; n != nil; n = n.Parent {
		if n == root {
			return true
		}
	}
	return false
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// textOf returns up to max bytes of the text under n.
func textOf(n *html.Node, max int) string {
	var b strings.Builder
	var visit func(*html.Node)
	visit = func(n *html.Node) {
		for c := n.FirstChild; c != nil && b.Len() < max; c = c.NextSibling {
			if c.Type == html.TextNode {
				b.WriteString(c.Data)
			}
			visit(c)
		}
	}
	visit(n)
	return b.String()
}
