package reply

// Work caps. They bound time and memory for hostile or huge messages; what
// lies beyond them is ignored and reported in Message.Warnings.
const (
	// maxPartBytes is the most bytes read from any one text part.
	maxPartBytes = 1 << 20
	// maxTrimLines is the most lines of a body the trimmer examines.
	maxTrimLines = 4000
	// maxLineBytes is the longest line the line classifiers look at; longer
	// lines are always plain text.
	maxLineBytes = 2000
	// maxParts is the most MIME parts visited in one message.
	maxParts = 100
	// maxDepth is the deepest MIME nesting (multiparts and message/rfc822)
	// descended into.
	maxDepth = 8
	// maxHTMLNodes is the most HTML nodes examined when cutting quotes.
	maxHTMLNodes = 50000
)
