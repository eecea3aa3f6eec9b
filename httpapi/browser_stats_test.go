package httpapi_test

import (
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserStatsPage opens the statistics of a generated year in Chromium:
// the stylesheet loads under the policy, the charts draw, and screenshots at
// phone and desktop widths go to $ZHIBAN_SCREENSHOTS.
func TestBrowserStatsPage(t *testing.T) {
	ctx := newBrowser(t)
	h, _, _, _ := statsServer(t)
	srv := httptest.NewServer(h)
	defer srv.Close()
	shots := screenshotDir(t)
	login(t, ctx, srv.URL, "viewer")
	for _, p := range []string{"2027", "2027-12"} {
		for _, width := range []int64{390, 1280} {
			shot(t, ctx, srv.URL+"/staff/stats?period="+p, filepath.Join(shots, fmt.Sprintf("stats-%s-%d.png", p, width)), width)
			// The top of the page at its real size, to look at the charts.
			top, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(shots, fmt.Sprintf("stats-%s-%d-top.png", p, width)), top, 0o644); err != nil {
				t.Fatal(err)
			}
			if d := evalJS[string](t, ctx, `getComputedStyle(document.querySelector('.stats-cards')).display`); d != "grid" {
				t.Errorf("stats.css not applied at %d px: .stats-cards is %q", width, d)
			}
			if n := evalJS[int](t, ctx, `document.querySelectorAll('svg.chart rect, svg.chart polyline').length`); n < 10 {
				t.Errorf("%d chart marks drawn at %d px", n, width)
			}
			if w := evalJS[int](t, ctx, `document.documentElement.scrollWidth`); int64(w) > width+1 {
				t.Errorf("the page is %d px wide at %d px", w, width)
			}
		}
	}
	t.Logf("screenshots in %s", shots)
}
