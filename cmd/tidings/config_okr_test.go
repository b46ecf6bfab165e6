package main

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tidings-app/tidings/store"
)

func TestOKRConfigLoads(t *testing.T) {
	cfg, err := LoadConfig("../../examples/okrs.yaml", noEnv)
	if err != nil {
		t.Fatal(err)
	}
	specs := cfg.Specs()
	if ci := specs[0].CheckIns[0]; ci.Kind != store.CheckInOKR || ci.Schedule != "fri 11:00" || ci.Window != 72*time.Hour {
		t.Errorf("check-in = %+v", ci)
	}
	okrs := specs[0].OKRs
	if len(okrs) != 1 || okrs[0].Quarter != "2027-Q1" || len(okrs[0].Objectives) != 2 {
		t.Fatalf("okrs = %+v", okrs)
	}
	krs := okrs[0].Objectives[0].KeyResults
	if krs[0].Owner != "ana@example.com" || krs[1].Owner != "ben@example.com" || krs[1].Direction != store.DirectionDown || krs[0].Direction != store.DirectionUp {
		t.Errorf("owners or directions not defaulted: %+v", krs)
	}
	b := okrs[0].Objectives[1].KeyResults[2]
	if b.Unit != store.UnitBoolean || b.Start != 0 || b.Target != 1 {
		t.Errorf("boolean KR = %+v", b)
	}
}

// TestOKRConfigErrors changes one line of the example at a time and
// expects the error at that line.
func TestOKRConfigErrors(t *testing.T) {
	base, err := os.ReadFile("../../examples/okrs.yaml")
	if err != nil {
		t.Fatal(err)
	}
	lineOf := func(s string) int {
		for i, l := range strings.Split(string(base), "\n") {
			if strings.Contains(l, s) {
				return i + 1
			}
		}
		t.Fatalf("%q not in example", s)
		return 0
	}
	for _, c := range []struct{ old, new, want string }{
		{"quarter: 2027-Q1", "quarter: 2027-Q5", "is not like 2027-Q1"},
		{"owner: ben@example.com\n            key_results", "owner: zoe@example.com\n            key_results", "owner zoe@example.com is not a member"},
		{"key: KR2,", "key: KR1,", "duplicate key result KR1"},
		{"key: KR3,", "key: 3kr,", "must be a letter"},
		{"unit: number, direction: down", "unit: number, direction: up", "does not go up from start 40"},
		{"unit: number }", "unit: pounds }", `unknown unit "pounds"`},
		{"unit: currency, currency: EUR", "unit: currency", "needs currency"},
		{"target: 2000, unit", "unit", "needs a start and a target"},
		{"title: Grow self-serve", "title: ''", "needs a title"},
		{"kind: okr", "kind: okrs", `unknown kind "okrs"`},
		{"direction: down }", "direction: sideways }", "must be up or down"},
		{"title: Ship the billing page, unit: boolean", "title: Ship, unit: boolean, start: 0, target: 2", "a boolean goes from 0 to 1"},
	} {
		body := strings.Replace(string(base), c.old, c.new, 1)
		if body == string(base) {
			t.Fatalf("%q did not change the example", c.old)
		}
		_, err := LoadConfig(writeConfig(t, body), noEnv)
		first, _, _ := strings.Cut(c.old, "\n")
		wantLine := ":" + strconv.Itoa(lineOf(first)) + ":"
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), wantLine) {
			t.Errorf("%s → %s: err = %v, want %q at line %s", c.old, c.new, err, c.want, wantLine)
		}
	}
}
