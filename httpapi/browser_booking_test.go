package httpapi_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"zhiban/roster"
	"zhiban/store"
	"zhiban/visits"
)

// A visitor books a leader's reception on a phone (390 px), from the public
// page, without a script: a refusal keeps what was typed, the booking gives
// a code and a slot; the lookup finds it by code and phone and cancels it.
// Screenshots go to $ZHIBAN_SCREENSHOTS.
func TestBrowserBookingOnAPhone(t *testing.T) {
	ctx := newBrowser(t)
	dir := screenshotDir(t)
	f := newBookingFixture(t, nil)
	step(t, ctx, "open the public page", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(3)),
		chromedp.Navigate(f.srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`a[href="/booking"]`)))
	step(t, ctx, "follow the booking link", chromedp.Click(chromedp.CSS(`a[href="/booking"]`)), chromedp.WaitVisible(chromedp.CSS(`#name`)))
	if !evalJS[bool](t, ctx, `document.documentElement.scrollWidth <= innerWidth`) {
		t.Error("the booking page scrolls sideways at 390 px")
	}
	for _, sel := range []string{`button[type=submit]`, `label.choice`, `#name`, `#category`} {
		if h := evalJS[float64](t, ctx, `document.querySelector('`+sel+`').getBoundingClientRect().height`); h < 44 {
			t.Errorf("%s is %.0f px high, want at least 44 (a thumb)", sel, h)
		}
	}
	if evalJS[bool](t, ctx, `document.querySelector('input[name=website]').getBoundingClientRect().right > 0`) {
		t.Error("the honeypot field is on screen")
	}
	if n := evalJS[int](t, ctx, `document.scripts.length`); n != 0 {
		t.Errorf("the booking page has %d scripts", n)
	}
	// Every input has a label.
	if bad := evalJS[string](t, ctx, `[...document.querySelectorAll('main input:not([type=hidden]):not([name=website]), main select')]
		.filter(e => !e.labels || e.labels.length == 0).map(e => e.name).join(',')`); bad != "" {
		t.Errorf("inputs without a label: %s", bad)
	}
	// The second day; a phone that is not a mobile number first.
	step(t, ctx, "fill in the form",
		chromedp.Click(chromedp.CSS(`input[name=day]:not(:checked)`)),
		chromedp.SetValue(chromedp.CSS(`#category`), "劳资"),
		chromedp.SetValue(chromedp.CSS(`#township`), "t03"),
		chromedp.SendKeys(chromedp.CSS(`#name`), "浏览器预约人"),
		chromedp.SendKeys(chromedp.CSS(`#id_number`), "11010519491231002x"),
		chromedp.SendKeys(chromedp.CSS(`#phone`), "0713-1234567"),
		chromedp.Click(chromedp.CSS(`input[name=consent]`)))
	saveScreenshot(t, ctx, filepath.Join(dir, "booking-phone.png"))
	step(t, ctx, "submit", chromedp.Click(chromedp.CSS(`button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(`p.error`)))
	body := bodyText(t, ctx)
	if !strings.Contains(body, "手机号码：请填写11位手机号码") {
		t.Fatalf("the refusal:\n%s", body)
	}
	if v := evalJS[string](t, ctx, `document.querySelector('#name').value + '|' + document.querySelector('#category').value + '|' +
		document.querySelector('#township').value + '|' + document.querySelector('input[name=consent]').checked`); v != "浏览器预约人|劳资|t03|true" {
		t.Errorf("values after the refusal: %s", v)
	}
	if !evalJS[bool](t, ctx, `document.querySelector('#phone').getAttribute('aria-invalid') === 'true'`) {
		t.Error("the refused field is not marked aria-invalid")
	}
	saveScreenshot(t, ctx, filepath.Join(dir, "booking-phone-refused.png"))
	step(t, ctx, "correct the phone and submit",
		chromedp.SetValue(chromedp.CSS(`#phone`), "13912345678"),
		chromedp.Click(chromedp.CSS(`button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(`.booking-code`)))
	body = bodyText(t, ctx)
	code := strings.TrimSpace(evalJS[string](t, ctx, `document.querySelector('.booking-code').innerText`))
	if !strings.Contains(body, "预约成功") || !strings.Contains(body, "08:30–09:00") || len(code) != 9 ||
		strings.Contains(body, "13912345678") || strings.Contains(body, "1101051949") {
		t.Fatalf("after booking (%s):\n%s", code, body)
	}
	saveScreenshot(t, ctx, filepath.Join(dir, "booking-phone-done.png"))
	bs, err := f.store.Bookings(context.Background(), store.BookingFilter{})
	if err != nil || len(bs) != 1 || bs[0].Visitor.Name != "浏览器预约人" || bs[0].Date != roster.MustDate("2026-12-03") ||
		bs[0].Township != "t03" || bs[0].State != visits.BookingActive {
		t.Fatalf("stored: %+v %v", bs, err)
	}

	step(t, ctx, "look it up", chromedp.Click(chromedp.CSS(`a[href="/booking/lookup"]`)), chromedp.WaitVisible(chromedp.CSS(`#code`)),
		chromedp.SendKeys(chromedp.CSS(`#code`), strings.ToLower(strings.ReplaceAll(code, "-", " "))),
		chromedp.SendKeys(chromedp.CSS(`#phone`), "139 1234 5678"),
		chromedp.Click(chromedp.CSS(`button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(`button.secondary`)))
	body = bodyText(t, ctx)
	if !strings.Contains(body, code) || !strings.Contains(body, "已预约") || !strings.Contains(body, "139****5678") {
		t.Fatalf("the lookup:\n%s", body)
	}
	if !evalJS[bool](t, ctx, `document.documentElement.scrollWidth <= innerWidth`) {
		t.Error("the lookup page scrolls sideways at 390 px")
	}
	saveScreenshot(t, ctx, filepath.Join(dir, "booking-phone-lookup.png"))
	step(t, ctx, "cancel", chromedp.Click(chromedp.CSS(`button.secondary`)), chromedp.WaitVisible(chromedp.CSS(`p.signed`)))
	body = bodyText(t, ctx)
	if !strings.Contains(body, "预约已取消") || !strings.Contains(body, "已取消") {
		t.Fatalf("after cancelling:\n%s", body)
	}
	saveScreenshot(t, ctx, filepath.Join(dir, "booking-phone-cancelled.png"))
	if b, err := f.store.Booking(context.Background(), bs[0].ID); err != nil || b.State != visits.BookingCancelled {
		t.Fatalf("stored after cancelling: %+v %v", b.State, err)
	}
}
