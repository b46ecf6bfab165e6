package reply

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// cutKind says what a cut element is.
type cutKind uint8

const (
	cutDrop      cutKind = iota // styles, scripts, signatures: thrown away
	cutQuote                    // a cited blockquote or a quote container
	cutContainer                // a quote container that is not a blockquote (Gmail's gmail_quote div)
	cutCite                     // Thunderbird's "On … wrote:" prefix; what follows is history
	cutHeader                   // Outlook's reply/forward header; what follows is history
)

// cutNode is an element to remove; truncate says everything after it in
// document order goes too (separators such as Outlook's reply header).
type cutNode struct {
	n        *html.Node
	kind     cutKind
	truncate bool
	// signature marks a dropped signature block, reported in Removed.
	signature bool
}

// quoteContainerClasses mark elements whose whole subtree is quoted
// history (Gmail, Yahoo, Proton, Outlook mobile, Zoho).
var quoteContainerClasses = []string{
	"gmail_quote", "gmail_quote_container", "yahoo_quoted", "protonmail_quote",
	"ms-outlook-mobile-reference-message", "zmail_extra",
}

// signatureClasses mark signature blocks.
var signatureClasses = []string{"gmail_signature", "protonmail_signature_block", "moz-signature"}

// findQuoteCuts walks the tree (at most *budget nodes) and returns the
// elements to cut, outermost first. With interleave, quoted blocks and
// containers stay (only signatures, styles and Outlook headers are cut),
// and containers are searched inside.
func findQuoteCuts(doc *html.Node, budget *int, interleave bool) []cutNode {
	var cuts []cutNode
	var visit func(n *html.Node)
	visit = func(n *html.Node) {
		for c := n.FirstChild; c != nil && *budget > 0; c = c.NextSibling {
			*budget--
			if c.Type != html.ElementNode {
				continue
			}
			cut, ok := quoteCut(c)
			switch {
			case ok && interleave && cut.kind == cutQuote:
				continue // kept whole, rendered as "> " lines
			case ok && interleave && cut.kind == cutCite:
			case ok && !(interleave && cut.kind == cutContainer):
				cuts = append(cuts, cut)
				continue
			}
			visit(c)
		}
	}
	visit(doc)
	return cuts
}

// quoteCut decides whether element n is quoted history, a signature or
// something else not written by the sender.
func quoteCut(n *html.Node) (cutNode, bool) {
	switch n.DataAtom {
	case atom.Style, atom.Script, atom.Head, atom.Title:
		return cutNode{n: n}, true
	case atom.Blockquote:
		if strings.EqualFold(attr(n, "type"), "cite") || hasClass(n, quoteContainerClasses) {
			return cutNode{n: n, kind: cutQuote}, true
		}
	case atom.Hr:
		if isOutlookHR(n) {
			return cutNode{n: n, kind: cutHeader, truncate: true}, true
		}
	}
	if hasClass(n, signatureClasses) {
		return cutNode{n: n, signature: true}, true
	}
	if hasClass(n, quoteContainerClasses) {
		return cutNode{n: n, kind: cutContainer}, true
	}
	switch attr(n, "id") {
	case "Signature":
		return cutNode{n: n, truncate: true, signature: true}, true
	case "divRplyFwdMsg", "appendonsend", "stopSpelling", "mail-editor-reference-message-container":
		return cutNode{n: n, kind: cutHeader, truncate: true}, true
	}
	switch {
	case hasClass(n, []string{"moz-cite-prefix"}):
		return cutNode{n: n, kind: cutCite, truncate: true}, true
	case hasClass(n, []string{"OutlookMessageHeader"}) || isOutlookSeparator(n):
		return cutNode{n: n, kind: cutHeader, truncate: true}, true
	}
	return cutNode{}, false
}

// hasClass reports whether n has one of the classes.
func hasClass(n *html.Node, classes []string) bool {
	class := attr(n, "class")
	if class == "" {
		return false
	}
	for _, have := range strings.Fields(class) {
		for _, c := range classes {
			if have == c {
				return true
			}
		}
	}
	return false
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
	return startsWithFrom(n)
}

// isOutlookHR matches the rule Outlook on the web puts above its reply or
// forward header: an <hr> whose next element is #divRplyFwdMsg or starts
// with a From-like field.
func isOutlookHR(n *html.Node) bool {
	next := n.NextSibling
	for next != nil && next.Type != html.ElementNode {
		if next.Type == html.TextNode && strings.TrimSpace(next.Data) != "" {
			return false
		}
		next = next.NextSibling
	}
	if next == nil {
		return false
	}
	return attr(next, "id") == "divRplyFwdMsg" || startsWithFrom(next)
}

// startsWithFrom reports whether the text under n starts with a From-like
// header field ("From:", "Von:", "De :").
func startsWithFrom(n *html.Node) bool {
	name, _, ok := headerField(strings.TrimSpace(textOf(n, 200)))
	return ok && reHeaderFrom.MatchString(name)
}

// textAfterQuote reports whether some text that is neither quoted nor a
// signature follows a quoted blockquote: the member may have answered
// between quoted lines.
func textAfterQuote(doc *html.Node) bool {
	seenQuote, found := false, false
	budget := maxHTMLNodes
	var visit func(n *html.Node)
	visit = func(n *html.Node) {
		for c := n.FirstChild; c != nil && !found && budget > 0; c = c.NextSibling {
			budget--
			switch c.Type {
			case html.TextNode:
				found = seenQuote && strings.TrimSpace(c.Data) != ""
				continue
			case html.ElementNode:
				if cut, ok := quoteCut(c); ok {
					switch cut.kind {
					case cutQuote:
						seenQuote = true
						continue
					case cutDrop, cutHeader:
						continue
					}
				}
			}
			visit(c)
		}
	}
	visit(doc)
	return found
}
