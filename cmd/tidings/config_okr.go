package main

import (
	"regexp"
	"strings"

	"github.com/tidings-app/tidings/store"
)

// OKRQuarterConfig is a team's objectives for one quarter (`okrs:` in a
// team). The quarters listed here are the source of truth: apply replaces
// what the store holds for them, OKRs confirmed by email included.
type OKRQuarterConfig struct {
	Quarter    string            `yaml:"quarter"` // "2027-Q1"
	Objectives []ObjectiveConfig `yaml:"objectives"`
}

// ObjectiveConfig is one objective.
type ObjectiveConfig struct {
	Title      string            `yaml:"title"`
	Owner      string            `yaml:"owner,omitempty"` // a member's email
	KeyResults []KeyResultConfig `yaml:"key_results"`
}

// KeyResultConfig is one key result. Owner defaults to the objective's;
// direction defaults to up when target > start, else down; a boolean KR
// goes from 0 to 1.
type KeyResultConfig struct {
	Key       string   `yaml:"key"` // "KR1": unique in the team's quarter
	Title     string   `yaml:"title"`
	Owner     string   `yaml:"owner,omitempty"`
	Start     *float64 `yaml:"start"`
	Target    *float64 `yaml:"target"`
	Unit      string   `yaml:"unit"`               // %, number, currency, boolean
	Currency  string   `yaml:"currency,omitempty"` // for unit currency: EUR, USD, $, €…
	Direction string   `yaml:"direction,omitempty"`
}

var krKeyRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]{0,31}$`)

// validateOKRs checks a team's okrs: quarters, owners who are members of
// the team, unique keys, units, and a direction that agrees with start
// and target. Errors carry the line of the offending key.
func (c *Config) validateOKRs(t *TeamConfig, at []any) error {
	members := map[string]bool{}
	for _, m := range t.Members {
		members[strings.ToLower(m.Email)] = true
	}
	quarters := map[string]bool{}
	for i := range t.OKRs {
		oq := &t.OKRs[i]
		qat := append(append([]any{}, at...), "okrs", i)
		q, err := store.ParseQuarter(oq.Quarter)
		if err != nil {
			return c.errAt("team %q okrs: %v", append(qat, "quarter"), t.Slug, err)
		}
		oq.Quarter = q.String()
		if quarters[oq.Quarter] {
			return c.errAt("team %q okrs: quarter %s is listed twice", append(qat, "quarter"), t.Slug, oq.Quarter)
		}
		quarters[oq.Quarter] = true
		if len(oq.Objectives) == 0 {
			return c.errAt("team %q okrs %s: no objectives", qat, t.Slug, oq.Quarter)
		}
		keys := map[string]bool{}
		for j := range oq.Objectives {
			o := &oq.Objectives[j]
			oat := append(append([]any{}, qat...), "objectives", j)
			if strings.TrimSpace(o.Title) == "" {
				return c.errAt("team %q okrs %s: an objective needs a title", oat, t.Slug, oq.Quarter)
			}
			if o.Owner != "" && !members[strings.ToLower(o.Owner)] {
				return c.errAt("objective %q: owner %s is not a member of team %q", append(oat, "owner"), o.Title, o.Owner, t.Slug)
			}
			if len(o.KeyResults) == 0 {
				return c.errAt("objective %q needs at least one key result", oat, o.Title)
			}
			for k := range o.KeyResults {
				kat := append(append([]any{}, oat...), "key_results", k)
				if err := c.validateKR(t.Slug, o, &o.KeyResults[k], kat, members, keys); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func (c *Config) validateKR(team string, o *ObjectiveConfig, kr *KeyResultConfig, at []any, members, keys map[string]bool) error {
	if !krKeyRE.MatchString(kr.Key) {
		return c.errAt("key result key %q must be a letter then letters, digits, - or _ (e.g. KR1)", append(at, "key"), kr.Key)
	}
	nk := store.NormalKey(kr.Key)
	if keys[nk] {
		return c.errAt("duplicate key result %s in team %q's quarter", append(at, "key"), kr.Key, team)
	}
	keys[nk] = true
	if strings.TrimSpace(kr.Title) == "" {
		return c.errAt("key result %s needs a title", append(at, "key"), kr.Key)
	}
	owner := kr.Owner
	if owner == "" {
		owner = o.Owner
	}
	if owner == "" {
		return c.errAt("key result %s needs an owner (or its objective one)", append(at, "key"), kr.Key)
	}
	if !members[strings.ToLower(owner)] {
		return c.errAt("key result %s: owner %s is not a member of team %q", append(at, "owner"), kr.Key, owner, team)
	}
	switch kr.Unit {
	case store.UnitPercent, store.UnitNumber, store.UnitCurrency:
		if kr.Start == nil || kr.Target == nil {
			return c.errAt("key result %s needs a start and a target", append(at, "key"), kr.Key)
		}
	case store.UnitBoolean:
		zero, one := 0.0, 1.0
		if kr.Start == nil {
			kr.Start = &zero
		}
		if kr.Target == nil {
			kr.Target = &one
		}
		if *kr.Start != 0 || *kr.Target != 1 {
			return c.errAt("key result %s: a boolean goes from 0 to 1", append(at, "target"), kr.Key)
		}
	case "":
		return c.errAt("key result %s needs a unit (%%, number, currency or boolean)", append(at, "key"), kr.Key)
	default:
		return c.errAt("key result %s: unknown unit %q (%%, number, currency or boolean)", append(at, "unit"), kr.Key, kr.Unit)
	}
	if kr.Unit == store.UnitCurrency && kr.Currency == "" {
		return c.errAt("key result %s: a currency unit needs currency (e.g. EUR)", append(at, "unit"), kr.Key)
	}
	switch kr.Direction {
	case "":
		kr.Direction = store.DirectionUp
		if *kr.Target < *kr.Start {
			kr.Direction = store.DirectionDown
		}
	case store.DirectionUp, store.DirectionDown:
	default:
		return c.errAt("key result %s: direction %q must be up or down", append(at, "direction"), kr.Key, kr.Direction)
	}
	if *kr.Target == *kr.Start ||
		(kr.Direction == store.DirectionUp) != (*kr.Target > *kr.Start) {
		return c.errAt("key result %s: target %v does not go %s from start %v", append(at, "target"), kr.Key, *kr.Target, kr.Direction, *kr.Start)
	}
	return nil
}

// okrSpecs converts a validated team's okrs for the store.
func okrSpecs(t TeamConfig) []store.OKRQuarterSpec {
	var out []store.OKRQuarterSpec
	for _, oq := range t.OKRs {
		qs := store.OKRQuarterSpec{Quarter: oq.Quarter}
		for _, o := range oq.Objectives {
			os := store.ObjectiveSpec{Title: o.Title, Owner: o.Owner}
			for _, kr := range o.KeyResults {
				owner := kr.Owner
				if owner == "" {
					owner = o.Owner
				}
				os.KeyResults = append(os.KeyResults, store.KeyResultSpec{Key: kr.Key, Title: kr.Title, Owner: owner,
					Start: *kr.Start, Target: *kr.Target, Unit: kr.Unit, Currency: kr.Currency, Direction: kr.Direction})
			}
			qs.Objectives = append(qs.Objectives, os)
		}
		out = append(out, qs)
	}
	return out
}

// validateOKRCheckIn checks a `kind: okr` check-in: it asks no questions
// (the prompt lists the owner's key results) and has no reminder.
func (c *Config) validateOKRCheckIn(team string, ci *CheckInConfig, at []any) error {
	if len(ci.Questions) > 0 {
		return c.errAt("check-in %s/%s: a kind: okr check-in asks about key results, not questions", append(at, "questions"), team, ci.Name)
	}
	if ci.RemindAfter != 0 {
		return c.errAt("check-in %s/%s: kind: okr has no reminder", append(at, "remind_after"), team, ci.Name)
	}
	return nil
}
