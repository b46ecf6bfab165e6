package main

import (
	"strings"
	"time"

	"github.com/tidings-app/tidings/mail/reply"
	"github.com/tidings-app/tidings/store"
)

// OneOnOneConfig is one recurring one-on-one of a team:
//
//	one_on_ones:
//	  - { lead: ben@example.com, member: ana@example.com, schedule: "every 2nd tue 15:00", prepare: 48h }
//
// The schedule is read in the lead's time zone; each person sees times in
// their own.
type OneOnOneConfig struct {
	Lead     string   `yaml:"lead"`
	Member   string   `yaml:"member"`
	Schedule string   `yaml:"schedule"`
	Prepare  Duration `yaml:"prepare"` // agenda prompt this long before; default 48h
	Agenda   Duration `yaml:"agenda"`  // merged agenda this long before; default 3h
	// ShareMood shows the member's mood trend to the lead.
	ShareMood bool `yaml:"share_mood"`
	// Feedback asks both, an hour after the meeting, "Was this 1:1 useful? 1–5".
	Feedback  bool             `yaml:"feedback"`
	Questions []store.Question `yaml:"questions"` // default: reply.OneOnOneQuestions()
}

// Defaults of a one-on-one.
const (
	defaultPrepare = 48 * time.Hour
	defaultAgenda  = 3 * time.Hour
)

// validateOneOnOnes checks team t's pairs and fills in defaults; errors
// name the line of the offending key.
func (c *Config) validateOneOnOnes(t *TeamConfig, at []any) error {
	in := map[string]MemberConfig{}
	for _, m := range t.Members {
		in[strings.ToLower(m.Email)] = m
	}
	seen := map[string]bool{}
	for i := range t.OneOnOnes {
		o := &t.OneOnOnes[i]
		oat := append(append([]any{}, at...), "one_on_ones", i)
		key := func(k ...any) []any { return append(append([]any{}, oat...), k...) }
		_, ok := in[strings.ToLower(o.Lead)]
		if !ok {
			return c.errAt("team %q one-on-one: lead %q is not a member of the team", key("lead"), t.Slug, o.Lead)
		}
		if _, ok := in[strings.ToLower(o.Member)]; !ok {
			return c.errAt("team %q one-on-one: member %q is not a member of the team", key("member"), t.Slug, o.Member)
		}
		if strings.EqualFold(o.Lead, o.Member) {
			return c.errAt("team %q one-on-one: lead and member are the same person", key("member"), t.Slug)
		}
		pair := strings.ToLower(o.Lead + " " + o.Member)
		if seen[pair] {
			return c.errAt("team %q: duplicate one-on-one %s with %s", key("member"), t.Slug, o.Lead, o.Member)
		}
		seen[pair] = true
		s, err := store.ParseSchedule(o.Schedule)
		if err != nil {
			return c.errAt("one-on-one %s with %s: %v", key("schedule"), o.Lead, o.Member, err)
		}
		if !s.Weekly() {
			return c.errAt("one-on-one %s with %s: schedule %q must name one weekday and one time (e.g. \"every 2nd tue 15:00\")", key("schedule"), o.Lead, o.Member, o.Schedule)
		}
		if o.Prepare == 0 {
			o.Prepare = Duration(defaultPrepare)
		}
		agendaAt := key("agenda")
		if o.Agenda == 0 {
			o.Agenda, agendaAt = Duration(defaultAgenda), key("prepare")
		}
		if o.Prepare < 0 || o.Prepare > Duration(14*24*time.Hour) {
			return c.errAt("one-on-one %s with %s: prepare must be between 0 and 14 days", key("prepare"), o.Lead, o.Member)
		}
		if o.Agenda < 0 || o.Agenda >= o.Prepare {
			return c.errAt("one-on-one %s with %s: agenda (%s) must be shorter than prepare (%s)", agendaAt, o.Lead, o.Member,
				time.Duration(o.Agenda), time.Duration(o.Prepare))
		}
		keys := map[string]bool{}
		for k, q := range o.Questions {
			if q.Key == "" || q.Text == "" || keys[q.Key] {
				return c.errAt("one-on-one %s with %s: each question needs a key and a text, keys unique", key("questions", k), o.Lead, o.Member)
			}
			keys[q.Key] = true
		}
	}
	return nil
}

// OneOnOneSpecs converts every team's pairs into the store's sync input.
func (c *Config) OneOnOneSpecs() []store.OneOnOneSpec {
	var out []store.OneOnOneSpec
	for _, t := range c.Teams {
		for _, o := range t.OneOnOnes {
			qs := o.Questions
			if len(qs) == 0 {
				for _, q := range reply.OneOnOneQuestions() {
					qs = append(qs, store.Question{Key: q.Key, Text: q.Text, Aliases: q.Aliases})
				}
			}
			out = append(out, store.OneOnOneSpec{Team: t.Slug, Lead: o.Lead, Member: o.Member, Schedule: o.Schedule,
				Prepare: time.Duration(o.Prepare), AgendaBefore: time.Duration(o.Agenda), ShareMood: o.ShareMood,
				Feedback: o.Feedback, Questions: qs})
		}
	}
	return out
}
