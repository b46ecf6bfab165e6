package inbound

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/tidings-app/tidings/mail/reply"
	"github.com/tidings-app/tidings/store"
)

// reReplace is the first line of a reply that asks to replace every
// answer: "replace:", optionally followed by the start of the text.
var reReplace = regexp.MustCompile(`(?i)^\s*(?:\*\*)?replace\s*(?:all)?\s*(?:\*\*)?\s*:\s*`)

// current returns the prompt's current update, or nil when it has none.
func (j *job) current(ctx context.Context) (*store.Update, error) {
	u, err := j.tx.CurrentUpdate(ctx, j.target.Prompt.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	return u, err
}

// saveAnswers files the reply's answers against the prompt's current
// update cur (nil: none yet) and returns the saved update and a note for
// the message's reason (the update is nil when nothing was saved). A
// second reply amends: it replaces the answers
// to the questions it answers and keeps the others, unless it answers
// every question or starts with "replace:", which replaces them all.
// A second reply whose text the parser could only file by guessing (no
// headings or cues at all) is added to the answers it was filed under
// rather than replacing them: "Forgot to mention: …" must not erase the
// first reply. Either way the previous version stays as a revision
// (store.SaveUpdate).
// A reply written before the current answers is kept as history only.
func (j *job) saveAnswers(ctx context.Context, cur *store.Update, proof string) (*store.Update, string, error) {
	given := answers(j.msg.Answers)
	in := store.UpdateInput{PromptID: j.target.Prompt.ID, Answers: given, HasBlocker: j.msg.HasBlocker,
		InboundID: j.in.ID, AnsweredAt: j.answeredAt(), Proof: proof}
	replaceAll := startsWithReplace(j.msg)
	if replaceAll {
		if in.Answers = stripReplace(given); len(in.Answers) == 0 {
			return nil, `"replace:" with no answers after it: nothing changed`, nil
		}
	}
	mode := "first answer"
	in.ExpectNew = cur == nil
	if cur != nil && cur.InboundID != j.in.ID {
		in.BaseVersion = cur.Version
		qs := j.target.CheckIn.Questions
		switch {
		case in.AnsweredAt.Before(cur.AnsweredAt):
			mode = "written before the current answers: kept as history"
		case replaceAll:
			mode = "replace: every answer replaced"
		case guessed(j.msg):
			in.Answers, in.HasBlocker, _ = merge(qs, cur, given, j.msg.HasBlocker, true)
			mode = fmt.Sprintf("no headings: added to %s, nothing replaced", strings.Join(keys(given), ", "))
		case answersAll(qs, given):
			mode = "every question answered: every answer replaced"
		default:
			var kept []string
			in.Answers, in.HasBlocker, kept = merge(qs, cur, given, j.msg.HasBlocker, false)
			mode = fmt.Sprintf("amended %s, kept %s", strings.Join(keys(given), ", "), strings.Join(kept, ", "))
		}
	}
	in.Answers = store.Judged(in.Answers, reply.IsNegative) // the digest leaves out those that say nothing
	u, changed, err := j.tx.SaveUpdate(ctx, in)
	if err != nil {
		return nil, "", err
	}
	return u, fmt.Sprintf("update %d version %d (changed: %t; %s)", u.ID, u.Version, changed, mode), nil
}

// merge lays the given answers over cur's: an answer to a question
// replaces cur's answer to it (or, with add, is appended to it after a
// blank line), cur's other answers are kept. Answers come in the
// check-in's question order, then any others in the order met. The update
// has a blocker when the new answers say so, or when a kept (or added to)
// answer to a blocker question carried cur's blocker. kept lists the keys
// kept unchanged.
func merge(qs []store.Question, cur *store.Update, given []store.Answer, newBlocker, add bool) ([]store.Answer, bool, []string) {
	byKey := map[string]store.Answer{}
	var order, kept []string
	place := func(k string) {
		if !slices.Contains(order, k) {
			order = append(order, k)
		}
	}
	for _, q := range qs {
		place(q.Key)
	}
	for _, a := range cur.Answers {
		byKey[a.Key] = a
		place(a.Key)
	}
	oldBlockerKept := false
	for _, a := range cur.Answers {
		if add || !slices.ContainsFunc(given, func(g store.Answer) bool { return g.Key == a.Key }) {
			oldBlockerKept = oldBlockerKept || reply.IsBlockerKey(a.Key)
		}
		if !slices.ContainsFunc(given, func(g store.Answer) bool { return g.Key == a.Key }) {
			kept = append(kept, a.Key)
		}
	}
	for _, a := range given {
		if old, ok := byKey[a.Key]; ok && add && strings.TrimSpace(old.Text) != "" {
			if strings.Contains(old.Text, strings.TrimSpace(a.Text)) {
				a.Text = old.Text // the same text sent again adds nothing
			} else {
				a.Text = old.Text + "\n\n" + a.Text
			}
		}
		byKey[a.Key] = a
		place(a.Key)
	}
	out := make([]store.Answer, 0, len(byKey))
	for _, k := range order {
		if a, ok := byKey[k]; ok {
			out = append(out, a)
		}
	}
	if len(kept) == 0 {
		kept = []string{"nothing"}
	}
	return out, newBlocker || (cur.HasBlocker && oldBlockerKept), kept
}

// guessed reports whether the parser filed the reply's text without any
// heading or cue (reply.Message.Unsure says "no cues: …").
func guessed(msg *reply.Message) bool {
	return slices.ContainsFunc(msg.Unsure, func(s string) bool { return strings.HasPrefix(s, "no cues") })
}

// answersAll reports whether given answers every question of qs.
func answersAll(qs []store.Question, given []store.Answer) bool {
	for _, q := range qs {
		if !slices.ContainsFunc(given, func(a store.Answer) bool { return a.Key == q.Key }) {
			return false
		}
	}
	return len(qs) > 0
}

func keys(as []store.Answer) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.Key
	}
	return out
}

