package reply

import "testing"

func TestIsNegative(t *testing.T) {
	for s, want := range map[string]bool{
		"": true, "   ": true, "none": true, "None.": true, "N/A": true, "n/a.": true, "-": true, "—": true, "...": true,
		"No blockers.": true, "no new blockers so far": true, "nothing to add": true, "Nothing new here.": true,
		"None so far": true, "*none*": true, "nope": true, "all good": true, "not blocked": true,
		"Keine": true, "Keine Probleme, danke": true, "nichts Neues": true, "rien à signaler": true, "Rien de neuf": true,
		"Nada por ahora": true, "nenhum": true, "niente": true, "geen": true, "ingen": true, "brak": true,
		"нет": true, "ничего нового": true, "なし": true, "没有": true, "없음": true, "yok": true, "tidak ada": true,
		"no blockers, but waiting on IT": false, "nothing blocks me": false, "VPN": false,
		"Shipped the login page": false, "none of the tests pass": false, "No: the build is red": false,
		"n/a until Monday, then the migration": false, "nada, pero espero al equipo de redes": false,
	} {
		if got := IsNegative(s); got != want {
			t.Errorf("IsNegative(%q) = %v, want %v", s, got, want)
		}
	}
}
