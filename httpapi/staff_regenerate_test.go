package httpapi_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Applying a regeneration without previewing it first is a 400 that says so.
func TestRegenerateWithoutPreview(t *testing.T) {
	f := newStaffFixture(t)
	ed := f.loggedIn(t, "editor")
	form := url.Values{"from": {f.today.AddDays(1).String()}, "to": {f.today.AddDays(30).String()}}
	if code, body := ed.post("/staff/regenerate", form); code != http.StatusBadRequest || !strings.Contains(body, "请先预览") {
		t.Errorf("apply without preview: %d\n%s", code, body)
	}
}
