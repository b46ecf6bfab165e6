package main

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

var reYAMLLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlError words a YAML syntax error. For an indentation mistake the
// parser names the line where the enclosing block starts ("line 1: did not
// find expected '-' indicator"); the line to fix is the first one after it
// whose indentation matches no enclosing level, which this finds.
func yamlError(data []byte, err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	m := reYAMLLine.FindStringSubmatch(err.Error())
	if m == nil {
		return msg
	}
	line, _ := strconv.Atoi(m[1])
	if !strings.Contains(m[2], "did not find expected") {
		return msg
	}
	if bad, ok := misindented(data, line); ok {
		return fmt.Sprintf("line %d: indentation does not line up with the lines above (%s)", bad, m[2])
	}
	return msg
}

// misindented returns the first line at or after from whose indentation
// is a tab, or is less than the line before it without returning to an
// enclosing level.
func misindented(data []byte, from int) (int, bool) {
	var levels []int
	for i, raw := range strings.Split(string(data), "\n") {
		n := i + 1
		text := strings.TrimRight(raw, " \r")
		trimmed := strings.TrimLeft(text, " ")
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		if strings.HasPrefix(trimmed, "\t") && n >= from {
			return n, true
		}
		indent := len(text) - len(trimmed)
		popped := false
		for len(levels) > 0 && levels[len(levels)-1] > indent {
			levels, popped = levels[:len(levels)-1], true
		}
		if popped && n >= from && (len(levels) == 0 || levels[len(levels)-1] != indent) {
			return n, true
		}
		if len(levels) == 0 || levels[len(levels)-1] < indent {
			levels = append(levels, indent)
		}
		// "- key: v" opens a mapping two columns in.
		for rest := trimmed; strings.HasPrefix(rest, "- "); {
			rest = strings.TrimLeft(rest[2:], " ")
			indent = len(text) - len(rest)
			levels = append(levels, indent)
		}
	}
	return 0, false
}
