package httpapi_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserWorkPages plans a visit that clashes with the leader's duty in a
// real Chromium, sees the conflict with the typed values kept, and takes
// screenshots of the case list and the visits calendar at phone and desktop
// widths.
func TestBrowserWorkPages(t *testing.T) {
	ctx := newBrowser(t)
	f := newWorkFixture(t)
	base := f.srv.URL
	shots := os.Getenv("ZHIBAN_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	login(t, ctx, base, "editor")

	a := f.duty(t, f.today.AddDays(2))
	step(t, ctx, "open the calendar", chromedp.Navigate(base+"/staff/visits?at="+a.Date.String()),
		chromedp.WaitVisible(chromedp.CSS(`#new form`)))
	evalJS[bool](t, ctx, fmt.Sprintf(`(() => {
		const f = document.querySelector('#new form');
		f.kind.value = 'invite'; f.leader.value = %q; f.date.value = %q;
		f.start.value = '10:00'; f.end.value = '11:00'; f.place.value = '约访室甲'; f.cases.value = '2026-0902';
		return true;
	})()`, a.Person, a.Date.String()))
	step(t, ctx, "plan a clashing visit", chromedp.Click(chromedp.CSS(`#new form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#conflicts`)))
	if text := bodyText(t, ctx); !strings.Contains(text, "值班") {
		t.Errorf("the conflict does not name the duty:\n%s", text)
	}
	if v := evalJS[string](t, ctx, `document.querySelector('#new form').place.value`); v != "约访室甲" {
		t.Errorf("typed place lost: %q", v)
	}
	shot(t, ctx, base+"/staff/cases", filepath.Join(shots, "cases-390.png"), 390)
	pages := []struct{ name, path string }{
		{"cases", "/staff/cases"},
		{"visits-week", "/staff/visits?at=" + f.today.String()},
		{"visits-month", "/staff/visits?view=month&at=" + f.today.String()},
	}
	for _, width := range []int64{390, 1280} {
		for _, p := range pages {
			shot(t, ctx, base+p.path, filepath.Join(shots, fmt.Sprintf("%s-%d.png", p.name, width)), width)
		}
	}
	k, err := f.store.CaseByCode(context.Background(), "2026-0900")
	if err != nil {
		t.Fatal(err)
	}
	sw, _ := f.store.LatestSweep(context.Background())
	shot(t, ctx, base+fmt.Sprintf("/staff/cases/%d", k.ID), filepath.Join(shots, "case-1280.png"), 1280)
	shot(t, ctx, base+"/staff/sweeps/"+string(sw.Month), filepath.Join(shots, "sweep-1280.png"), 1280)
	t.Logf("screenshots in %s", shots)
}
