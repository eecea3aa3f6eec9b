package httpapi_test

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"zhiban/roster"
)

// The hall display fits a 1920×1080 and a 1280×720 screen without scrolling,
// nothing sticks out of the screen or is cut off, and names are at least 72 px
// at 1080p; on a duty day and on a holiday. Screenshots go to $ZHIBAN_SCREENSHOTS.
func TestBrowserHallDisplayFitsTheScreen(t *testing.T) {
	ctx := newBrowser(t)
	dir := screenshotDir(t)
	for _, day := range []struct {
		name string
		now  time.Time
		open bool // a 开门接访 session today
	}{
		{"duty", time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC), true},
		{"holiday", time.Date(2027, 1, 1, 1, 0, 0, 0, time.UTC), false},
	} {
		f := newPubFixture(t, day.now)
		if day.open {
			f.receiveAtOpenSession(t, roster.MustDate(day.now.Format("2006-01-02")), 23) // 09:00 in Shanghai: same date
		}
		for _, size := range [][2]int64{{1920, 1080}, {1280, 720}} {
			w, h := size[0], size[1]
			step(t, ctx, "open /display", chromedp.EmulateViewport(w, h), chromedp.Navigate(f.srv.URL+"/display"),
				chromedp.WaitVisible(chromedp.CSS(`.hall-name`)))
			what := fmt.Sprintf("%s at %d×%d", day.name, w, h)
			if got := evalJS[bool](t, ctx, `document.documentElement.scrollHeight <= innerHeight && document.documentElement.scrollWidth <= innerWidth`); !got {
				t.Errorf("%s: the page scrolls (%s)", what, evalJS[string](t, ctx,
					"`${document.documentElement.scrollWidth}×${document.documentElement.scrollHeight} in ${innerWidth}×${innerHeight}`"))
			}
			out := evalJS[[]string](t, ctx, `[...document.querySelectorAll('.hall *')].filter(e => {
				const r = e.getBoundingClientRect();
				return r.bottom > innerHeight + 0.5 || r.right > innerWidth + 0.5 || e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflow === 'hidden';
			}).map(e => e.className + ': ' + e.textContent.trim().slice(0, 20))`)
			if len(out) > 0 {
				t.Errorf("%s: outside the screen or cut off: %q", what, out)
			}
			if px := evalJS[float64](t, ctx, `Math.min(...[...document.querySelectorAll('.hall-name')].map(e => parseFloat(getComputedStyle(e).fontSize)))`); px < 72*float64(h)/1080 {
				t.Errorf("%s: names are %.0f px, want at least %.0f", what, px, 72*float64(h)/1080)
			}
			saveScreenshot(t, ctx, filepath.Join(dir, fmt.Sprintf("display-%s-%dx%d.png", day.name, w, h)))
		}
	}
}
