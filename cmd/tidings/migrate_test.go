package main

import (
	"context"
	"strings"
	"testing"
)

// TestMigrateOnlyWhenNeeded checks `tidings migrate`: a new database is
// migrated, a current one is left alone (also after another command
// opened it), and --force migrates anyway.
func TestMigrateOnlyWhenNeeded(t *testing.T) {
	tempEnv(t)
	ctx := context.Background()
	for i, step := range []struct {
		args []string
		want string
	}{
		{[]string{"migrate"}, "migrated to schema r"},
		{[]string{"migrate"}, "is current; nothing to do"},
		{[]string{"members", "list"}, ""},
		{[]string{"migrate"}, "is current; nothing to do"},
		{[]string{"migrate", "--force"}, "migrated to schema r"},
	} {
		out, errs, code := run(t, ctx, "", step.args...)
		if code != 0 || !strings.Contains(out, step.want) {
			t.Errorf("step %d %v: exit %d, out %q (want %q), err %q", i, step.args, code, out, step.want, errs)
		}
	}
}
