package outbound_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tidings-app/tidings/mail/outbound"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

// A member's own zone moves their next prompt; their prompt time and
// working days are honoured; holidays and a stopped check-in skip the
// prompt, recorded as skipped with the reason.
func TestPromptsFollowMemberSettingsAndHolidays(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			ny := mustLoc(t, "America/New_York")
			specs := spec("America/New_York", daily(8*time.Hour, 0), store.MemberSpec{Email: "ana@example.com", Name: "Ana Lima"})
			specs[0].Holidays = []store.HolidaySpec{{Date: "2026-12-24", Name: "Christmas Eve"}}
			e := newEnv(t, b, time.Date(2026, 11, 29, 12, 0, 0, 0, ny), specs)
			m, err := e.db.MemberByAddress(ctx, "ana@example.com")
			if err != nil {
				t.Fatal(err)
			}
			// Monday 30 Nov, 09:00 New York: prompted.
			if sum, _ := e.run(t, time.Date(2026, 11, 30, 9, 0, 0, 0, ny)); sum.Queued != 1 {
				t.Fatalf("Monday: %+v", sum)
			}
			// She moves to Berlin: Tuesday's prompt comes at 09:00 Berlin
			// (03:00 New York), not at 09:00 New York.
			zone := "Europe/Berlin"
			if _, _, err := e.db.SetMemberPrefs(ctx, m.ID, store.PrefsChange{Timezone: &zone}, store.ActorEmail, 0); err != nil {
				t.Fatal(err)
			}
			berlin := mustLoc(t, zone)
			if sum, _ := e.run(t, time.Date(2026, 12, 1, 8, 59, 0, 0, berlin)); sum.Queued != 0 {
				t.Errorf("before 09:00 Berlin: %+v", sum)
			}
			if sum, _ := e.run(t, time.Date(2026, 12, 1, 9, 0, 0, 0, berlin)); sum.Queued != 1 {
				t.Errorf("09:00 Berlin: %+v", sum)
			}
			// "prompt at 10:00" and "days mon-thu".
			at, days := "10:00", "mon-thu"
			if _, _, err := e.db.SetMemberPrefs(ctx, m.ID, store.PrefsChange{PromptAt: &at, Days: &days}, store.ActorEmail, 0); err != nil {
				t.Fatal(err)
			}
			if sum, _ := e.run(t, time.Date(2026, 12, 2, 9, 30, 0, 0, berlin)); sum.Queued != 0 {
				t.Errorf("09:30 with prompt at 10:00: %+v", sum)
			}
			if sum, _ := e.run(t, time.Date(2026, 12, 2, 10, 0, 0, 0, berlin)); sum.Queued != 1 {
				t.Errorf("10:00: %+v", sum)
			}
			if sum, _ := e.run(t, time.Date(2026, 12, 3, 10, 0, 0, 0, berlin)); sum.Queued != 1 {
				t.Errorf("Thursday: %+v", sum)
			}
			if sum, _ := e.run(t, time.Date(2026, 12, 4, 20, 0, 0, 0, berlin)); sum.Queued != 0 {
				t.Errorf("Friday: %+v", sum)
			}
			// Christmas Eve (a Thursday) is a team holiday.
			sum, _ := e.run(t, time.Date(2026, 12, 24, 10, 0, 0, 0, berlin))
			if sum.Queued != 0 || sum.Skipped["holiday"] != 1 {
				t.Errorf("holiday: %+v", sum)
			}
			var holiday *store.PromptRow
			for _, p := range prompts(t, e.db, store.PromptSkipped) {
				if p.Period == "2026-12-24" {
					holiday = &p
				}
			}
			if holiday == nil || !store.IsHoliday(holiday.Reason) || !strings.Contains(holiday.Reason, "Christmas Eve") {
				t.Errorf("holiday prompt = %+v", holiday)
			}
			// She stops this check-in's prompts by its link.
			ps := prompts(t, e.db, store.PromptSent)
			h := outbound.LandingHandler(outbound.LandingOptions{DB: e.db, Signer: e.addrs.Signer})
			u, _ := url.Parse(e.p.CheckInUnsubscribeURL(ps[0].CheckInID, m.ID))
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(http.MethodPost, u.Path, strings.NewReader("List-Unsubscribe=One-Click"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			h.ServeHTTP(rec, req)
			if rec.Code != 200 || !strings.Contains(rec.Body.String(), "Stop everything") || !strings.Contains(rec.Body.String(), "Resubscribe") {
				t.Fatalf("one-click: %d %s", rec.Code, rec.Body)
			}
			sum, _ = e.run(t, time.Date(2026, 12, 28, 10, 0, 0, 0, berlin))
			if sum.Queued != 0 || sum.Skipped["unsubscribed"] != 1 {
				t.Errorf("after stopping the check-in: %+v", sum)
			}
			mm, _ := e.db.MemberByID(ctx, m.ID)
			if mm.Unsubscribed {
				t.Error("stopping one check-in unsubscribed the member from everything")
			}
		})
	}
}

