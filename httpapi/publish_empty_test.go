package httpapi_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"zhiban/config"
)

// A month without duties is not published, from the grid or the API: 400
// with the reason, and no publication recorded.
func TestPublishEmptyMonthRefused(t *testing.T) {
	f := newStaffFixture(t)
	f.reconfigure(t, func(c *config.Config) { c.Publish.Auto = false })
	a := f.duty(t, f.today.AddDays(2))
	const empty = "2027-06" // beyond the fixture's filled horizon
	const msg = "该月尚无值班安排，无法公布"

	editor := f.loggedIn(t, "editor")
	if code, body := editor.post("/staff/roster/"+a.Roster+"/"+empty+"/publish", nil); code != http.StatusBadRequest || !strings.Contains(body, msg) {
		t.Errorf("grid publish of an empty month: %d\n%s", code, body)
	}
	secret, _ := newTokenFor(t, f, "editor")
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/api/v1/rosters/"+a.Roster+"/months/"+empty+"/publish", nil)
	req.Header.Set("Authorization", "Bearer "+secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), msg) {
		t.Errorf("API publish of an empty month: %d %s", resp.StatusCode, body)
	}
	if _, err := f.store.Publication(t.Context(), a.Roster, empty); err == nil {
		t.Error("an empty month was recorded as published")
	}
}
