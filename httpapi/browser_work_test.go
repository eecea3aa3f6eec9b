package httpapi_test

import (
	"context"
	"fmt"
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
	shots := screenshotDir(t)
	login(t, ctx, base, "editor")

	a := f.duty(t, f.today.AddDays(2))
	step(t, ctx, "open the calendar", chromedp.Navigate(base+"/staff/visits?at="+a.Date.String()),
		chromedp.WaitVisible(chromedp.CSS(`#new form[method=post]`)))
	evalJS[bool](t, ctx, fmt.Sprintf(`(() => {
		const f = document.querySelector('#new form[method=post]');
		f.kind.value = 'invite'; f.leader.value = %q; f.date.value = %q;
		f.start.value = '10:00'; f.end.value = '11:00'; f.place.value = '约访室甲'; f.cases.value = '2026-0902';
		return true;
	})()`, a.Person, a.Date.String()))
	step(t, ctx, "plan a clashing visit", chromedp.Click(chromedp.CSS(`#new form[method=post] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#conflicts`)))
	if text := bodyText(t, ctx); !strings.Contains(text, "值班") {
		t.Errorf("the conflict does not name the duty:\n%s", text)
	}
	if v := evalJS[string](t, ctx, `document.querySelector('#new form[method=post]').place.value`); v != "约访室甲" {
		t.Errorf("typed place lost: %q", v)
	}
	// Register a case through the form: a refusal keeps what was typed.
	step(t, ctx, "open the registration form", chromedp.Navigate(base+"/staff/cases"),
		chromedp.Click(chromedp.CSS(`a[href="/staff/cases/new"]`)), chromedp.WaitVisible(chromedp.CSS(`form.case-form`)))
	evalJS[bool](t, ctx, `(() => {
		const f = document.querySelector('form.case-form');
		f.title.value = '村道占地补偿纠纷'; f.category.value = '征地拆迁'; f.township.value = 't03'; f.channel.value = '来访';
		f['petitioner.name'].value = '赵某某'; f['petitioner.phone'].value = '13900002222'; f.group_size.value = '12';
		f.representatives.value = '6'; f.unit.value = '县自然资源局';
		f.representatives.removeAttribute('max'); // let the server refuse it
		return true;
	})()`)
	step(t, ctx, "register with six representatives", chromedp.Click(chromedp.CSS(`form.case-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`p.error`)))
	if text := bodyText(t, ctx); !strings.Contains(text, "代表人数") {
		t.Errorf("the refusal does not name the field:\n%s", text)
	}
	if v := evalJS[string](t, ctx, `document.querySelector('form.case-form').title.value`); v != "村道占地补偿纠纷" {
		t.Errorf("typed title lost: %q", v)
	}
	for _, width := range []int64{390, 1280} {
		step(t, ctx, "resize", chromedp.EmulateViewport(width, 900))
		saveScreenshot(t, ctx, filepath.Join(shots, fmt.Sprintf("case-new-error-%d.png", width)))
	}
	step(t, ctx, "register", chromedp.EmulateViewport(1280, 900), chromedp.SetValue(chromedp.CSS(`input[name=representatives]`), "3"),
		chromedp.Click(chromedp.CSS(`form.case-form button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(`p.notice`)))
	if text := bodyText(t, ctx); !strings.Contains(text, "已登记案件") || !strings.Contains(text, "村道占地补偿纠纷") {
		t.Errorf("not on the new case's page:\n%s", text)
	}

	shot(t, ctx, base+"/staff/cases", filepath.Join(shots, "cases-390.png"), 390)
	pages := []page{
		{"cases", "/staff/cases"},
		{"visits-week", "/staff/visits?at=" + f.today.String()},
		{"visits-month", "/staff/visits?view=month&at=" + f.today.String()},
		{"case-new", "/staff/cases/new"},
		{"flags", "/staff/flags"},
		{"sweep", "/staff/sweeps"},
	}
	shotPages(t, ctx, base, shots, pages)
	k, err := f.store.CaseByCode(context.Background(), "2026-0900")
	if err != nil {
		t.Fatal(err)
	}
	sw, _ := f.store.LatestSweep(context.Background())
	shot(t, ctx, base+fmt.Sprintf("/staff/cases/%d", k.ID), filepath.Join(shots, "case-1280.png"), 1280)
	// The demo hands 2026-0903 to a unit: the case page with its 交办 section fits a phone.
	handed, err := f.store.CaseByCode(context.Background(), "2026-0903")
	if err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, base+fmt.Sprintf("/staff/cases/%d", handed.ID), filepath.Join(shots, "case-handed-390.png"), 390)
	shot(t, ctx, base+"/staff/sweeps/"+string(sw.Month), filepath.Join(shots, "sweep-1280.png"), 1280)
	t.Logf("screenshots in %s", shots)
}

// evalScreenshot captures the page as it is now, without reloading it.
