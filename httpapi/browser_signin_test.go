package httpapi_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// A leader signs in from the link in the reminder on a phone: the page fits
// 390 px without sideways scrolling, the button is a comfortable thumb target,
// and a tap signs in. Screenshots go to $ZHIBAN_SCREENSHOTS.
func TestBrowserSigninOnAPhone(t *testing.T) {
	ctx := newBrowser(t)
	dir := screenshotDir(t)
	f := newStaffFixture(t)
	duty := f.duty(t, f.today)
	name := personName(t, f.store, duty.Person)
	step(t, ctx, "open the link", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(3)),
		chromedp.Navigate(f.srv.URL+signinPath(t, f.store, duty)), chromedp.WaitVisible(`button[type=submit]`))
	if got := evalJS[bool](t, ctx, `document.documentElement.scrollWidth <= innerWidth`); !got {
		t.Error("the sign-in page scrolls sideways at 390 px")
	}
	if h := evalJS[float64](t, ctx, `document.querySelector('button[type=submit]').getBoundingClientRect().height`); h < 44 {
		t.Errorf("the button is %.0f px high, want at least 44 (a thumb)", h)
	}
	if body := bodyText(t, ctx); !strings.Contains(body, name) || !strings.Contains(body, "确认到岗签到") {
		t.Fatalf("page:\n%s", body)
	}
	saveScreenshot(t, ctx, filepath.Join(dir, "signin-phone.png"))
	step(t, ctx, "tap", chromedp.Click(`button[type=submit]`), chromedp.WaitVisible(`.signed`))
	if body := bodyText(t, ctx); !strings.Contains(body, "已签到：09:00") {
		t.Fatalf("after the tap:\n%s", body)
	}
	saveScreenshot(t, ctx, filepath.Join(dir, "signin-phone-signed.png"))
}
