package httpapi_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"zhiban/roster"
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

// Leave recorded after the roster was made: the preview moves the absent
// leader's duties and says why the change is worth applying.
func TestRegeneratePreviewExplainsItself(t *testing.T) {
	f := newStaffFixture(t)
	ctx := context.Background()
	a := roster.Absence{Person: "L03", From: f.today.AddDays(3), To: f.today.AddDays(25), Kind: roster.Leave}
	if _, err := f.store.AddAbsence(ctx, a, "test"); err != nil {
		t.Fatal(err)
	}
	q := url.Values{"preview": {"1"}, "from": {f.today.AddDays(1).String()}, "to": {f.today.AddDays(30).String()}}
	code, body := f.loggedIn(t, "editor").get("/staff/regenerate?" + q.Encode())
	if code != http.StatusOK {
		t.Fatalf("preview: %d", code)
	}
	mustContain(t, "preview", body, "建议应用")
	mustContain(t, "preview", body, "违反硬约束的班次由")
}
