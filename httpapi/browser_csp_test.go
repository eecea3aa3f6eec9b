package httpapi_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"zhiban/roster"
)

// Under the Content-Security-Policy (no inline script) the little script
// the pages need still runs from static/zhiban.js: the month's print
// button prints, and deleting an absence asks first.
func TestBrowserScriptsRunUnderCSP(t *testing.T) {
	ctx := newBrowser(t)
	f := newStaffFixture(t)
	base := f.srv.URL

	month := "/roster/" + f.today.String()[:7]
	step(t, ctx, "open the month", chromedp.Navigate(base+month), chromedp.WaitVisible(chromedp.CSS(`button[data-print]`)))
	// Wait for the deferred script, then replace the print dialog with a flag.
	evalJS[bool](t, ctx, `new Promise(r => { const go = () => { window.print = () => { window.__printed = true; }; r(true); };
		document.readyState === "complete" ? go() : addEventListener("load", go); })`)
	step(t, ctx, "click print", chromedp.Click(chromedp.CSS(`button[data-print]`)))
	if !evalJS[bool](t, ctx, `window.__printed === true`) {
		t.Fatal("the print button did not print")
	}

	ctx2 := context.Background()
	people, err := f.store.People(ctx2)
	if err != nil || len(people) == 0 {
		t.Fatal(err)
	}
	id, err := f.store.AddAbsence(ctx2, roster.Absence{Person: people[0].ID, From: f.today.AddDays(2), To: f.today.AddDays(3), Kind: roster.Leave}, "test")
	if err != nil {
		t.Fatal(err)
	}
	login(t, ctx, base, "editor")
	del := fmt.Sprintf(`form[action="/staff/absences/%d/delete"] button`, id)
	exists := func() bool {
		abs, err := f.store.Absences(ctx2, f.today, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range abs {
			if a.ID == id {
				return true
			}
		}
		return false
	}
	step(t, ctx, "open absences", chromedp.Navigate(base+"/staff/absences"), chromedp.WaitVisible(chromedp.CSS(del)))
	evalJS[bool](t, ctx, `new Promise(r => { const go = () => { window.confirm = m => { window.__asked = m; return false; }; r(true); };
		document.readyState === "complete" ? go() : addEventListener("load", go); })`)
	step(t, ctx, "delete, then decline", chromedp.Click(chromedp.CSS(del)))
	time.Sleep(300 * time.Millisecond)
	if asked := evalJS[string](t, ctx, `String(window.__asked)`); !strings.Contains(asked, people[0].Name) || !strings.Contains(asked, "记录？") {
		t.Fatalf("no confirmation asked before deleting: %q", asked)
	}
	if !exists() {
		t.Fatal("the absence was deleted although the confirmation was declined")
	}
	evalJS[bool](t, ctx, `(window.confirm = () => true, true)`)
	step(t, ctx, "delete, then accept", chromedp.Click(chromedp.CSS(del)), chromedp.WaitVisible(chromedp.CSS(`p.notice, p.error`)))
	if exists() {
		t.Fatal("the absence was not deleted after the confirmation")
	}
}
