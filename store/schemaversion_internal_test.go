package store

import (
	"testing"

	"github.com/riverqueue/river/rivermigrate"
)

// TestSchemaVersionFollowsTheModels checks that any change a new binary
// could bring to the schema (a field, a tag, a model, a hand-written step,
// a River migration) gives another version, and that the same inputs give
// the same one.
func TestSchemaVersionFollowsTheModels(t *testing.T) {
	type Thing struct {
		ID   int64 `gorm:"primaryKey"`
		Name string
	}
	type ThingWithField struct {
		ID   int64 `gorm:"primaryKey"`
		Name string
		Note string
	}
	type ThingIndexed struct {
		ID   int64  `gorm:"primaryKey"`
		Name string `gorm:"index"`
	}
	type Stamps struct{ CreatedAt, UpdatedAt int64 }
	type ThingEmbedded struct {
		ID   int64 `gorm:"primaryKey"`
		Name string
		Stamps
	}
	type Stamps2 struct{ CreatedAt, UpdatedAt, DeletedAt int64 }
	type ThingEmbedded2 struct {
		ID     int64 `gorm:"primaryKey"`
		Name   string
		Stamps Stamps2 `gorm:"embedded"`
	}
	river := []rivermigrate.Migration{{Version: 1, Name: "one"}, {Version: 2, Name: "two"}}
	base := schemaVersion([]any{&Thing{}}, "1", river)
	if again := schemaVersion([]any{&Thing{}}, "1", river); again != base {
		t.Fatalf("same inputs, versions %q and %q", base, again)
	}
	if real := schemaVersion(models(), schemaRevision, river); real == base || real != schemaVersion(models(), schemaRevision, river) {
		t.Errorf("models() version %q is not stable or equals a one-model list", real)
	}
	for name, v := range map[string]string{
		"field":          schemaVersion([]any{&ThingWithField{}}, "1", river),
		"tag":            schemaVersion([]any{&ThingIndexed{}}, "1", river),
		"model":          schemaVersion([]any{&Thing{}, &ThingIndexed{}}, "1", river),
		"embedded":       schemaVersion([]any{&ThingEmbedded{}}, "1", river),
		"revision":       schemaVersion([]any{&Thing{}}, "2", river),
		"river":          schemaVersion([]any{&Thing{}}, "1", append(river, rivermigrate.Migration{Version: 3, Name: "three"})),
		"embedded field": schemaVersion([]any{&ThingEmbedded2{}}, "1", river),
	} {
		if v == base {
			t.Errorf("a changed %s keeps version %q", name, v)
		}
	}
	if a, b := schemaVersion([]any{&ThingEmbedded{}}, "1", river), schemaVersion([]any{&ThingEmbedded2{}}, "1", river); a == b {
		t.Errorf("a field added to an embedded struct keeps version %q", a)
	}
}
