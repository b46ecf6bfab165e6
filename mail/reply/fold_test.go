package reply

import (
	"regexp"
	"slices"
	"testing"
)

func TestFoldKeyIsRegexpFolding(t *testing.T) {
	for _, c := range []struct {
		a, b string
		same bool
	}{
		{"Thanks", "THANKS", true},
		{"thanks", "THANKſ", true}, // long s folds to s
		{"make", "MAKE", true},     // Kelvin sign folds to k
		{"Grüße", "GRÜSSE", false}, // no full case folding in regexps either
		{"İyi", "iyi", false},      // dotted capital I has no simple fold
		{"ΣΑΣ", "σας", true},       // final sigma
	} {
		if got := foldKey(c.a) == foldKey(c.b); got != c.same {
			t.Errorf("foldKey(%q) == foldKey(%q): %v, want %v", c.a, c.b, got, c.same)
		}
		re := regexp.MustCompile(`(?i)^` + regexp.QuoteMeta(c.a) + `$`)
		if re.MatchString(c.b) != c.same {
			t.Errorf("the regexp disagrees on %q ~ %q", c.a, c.b)
		}
	}
}

func TestLeadingLiterals(t *testing.T) {
	got := []string{}
	for _, alt := range splitTopLevel(`thanks|thank\s+you|obrigad[oa]|att\.?|ab?c|(?:x|y)z|a\+|dank\s+je(?:\s+wel)?|ขอบคุณ(?:ครับ|ค่ะ)?`) {
		got = append(got, leadingLiteral(alt))
	}
	want := []string{"thanks", "thank", "obrigad", "att", "a", "", "a", "dank", "ขอบคุณ"}
	if !slices.Equal(got, want) {
		t.Errorf("leading literals = %q, want %q", got, want)
	}
}

func TestPrefixFilter(t *testing.T) {
	f := newPrefixFilter(`thanks|best\s+regards|ab?c|ขอบคุณ`)
	for s, want := range map[string]bool{
		"Thanks all,": true, "THANKſ": true, "Best regards, Dana": true, "best": true,
		"ac": true, "abc": true, "ขอบคุณครับ": true,
		"Yesterday: worked": false, "Regards": false, "b": false, "": false,
	} {
		if got := f.may(s); got != want {
			t.Errorf("may(%q) = %v, want %v", s, got, want)
		}
	}
	if !newPrefixFilter(`x|(?:a|b)c`).may("zzz") {
		t.Error("an alternative without a leading literal must let everything through")
	}
}