// startsWithReplace reports whether the reply's own text starts with
// "replace:".
func startsWithReplace(msg *reply.Message) bool {
	for _, l := range strings.Split(msg.Text, "\n") {
		if strings.TrimSpace(l) != "" {
			return reReplace.MatchString(l)
		}
	}
	return false
}

// stripReplace removes a leading "replace:" from the first answer that
// carries it (the parser files it with the text that follows when there
// are no headings).
func stripReplace(as []store.Answer) []store.Answer {
	out := slices.Clone(as)
	for i, a := range out {
		if loc := reReplace.FindStringIndex(a.Text); loc != nil {
			out[i].Text = strings.TrimSpace(a.Text[loc[1]:])
			if out[i].Text == "" {
				out = slices.Delete(out, i, i+1)
			}
			break
		}
	}
	return out
}

// acks are the short replies that acknowledge rather than answer, in
// their normalised form (see normAck).
var acks = func() map[string]bool {
	m := map[string]bool{}
	for _, s := range []string{"ok", "okay", "okey", "k", "kk", "ok thanks", "ok thank you", "ok thx", "okay thanks",
		"thanks", "thank you", "thanks a lot", "many thanks", "thank you very much", "thx", "ty", "tks", "cheers",
		"great", "great thanks", "cool", "perfect", "noted", "got it", "sounds good", "ack", "roger",
		"+1", "👍", "👌", "🙏", "✅", "✔", "🙂", "😊",
		"merci", "merci beaucoup", "d'accord", "dac", "danke", "danke schön", "dankeschön", "vielen dank", "alles klar",
		"gracias", "muchas gracias", "vale", "obrigado", "obrigada", "valeu", "grazie", "grazie mille",
		"dank je", "dank je wel", "bedankt", "tack", "tak", "takk", "kiitos", "dzięki", "спасибо", "ок", "ありがとう", "谢谢"} {
		m[s] = true
	}
	return m
}()

// isAck reports whether the reply's whole new text is a one-word
// acknowledgement ("ok", "thanks", "+1", "👍", "merci", "danke"), maybe
// followed by the sender's name.
func isAck(msg *reply.Message) bool {
	text := msg.Text
	if strings.TrimSpace(text) == "" {
		var parts []string
		for _, a := range msg.Answers {
			parts = append(parts, a.Text)
		}
		text = strings.Join(parts, "\n")
	}
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if n := len(lines); n > 1 && isOwnName(lines[n-1], msg.FromName) {
		lines = lines[:n-1]
	}
	if len(lines) == 0 || len(lines) > 2 {
		return false
	}
	ack := normAck(strings.Join(lines, " "))
	return ack != "" && acks[ack]
}

// isOwnName reports whether l is the sender's display name, first name or
// initials (a sign-off under "thanks").
func isOwnName(l, name string) bool {
	l = strings.ToLower(strings.Trim(l, " -–—.,"))
	f := strings.Fields(strings.ToLower(name))
	if l == "" || len(f) == 0 {
		return false
	}
	initials := ""
	for _, w := range f {
		initials += string([]rune(w)[0])
	}
	return l == strings.Join(f, " ") || l == f[0] || l == initials
}

// normAck lowercases s, drops punctuation other than "+", emoji skin
// tones and variation selectors, and collapses spaces.
func normAck(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= 0x1F3FB && r <= 0x1F3FF, r == 0xFE0F, r == 0x200D:
			return -1
		case r == '+' || r == '\'':
			return r
		case unicode.IsPunct(r):
			return ' '
		}
		return unicode.ToLower(r)
	}, s)
	f := strings.Fields(s)
	if len(f) > 4 {
		return ""
	}
	return strings.Join(f, " ")
}