// The landing page: GET changes nothing; a digest link stops that team's
// digests only; "stop everything" and resubscribe work; forged links 404.
func TestLandingPageKinds(t *testing.T) {
	b := storetest.Backends(t)[0]
	e := newEnv(t, b, time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC), spec("UTC", daily(time.Hour, 0), ana))
	ctx := context.Background()
	m, _ := e.db.MemberByAddress(ctx, ana.Email)
	team, _ := e.db.FindTeam(ctx, "platform")
	h := outbound.LandingHandler(outbound.LandingOptions{DB: e.db, Signer: e.addrs.Signer})
	do := func(method, p, body string) (int, string) {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(method, p, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		h.ServeHTTP(rec, req)
		return rec.Code, rec.Body.String()
	}
	u, _ := url.Parse(outbound.DigestUnsubscribeURL("https://"+domain, e.addrs.Signer, team.ID, m.ID))
	if code, body := do(http.MethodGet, u.Path, ""); code != 200 || !strings.Contains(body, "Stop the Platform digests") {
		t.Fatalf("GET: %d %s", code, body)
	}
	digestOff := func() bool {
		ms, _ := e.db.FindTeamMembers(ctx, team.ID)
		return ms[0].DigestOff
	}
	if digestOff() {
		t.Fatal("GET changed something")
	}
	// A digest token does not work for another team.
	other := strings.Replace(u.Path, "/d/"+itoa(team.ID)+"/", "/d/"+itoa(team.ID+1)+"/", 1)
	if code, _ := do(http.MethodPost, other, ""); code != 404 {
		t.Errorf("token of another team: %d", code)
	}
	if code, _ := do(http.MethodPost, u.Path, "List-Unsubscribe=One-Click"); code != 200 || !digestOff() {
		t.Fatalf("one-click: %d, digest off %v", code, digestOff())
	}
	if mm, _ := e.db.MemberByID(ctx, m.ID); mm.Unsubscribed {
		t.Fatal("digest link stopped everything")
	}
	if code, _ := do(http.MethodPost, u.Path, "action=resubscribe"); code != 200 || digestOff() {
		t.Fatalf("resubscribe: %d, digest off %v", code, digestOff())
	}
	if code, _ := do(http.MethodPost, u.Path, "action=all"); code != 200 {
		t.Fatal(code)
	}
	if mm, _ := e.db.MemberByID(ctx, m.ID); !mm.Unsubscribed {
		t.Fatal("stop everything did not")
	}
	if code, body := do(http.MethodGet, u.Path, ""); code != 200 || !strings.Contains(body, "Resubscribe to Platform digests") {
		t.Errorf("page after stop everything: %d %s", code, body)
	}
	legacy, _ := url.Parse(e.p.UnsubscribeURL(m.ID))
	if code, body := do(http.MethodPost, legacy.Path, "action=resubscribe"); code != 200 || strings.Contains(body, "unsubscribed") {
		t.Fatalf("resubscribe on the old link: %d %s", code, body)
	}
	if mm, _ := e.db.MemberByID(ctx, m.ID); mm.Unsubscribed {
		t.Fatal("still unsubscribed")
	}
	h2, _ := e.db.MemberHistory(ctx, m.ID)
	if len(h2) != 5 || h2[len(h2)-1].Actor != store.ActorLink {
		t.Errorf("history = %+v", h2)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
