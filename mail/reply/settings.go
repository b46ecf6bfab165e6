package reply

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Member commands beyond the check-in ones: subscribing again and
// settings. Each is one line of its own; Text carries the value as
// written (the zone, "10:00", "mon-thu", "daily"), checked by whoever
// applies it.
var (
	reCmdSubscribe     = regexp.MustCompile(`(?i)^(?:re-?subscribe|subscribe|sign\s+me\s+up(?:\s+again)?|start\s+emails)$`)
	reCmdZone          = regexp.MustCompile(`(?i)^(?:time\s*zone|tz)\s*[:=]?\s+([\p{L}\p{N}_/+\-. ']{2,60})$`)
	reCmdPromptAt      = regexp.MustCompile(`(?i)^(?:prompt|prompts|check-?ins?)\s+(?:at\s+)?(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm)?$`)
	reCmdPromptDefault = regexp.MustCompile(`(?i)^(?:prompt|prompts|check-?ins?)\s+at\s+default$`)
	reCmdDays          = regexp.MustCompile(`(?i)^(?:days|working\s+days|work\s+days)\s*[:=]?\s+((?:mon|tue|wed|thu|fri|sat|sun|weekdays|daily)(?:\s*[,\-]\s*(?:mon|tue|wed|thu|fri|sat|sun))*)$`)
	reCmdDigest        = regexp.MustCompile(`(?i)^digests?\s*[:=]?\s+(daily|weekly|off|none|stop|never|default)$`)
)

// parseMemberCommand reads the commands above; s is the line without
// bullets and trailing punctuation.
func parseMemberCommand(s string) (Command, bool) {
	switch {
	case reCmdSubscribe.MatchString(s):
		return Command{Name: "subscribe"}, true
	}
	if m := reCmdZone.FindStringSubmatch(s); m != nil {
		return Command{Name: "timezone", Text: strings.TrimSpace(m[1])}, true
	}
	if reCmdPromptDefault.MatchString(s) {
		return Command{Name: "prompt_at", Text: "default"}, true
	}
	if m := reCmdPromptAt.FindStringSubmatch(s); m != nil {
		if at, ok := clockOf(m[1], m[2], m[3]); ok {
			return Command{Name: "prompt_at", Text: at}, true
		}
	}
	if m := reCmdDays.FindStringSubmatch(s); m != nil {
		return Command{Name: "days", Text: strings.ToLower(strings.ReplaceAll(m[1], " ", ""))}, true
	}
	if m := reCmdDigest.FindStringSubmatch(s); m != nil {
		v := strings.ToLower(m[1])
		switch v {
		case "none", "stop", "never":
			v = "off"
		}
		return Command{Name: "digest", Text: v}, true
	}
	return Command{}, false
}

// clockOf turns "10", "10:30", "9 am", "3:15pm" into "HH:MM".
func clockOf(hs, ms, ampm string) (string, bool) {
	h, err := strconv.Atoi(hs)
	if err != nil {
		return "", false
	}
	m := 0
	if ms != "" {
		if m, err = strconv.Atoi(ms); err != nil {
			return "", false
		}
	} else if ampm == "" {
		return "", false // a bare number is too likely an answer ("prompt 3")
	}
	switch strings.ToLower(ampm) {
	case "am":
		if h == 12 {
			h = 0
		}
	case "pm":
		if h < 12 {
			h += 12
		}
	}
	if h < 0 || h > 23 || m < 0 || m > 59 || (ampm != "" && (h > 23)) {
		return "", false
	}
	return fmt.Sprintf("%02d:%02d", h, m), true
}
