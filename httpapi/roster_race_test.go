package httpapi_test

import (
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"zhiban/roster"
	"zhiban/store"
)

// adjacentDuties finds, from start on, two duty days of county-duty closer
// than its minimum gap (2 days in the demo county) and a leader the slot page
// offers for both 值班领导 slots: the pair two editors may fight over.
func adjacentDuties(t *testing.T, f *staffFixture, c *client, start roster.Date) (a, b store.StoredAssignment, who string) {
	t.Helper()
	for d := start; d < f.today.AddDays(40); d++ {
		a, b = f.duty(t, d), f.duty(t, d.AddDays(1))
		if b.Date != a.Date.AddDays(1) {
			continue
		}
		offered := map[string]bool{}
		for _, id := range offeredPeople(t, c, a) {
			offered[id] = true
		}
		for _, id := range offeredPeople(t, c, b) {
			if offered[id] {
				return a, b, id
			}
		}
	}
	t.Fatal("no two adjacent duty days with a common eligible leader")
	return
}

// offeredPeople lists the pool members the slot page offers (radio not disabled).
func offeredPeople(t *testing.T, c *client, a store.StoredAssignment) []string {
	t.Helper()
	_, body := c.get(slotPath(a))
	var out []string
	for _, part := range strings.Split(body, `name="person" value="`)[1:] {
		id := part[:strings.IndexByte(part, '"')]
		if !strings.HasPrefix(part[len(id)+1:], " disabled") {
			out = append(out, id)
		}
	}
	return out
}

// race sends both requests at once and returns their status codes and bodies.
func race(t *testing.T, reqs [2]*http.Request, hcs [2]*http.Client) (codes [2]int, bodies [2]string) {
	t.Helper()
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make([]error, 2)
	for i := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			resp, err := hcs[i].Do(reqs[i])
			if err != nil {
				errs[i] = err
				return
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			codes[i], bodies[i] = resp.StatusCode, string(b)
		}()
	}
	close(start)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	return codes, bodies
}

// checkOneWins asserts exactly one request won (wantOK) and the other got 409
// naming the winner's duty, and that the leader holds exactly that duty.
func checkOneWins(t *testing.T, f *staffFixture, wantOK int, ab [2]store.StoredAssignment, who string, codes [2]int, bodies [2]string) {
	t.Helper()
	win := -1
	for i, code := range codes {
		if code == wantOK {
			if win >= 0 {
				t.Fatalf("both edits won: the leader now has duties on %s and %s", ab[0].Date, ab[1].Date)
			}
			win = i
		}
	}
	if win < 0 {
		t.Fatalf("no edit won: %d %d\n%.300s\n%.300s", codes[0], codes[1], bodies[0], bodies[1])
	}
	lose := 1 - win
	if codes[lose] != http.StatusConflict || !strings.Contains(bodies[lose], ab[win].Date.String()) {
		t.Fatalf("loser: status %d, want 409 naming %s:\n%.2000s", codes[lose], ab[win].Date, bodies[lose])
	}
	for i, a := range ab {
		now, err := f.store.Assignment(t.Context(), a.Key())
		if err != nil {
			t.Fatal(err)
		}
		if (now.Person == who) != (i == win) {
			t.Fatalf("%s: %s, winner %s", a.Date, now.Person, ab[win].Date)
		}
	}
}

// TestConcurrentAdjacentEditsOneWins: two editors put the same leader on two
// adjacent duty days at the same moment, through the staff form and through
// PUT /api/v1/assignments. The eligibility check runs in the transaction
// that writes, so exactly one wins and the other is refused with 409 naming
// the duty it clashes with; the minimum gap holds. Each round uses fresh data.
func TestConcurrentAdjacentEditsOneWins(t *testing.T) {
	for round := range 20 {
		f := newStaffFixture(t)
		ed, ad := f.loggedIn(t, "editor"), f.loggedIn(t, "admin")
		a, b, who := adjacentDuties(t, f, ed, f.today.AddDays(1+round%10))
		ab := [2]store.StoredAssignment{a, b}
		var reqs [2]*http.Request
		if round%2 == 0 {
			for i, c := range []*client{ed, ad} {
				form := slotForm(ab[i], url.Values{"person": {who}, "csrf": {c.csrf}})
				reqs[i], _ = http.NewRequest(http.MethodPost, f.srv.URL+"/staff/roster/"+a.Roster+"/assign", strings.NewReader(form.Encode()))
				reqs[i].Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			codes, bodies := race(t, reqs, [2]*http.Client{ed.hc, ad.hc})
			checkOneWins(t, f, http.StatusSeeOther, ab, who, codes, bodies)
			continue
		}
		for i, user := range []string{"editor", "admin"} {
			secret, _ := newTokenFor(t, f, user)
			body := `{"person":"` + who + `","version":` + strconv.Itoa(ab[i].Version) + `}`
			reqs[i] = assignmentPut(f, secret, ab[i].Key(), body)
		}
		codes, bodies := race(t, reqs, [2]*http.Client{http.DefaultClient, http.DefaultClient})
		checkOneWins(t, f, http.StatusOK, ab, who, codes, bodies)
	}
}
