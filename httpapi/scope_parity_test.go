package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"zhiban/planner"
	"zhiban/roster"
	"zhiban/visits"
)

// scopeParityRows run the township-owned acts as the clerk of t05 through
// the API and the staff form alike: refused (403, nothing stored) on t04's
// thing or the county's, done on t05's own.
func scopeParityRows() []parityRow {
	today := roster.MustDate(parityToday)
	// rosters adds t04's and t05's duty rosters, filled from today.
	rosters := func(t *testing.T, e *parityEnv) {
		ctx := context.Background()
		if _, err := e.st.ImportCounty(ctx, unitCounty(), "test"); err != nil {
			t.Fatal(err)
		}
		if _, err := planner.Fill(ctx, e.st, today, today.AddDays(45), today, "test"); err != nil {
			t.Fatal(err)
		}
	}
	both := func(name string, status int, town string, setup func(*testing.T, *parityEnv), api, form func(*testing.T, *parityEnv, string) parityReq) parityRow {
		return parityRow{name: name, status: status, as: clerk, setup: setup,
			api:  func(t *testing.T, e *parityEnv) parityReq { return api(t, e, town) },
			form: func(t *testing.T, e *parityEnv) parityReq { return form(t, e, town) }}
	}
	// assign puts another pool member on town's first duty from the 4th.
	assignAPI := func(t *testing.T, e *parityEnv, town string) parityReq {
		a := townDuty(t, e.st, town, roster.MustDate("2026-12-04"))
		return parityReq{"PUT", "/api/v1/assignments/" + a.Roster + "/" + a.Date.String() + "/" + url.PathEscape(a.Role),
			map[string]any{"person": otherMember(town, a.Person), "version": a.Version, "pinned": a.Pinned}}
	}
	assignForm := func(t *testing.T, e *parityEnv, town string) parityReq {
		a := townDuty(t, e.st, town, roster.MustDate("2026-12-04"))
		return parityReq{"POST", "/staff/roster/" + a.Roster + "/assign",
			url.Values{"date": {a.Date.String()}, "role": {a.Role}, "person": {otherMember(town, a.Person)}, "version": {fmt.Sprint(a.Version)}}}
	}
	publishAPI := func(_ *testing.T, _ *parityEnv, town string) parityReq {
		return parityReq{"POST", "/api/v1/rosters/" + town + "-duty/months/2026-12/publish", nil}
	}
	publishForm := func(_ *testing.T, _ *parityEnv, town string) parityReq {
		return parityReq{"POST", "/staff/roster/" + town + "-duty/2026-12/publish", url.Values{}}
	}
	markAPI := func(t *testing.T, e *parityEnv, town string) parityReq {
		a := townDuty(t, e.st, town, today)
		return parityReq{"POST", "/api/v1/attendance", map[string]any{"roster": a.Roster, "date": a.Date.String(), "role": a.Role}}
	}
	markForm := func(t *testing.T, e *parityEnv, town string) parityReq {
		a := townDuty(t, e.st, town, today)
		return parityReq{"POST", "/staff/roster/" + a.Roster + "/attendance", url.Values{"date": {a.Date.String()}, "role": {a.Role}}}
	}
	visitFields := func(t *testing.T, e *parityEnv, town string) map[string]string {
		return map[string]string{"kind": "carry", "leader": "L03", "date": e.freeDay(t, "L03", roster.MustDate("2026-12-03")).String(),
			"start": "09:00", "end": "11:00", "place": "镇群众工作站", "township": town}
	}
	visitAPI := func(t *testing.T, e *parityEnv, town string) parityReq {
		body := map[string]any{}
		for k, v := range visitFields(t, e, town) {
			body[k] = v
		}
		return parityReq{"POST", "/api/v1/visits", body}
	}
	visitForm := func(t *testing.T, e *parityEnv, town string) parityReq {
		f := url.Values{}
		for k, v := range visitFields(t, e, town) {
			f.Set(k, v)
		}
		return parityReq{"POST", "/staff/visits", f}
	}
	// plannedIn plans a 带案下访 of L02 in town (e.visit).
	plannedIn := func(town string) func(*testing.T, *parityEnv) {
		return func(t *testing.T, e *parityEnv) {
			d := e.freeDay(t, "L02", roster.MustDate("2026-12-03"))
			e.visit = e.createVisit(t, visits.Visit{Kind: visits.KindCarry, Leader: "L02", Date: d, Start: 19 * 60, End: 20 * 60,
				Place: "镇群众工作站", Township: town, State: visits.VisitPlanned})
		}
	}
	cancelAPI := func(t *testing.T, e *parityEnv, _ string) parityReq {
		v, _ := e.st.Visit(context.Background(), e.visit)
		return parityReq{"POST", fmt.Sprintf("/api/v1/visits/%d/cancel", v.ID), map[string]any{"version": v.Version, "reason": "领导临时会议"}}
	}
	cancelForm := func(t *testing.T, e *parityEnv, _ string) parityReq {
		v, _ := e.st.Visit(context.Background(), e.visit)
		return parityReq{"POST", fmt.Sprintf("/staff/visits/%d/cancel", v.ID), url.Values{"version": {fmt.Sprint(v.Version)}, "reason": {"领导临时会议"}}}
	}
	reportAPI := func(_ *testing.T, _ *parityEnv, town string) parityReq {
		return parityReq{"POST", "/api/v1/sweeps/2026-12/reports", map[string]any{"township": town, "nil": true}}
	}
	reportForm := func(_ *testing.T, _ *parityEnv, town string) parityReq {
		return parityReq{"POST", "/staff/sweeps/2026-12/reports", url.Values{"township": {town}, "nil": {"1"}}}
	}
	// foundIn stores a finding in town's December report (e.found).
	foundIn := func(town string) func(*testing.T, *parityEnv) {
		return func(t *testing.T, e *parityEnv) { e.found = townFinding(t, e.st, town) }
	}
	resolveAPI := func(_ *testing.T, e *parityEnv, _ string) parityReq {
		return parityReq{"POST", fmt.Sprintf("/api/v1/findings/%d/resolve", e.found), nil}
	}
	resolveForm := func(_ *testing.T, e *parityEnv, _ string) parityReq {
		return parityReq{"POST", fmt.Sprintf("/staff/findings/%d/resolve", e.found), url.Values{}}
	}
	return []parityRow{
		both("a township editor replaces a slot of another township's roster", http.StatusForbidden, otherTown, rosters, assignAPI, assignForm),
		both("a township editor replaces a slot of its own township's roster", http.StatusOK, ownTown, rosters, assignAPI, assignForm),
		both("a township editor publishes another township's month", http.StatusForbidden, otherTown, rosters, publishAPI, publishForm),
		both("a township editor publishes its own township's month", http.StatusOK, ownTown, rosters, publishAPI, publishForm),
		both("a township editor marks a duty leader of the county 已到岗", http.StatusForbidden, "county", nil,
			func(t *testing.T, e *parityEnv, _ string) parityReq {
				a := e.duty(t, today)
				return parityReq{"POST", "/api/v1/attendance", map[string]any{"roster": a.Roster, "date": a.Date.String(), "role": a.Role}}
			},
			func(t *testing.T, e *parityEnv, _ string) parityReq {
				a := e.duty(t, today)
				return parityReq{"POST", "/staff/roster/" + a.Roster + "/attendance", url.Values{"date": {a.Date.String()}, "role": {a.Role}}}
			}),
		both("a township editor marks its own township's duty leader 已到岗", http.StatusCreated, ownTown, rosters, markAPI, markForm),
		both("a township editor plans a visit in another township", http.StatusForbidden, otherTown, nil, visitAPI, visitForm),
		both("a township editor plans a visit in its own township", http.StatusCreated, ownTown, nil, visitAPI, visitForm),
		both("a township editor cancels another township's visit", http.StatusForbidden, otherTown, plannedIn(otherTown), cancelAPI, cancelForm),
		both("a township editor cancels its own township's visit", http.StatusOK, ownTown, plannedIn(ownTown), cancelAPI, cancelForm),
		both("a township editor files another township's sweep report", http.StatusForbidden, otherTown, nil, reportAPI, reportForm),
		both("a township editor files its own township's sweep report", http.StatusCreated, ownTown, nil, reportAPI, reportForm),
		both("a township editor resolves another township's finding", http.StatusForbidden, otherTown, foundIn(otherTown), resolveAPI, resolveForm),
		both("a township editor resolves its own township's finding", http.StatusOK, ownTown, foundIn(ownTown), resolveAPI, resolveForm),
	}
}
