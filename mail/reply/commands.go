package reply

import (
	"regexp"
	"strings"
	"time"
)

var (
	reCmdSkip   = regexp.MustCompile(`(?i)^(?:skip|skip\s+(?:today|this\s+one|this\s+week|it|for\s+today|this)|pass|no\s+update(?:\s+today)?|nothing\s+today)$`)
	reCmdAway   = regexp.MustCompile(`(?i)^(?:i'?m\s+|i\s+am\s+)?(?:ooo|out\s+of\s+(?:the\s+)?office|on\s+vacation|on\s+holiday|on\s+holidays|on\s+leave|on\s+pto|pto|away|vacation|off)(?:\s+(?:until|till|til|through|thru|to|back)\s+(.+)|\s+for\s+(.+))?$`)
	reCmdPause  = regexp.MustCompile(`(?i)^pause(?:\s+until\s+(.+)|\s+(?:for\s+)?(.+))?$`)
	reCmdResume = regexp.MustCompile(`(?i)^(?:resume|unpause|i'?m\s+back|back)$`)
	reCmdUnsub  = regexp.MustCompile(`(?i)^unsubscribe$`)
	// reCmdUnsubAll stops every email, whatever it answers.
	reCmdUnsubAll = regexp.MustCompile(`(?i)^(?:unsubscribe\s+(?:all|everything|from\s+everything)|stop\s+(?:all\s+)?emails|stop\s+everything|remove\s+me)$`)
	reCmdHelp     = regexp.MustCompile(`(?i)^(?:help|commands|\?)$`)
	reCmdDone     = regexp.MustCompile(`(?i)^done\s*[:：]\s*(.+)$`)
	reBullet      = regexp.MustCompile(`^\s*(?:[-*•+]\s+|\d{1,2}[.)]\s+)`)
)

// parseCommand reads one line as a command. Dates are read against ref;
// warn receives a note when a date cannot be read.
func parseCommand(line string, ref time.Time, warn func(string)) (Command, bool) {
	s := strings.TrimSpace(reBullet.ReplaceAllString(line, ""))
	s = strings.Trim(s, "*_")
	bare := strings.TrimRight(s, ".!")
	switch {
	case reCmdSkip.MatchString(bare):
		return Command{Name: "skip"}, true
	case reCmdResume.MatchString(bare):
		return Command{Name: "resume"}, true
	case reCmdUnsub.MatchString(bare):
		return Command{Name: "unsubscribe"}, true
	case reCmdUnsubAll.MatchString(bare):
		return Command{Name: "unsubscribe", Text: "all"}, true
	case reCmdHelp.MatchString(bare):
		return Command{Name: "help"}, true
	}
	if c, ok := parseMemberCommand(bare); ok {
		return c, true
	}
	if m := reCmdDone.FindStringSubmatch(s); m != nil {
		return Command{Name: "done", Text: strings.TrimSpace(strings.TrimRight(m[1], "."))}, true
	}
	if m := reCmdAway.FindStringSubmatch(bare); m != nil {
		return Command{Name: "away", Until: untilOf(m[1], m[2], ref, warn)}, true
	}
	if m := reCmdPause.FindStringSubmatch(bare); m != nil {
		return Command{Name: "pause", Until: untilOf(m[1], m[2], ref, warn)}, true
	}
	return Command{}, false
}

// untilOf reads "Dec 3" (a day) or "2 weeks" (a period from ref).
func untilOf(day, period string, ref time.Time, warn func(string)) string {
	switch {
	case day != "":
		if d, ok := dayAfter(day, ref); ok {
			return ymd(d)
		}
		warn("command: date not understood: " + day)
	case period != "":
		if d, ok := addPeriod(period, ref); ok {
			return ymd(d)
		}
		if d, ok := dayAfter(period, ref); ok {
			return ymd(d)
		}
		warn("command: period not understood: " + period)
	}
	return ""
}
