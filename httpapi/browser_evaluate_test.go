package httpapi_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"zhiban/service"
	"zhiban/visits"
)

// A petitioner answers with the 评价码 from the 告知书 on a phone: the page
// fits 390 px, the choices and the button are thumb-sized, the honeypot is
// out of sight, and the answer is recorded. Screenshots go to $ZHIBAN_SCREENSHOTS.
func TestBrowserEvaluateOnAPhone(t *testing.T) {
	ctx := newBrowser(t)
	dir := screenshotDir(t)
	f := newWorkFixture(t)
	k := f.caseByCode(t, "2026-0900")
	svc := service.New(f.store, testConfig(t, nil), nil)
	code, err := svc.EvaluationCode(context.Background(), service.Call{Actor: "editor", Now: f.clock()}, k.ID, visits.StageAccept)
	if err != nil {
		t.Fatal(err)
	}
	step(t, ctx, "open the page", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(3)),
		chromedp.Navigate(f.srv.URL+"/evaluate"), chromedp.WaitVisible(`#code`))
	if !evalJS[bool](t, ctx, `document.documentElement.scrollWidth <= innerWidth`) {
		t.Error("the evaluation page scrolls sideways at 390 px")
	}
	for _, sel := range []string{`button[type=submit]`, `label.choice`} {
		if h := evalJS[float64](t, ctx, `document.querySelector('`+sel+`').getBoundingClientRect().height`); h < 44 {
			t.Errorf("%s is %.0f px high, want at least 44 (a thumb)", sel, h)
		}
	}
	if evalJS[bool](t, ctx, `document.querySelector('input[name=website]').getBoundingClientRect().right > 0`) {
		t.Error("the honeypot field is on screen")
	}
	// Typed as people type it: lower case with spaces.
	typed := strings.ToLower(strings.ReplaceAll(code, "-", " "))
	step(t, ctx, "answer", chromedp.SendKeys(`#code`, typed), chromedp.Click(`input[value="基本满意"]`))
	saveScreenshot(t, ctx, filepath.Join(dir, "evaluate-phone.png"))
	step(t, ctx, "submit", chromedp.Click(`button[type=submit]`), chromedp.WaitVisible(`.signed`))
	body := bodyText(t, ctx)
	if !strings.Contains(body, "评价已提交") || !strings.Contains(body, "受理") || !strings.Contains(body, "基本满意") ||
		strings.Contains(body, k.Code) || strings.Contains(body, k.Petitioner.Name) {
		t.Fatalf("after submitting:\n%s", body)
	}
	saveScreenshot(t, ctx, filepath.Join(dir, "evaluate-phone-done.png"))
	ev, err := f.store.Evaluation(context.Background(), k.ID, visits.StageAccept)
	if err != nil || ev.Answer != visits.FairlySatisfed || ev.Source != visits.SourceCode {
		t.Fatalf("stored %+v %v", ev, err)
	}
}
