package reply

import "testing"

func TestSaysBlockedLocalizedNone(t *testing.T) {
	for _, s := range []string{
		"keine", "Keine.", "Keine Blocker.", "Bisher keine", "Keine, danke",
		"rien", "Rien à signaler", "Rien de bloquant", "Aucun blocage", "aucun pour le moment",
		"nada", "Nada por ahora", "Ninguno", "Nada, gracias",
		"nenhum", "Nenhum bloqueio", "nenhum por enquanto",
		"nessuno", "nessuno per ora", "geen", "geen blokkades", "ingen", "Ingen hinder",
		"brak", "Brak blokerów", "нет", "Нет блокеров", "なし", "特になし", "无", "无阻碍",
		"None so far", "no blockers", "-",
	} {
		if saysBlocked(s) {
			t.Errorf("saysBlocked(%q) = true, want false", s)
		}
	}
}

func TestSaysBlockedStillSeesBlockers(t *testing.T) {
	for _, s := range []string{
		"Keine Blocker, aber warte auf Zugang", "Rien, mais j'attends le VPN",
		"Nada, pero espero acceso a la VPN", "Nenhum, mas aguardando o jurídico",
		"No, waiting on legal", "Keine – nur Ticket 4711 offen",
		"Waiting on VPN access", "VPN-Zugang fehlt noch", "Nessun accesso al cluster",
	} {
		if !saysBlocked(s) {
			t.Errorf("saysBlocked(%q) = false, want true", s)
		}
	}
}
