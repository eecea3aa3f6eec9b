package httpapi_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"zhiban/secret"
	"zhiban/store"
)

// TestBookingDataNeverLeaks books with a visitor's data, then sends it
// through refusals of every kind (each field's value typed into another
// field), lookups and a cancellation, and searches every public page, JSON,
// feed (the booked leader's private one too), the audit log and the server
// log (access log on) for it. Only the visitor's own form and result show
// it back: the values they typed, the phone masked.
func TestBookingDataNeverLeaks(t *testing.T) {
	t.Parallel()
	f := newBookingFixture(t, nil)
	ctx := context.Background()
	const (
		name, id, phone, rep = "欧阳预约密", "11010519491231002X", "13655556666", "诸葛代表密"
	)
	all := []string{name, id, phone, rep, secret.MaskID(id), strings.ToLower(id), "136 5555 6666", "1365555"}
	check := func(what, s string, secrets []string) {
		t.Helper()
		for _, x := range secrets {
			if strings.Contains(s, x) {
				t.Errorf("%s contains visitor data %q", what, x)
			}
		}
	}
	days := f.days(t)
	form := func(edit func(url.Values)) url.Values {
		v := url.Values{"day": {days[0]}, "category": {"劳资"}, "township": {"t01"}, "group_size": {"7"}, "rep": {rep},
			"name": {name}, "id_number": {id}, "phone": {phone}, "consent": {"yes"}}
		if edit != nil {
			edit(v)
		}
		return v
	}
	alert := regexp.MustCompile(`<p class="error" role="alert"[^>]*>[^<]*</p>`)
	for _, edit := range []func(url.Values){
		func(v url.Values) { v.Set("township", name) },
		func(v url.Values) { v.Set("category", phone) },
		func(v url.Values) { v.Set("day", id) },
		func(v url.Values) { v.Set("group_size", phone) },
		func(v url.Values) { v.Set("phone", id) },
		func(v url.Values) { v.Set("id_number", phone) },
		func(v url.Values) { v.Set("name", name+strings.Repeat("长", 60)) },
		func(v url.Values) { v["rep"] = []string{rep, rep, rep, rep, rep, rep} },
		func(v url.Values) { v.Del("consent") },
		func(v url.Values) { v.Set(id, phone); v.Set("township", rep) },
	} {
		code, body := f.post(t, "/booking", form(edit), nil)
		if code == http.StatusOK || code >= 500 {
			t.Fatalf("a refusal answered %d", code)
		}
		check("the refusal message", alert.FindString(body), all)
	}
	code, body := f.post(t, "/booking", form(nil), nil)
	m := bookingCode.FindStringSubmatch(body)
	if code != http.StatusOK || m == nil {
		t.Fatalf("book: %d\n%s", code, body)
	}
	check("the result page", body, all[:len(all)-4])
	bcode := m[1]
	// A second booking of the same person is refused without quoting them.
	code, body = f.post(t, "/booking", form(func(v url.Values) { v.Set("day", days[1]) }), nil)
	if code != http.StatusConflict {
		t.Fatalf("a second booking: %d", code)
	}
	check("the refusal message", alert.FindString(body), all)
	for _, k := range []url.Values{
		{"code": {bcode}, "phone": {id}},
		{"code": {phone}, "phone": {phone}},
		{"code": {name}, "phone": {name}},
	} {
		_, body := f.post(t, "/booking/lookup", k, nil)
		check("a failed lookup's message", alert.FindString(body), all)
	}
	_, body = f.post(t, "/booking/lookup", url.Values{"code": {bcode}, "phone": {phone}}, nil)
	check("the lookup (phone masked)", strings.ReplaceAll(body, `name="phone" value="`+phone+`"`, ""), all[:len(all)-4])

	bs, err := f.store.Bookings(ctx, store.BookingFilter{})
	if err != nil || len(bs) != 1 {
		t.Fatalf("stored: %v %v", bs, err)
	}
	leader := ""
	duties, _ := f.store.Duties(ctx, bs[0].Date, bs[0].Date)
	for _, d := range duties {
		if d.Role == "值班领导" {
			leader = d.Person
		}
	}
	tok, err := f.store.RotateFeedToken(ctx, leader, "test")
	if err != nil {
		t.Fatal(err)
	}
	pages := []string{"/", "/visits", "/display", "/roster/2026-12", "/api/v1/public/today", "/api/v1/public/visits",
		"/api/v1/public/range?from=2026-12-01&to=2026-12-31", "/feeds/roster.ics", "/feeds/township/t01.ics",
		"/feeds/leader/" + tok + ".ics", "/booking", "/booking/lookup", "/booking?day=" + days[0]}
	for _, p := range pages {
		code, body := get(t, f.srv.URL+p)
		if code != http.StatusOK {
			t.Errorf("%s: %d", p, code)
		}
		check(p, body, all)
	}
	if code, body := f.post(t, "/booking/cancel", url.Values{"code": {bcode}, "phone": {phone}}, nil); code != http.StatusOK ||
		!strings.Contains(body, "预约已取消") {
		t.Fatalf("cancel: %d", code)
	}
	for _, p := range pages {
		_, body := get(t, f.srv.URL+p)
		check(p+" after cancelling", body, all)
	}
	audit, err := f.store.AuditLog(ctx, store.AuditFilter{Entity: "booking"})
	if err != nil || len(audit) != 2 {
		t.Fatalf("audit: %v %v", audit, err)
	}
	for _, a := range audit {
		check("the audit log", a.Before+a.After, all)
	}
	check("the log", f.logs.String(), all)
	if !strings.Contains(f.logs.String(), "/booking") {
		t.Error("the access log did not log the booking requests (nothing was searched)")
	}
}
