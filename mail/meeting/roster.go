package meeting

import (
	"strings"

	"github.com/tidings-app/tidings/store"
)

// Roster matches owner names written in notes to a team's members: by full
// name, address, address local part ("@maria.lopez") or first name. A first
// name shared by two members matches nobody (the owner stays free text).
type Roster struct {
	byKey map[string][]int64
}

// NewRoster indexes members.
func NewRoster(members []store.TeamMember) *Roster {
	r := &Roster{byKey: map[string][]int64{}}
	for _, m := range members {
		keys := []string{normName(m.Name), m.Email}
		for _, a := range append([]string{m.Email}, m.Aliases...) {
			local, _, _ := strings.Cut(a, "@")
			keys = append(keys, a, local)
		}
		if f := strings.Fields(normName(m.Name)); len(f) > 1 {
			keys = append(keys, f[0])
		}
		seen := map[string]bool{}
		for _, k := range keys {
			k = strings.ToLower(k)
			if k != "" && !seen[k] {
				seen[k] = true
				r.byKey[k] = append(r.byKey[k], m.ID)
			}
		}
	}
	return r
}

// Match returns the member named by s, and whether exactly one member
// matched.
func (r *Roster) Match(s string) (int64, bool) {
	if r == nil {
		return 0, false
	}
	key := normName(strings.TrimPrefix(strings.TrimSpace(s), "@"))
	ids := r.byKey[key]
	if len(ids) == 0 { // handles such as @chen.wei or @maria_lopez
		ids = r.byKey[normName(strings.NewReplacer(".", " ", "_", " ", "-", " ").Replace(key))]
	}
	if len(ids) != 1 {
		return 0, false
	}
	return ids[0], true
}

// Names reports whether s names at least one member (ambiguous first names
// included): it is how Structure tells "Maria to draft…" from "Plan to
// migrate…".
func (r *Roster) Names(s string) bool {
	return r != nil && len(r.byKey[normName(s)]) > 0
}

func normName(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(strings.Trim(s, " .,'’"))), " ")
}
