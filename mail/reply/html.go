package reply

import (
	"strings"

	"github.com/inbucket/html2text"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// quoteContainerClasses mark elements whose whole subtree is quoted
// history or a signature (Gmail, Yahoo, Proton, Thunderbird, Outlook web).
var quoteContainerClasses = []string{
	"gmail_quote", "gmail_quote_container", "gmail_signature", "yahoo_quoted",
	"protonmail_quote", "protonmail_signature_block", "moz-signature",
	"ms-outlook-mobile-reference-message", "zmail_extra",
}

// htmlToText cuts the quoted part out of an HTML body by selector and
// renders what is left as plain text.
func htmlToText(src string, w *walker) string {
	doc, err := html.Parse(strings.NewReader(src))
	if err != nil {
		w.warn("HTML unreadable: %v", err)
		return ""
	}
	budget := maxHTMLNodes
	if cut := findQuoteCuts(doc, &budget); len(cut) > 0 {
		for _, n := range cut {
			removeFrom(n)
		}
	}
	if budget <= 0 {
		w.warn("HTML larger than %d nodes; quote search stopped early", maxHTMLNodes)
	}
	text, err := html2text.FromHTMLNode(doc, html2text.Options{OmitLinks: true})
	if err != nil {
		w.warn("HTML to text: %v", err)
	}
	return strings.ReplaceAll(text, "\u00a0", " ")
}

// cutNode is an element to remove; truncate says everything after it in
// document order goes too (separators such as Outlook's reply header).
type cutNode struct {
	n        *html.Node
	truncate bool
}

// findQuoteCuts walks the tree (at most *budget nodes) and returns the
// elements to cut, outermost first.
func findQuoteCuts(doc *html.Node, budget *int) []cutNode {
	var cuts []cutNode
	var visit func(n *html.Node)
	visit = func(n *html.Node) {
		for c := n.FirstChild; c != nil && *budget > 0; c = c.NextSibling {
			*budget--
			if c.Type == html.ElementNode {
				if cut, ok := quoteCut(c); ok {
					cuts = append(cuts, cut)
					continue
				}
			}
			visit(c)
		}
	}
	visit(doc)
	return cuts
}

// quoteCut decides whether element n is quoted history.
func quoteCut(n *html.Node) (cutNode, bool) {
	switch n.DataAtom {
	case atom.Style, atom.Script, atom.Head, atom.Title:
		return cutNode{n: n}, true
	case atom.Blockquote:
		if strings.EqualFold(attr(n, "type"), "cite") {
			return cutNode{n: n}, true
		}
	}
	class := " " + attr(n, "class") + " "
	for _, c := range quoteContainerClasses {
		if strings.Contains(class, " "+c+" ") {
			return cutNode{n: n}, true
		}
	}
	switch attr(n, "id") {
	case "divRplyFwdMsg", "appendonsend", "stopSpelling", "mail-editor-reference-message-container", "Signature":
		return cutNode{n: n, truncate: true}, true
	}
	if strings.Contains(class, " moz-cite-prefix ") || strings.Contains(class, " OutlookMessageHeader ") {
		return cutNode{n: n, truncate: true}, true
	}
	if isOutlookSeparator(n) {
		return cutNode{n: n, truncate: true}, true
	}
	return cutNode{}, false
}

// isOutlookSeparator matches Outlook desktop's reply header: a div with a
// top border whose text starts with a From-like field.
func isOutlookSeparator(n *html.Node) bool {
	if n.DataAtom != atom.Div {
		return false
	}
	style := strings.ToLower(strings.ReplaceAll(attr(n, "style"), " ", ""))
	if !strings.Contains(style, "border-top:solid") {
		return false
	}
	name, _, ok := headerField(strings.TrimSpace(textOf(n, 200)))
	return ok && reHeaderFrom.MatchString(name)
}

// removeFrom removes the cut element, and with truncate everything that
// follows it in document order.
func removeFrom(c cutNode) {
	n := c.n
	if n.Parent == nil {
		return
	}
	if c.truncate {
		for cur := n; cur.Parent != nil; cur = cur.Parent {
			for cur.NextSibling != nil {
				cur.Parent.RemoveChild(cur.NextSibling)
			}
		}
	}
	if n.Parent != nil {
		n.Parent.RemoveChild(n)
	}
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
