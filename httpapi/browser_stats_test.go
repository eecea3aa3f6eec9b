package httpapi_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
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
	// The definitions (docs/statistics.md) read on a phone and a desktop.
	for _, width := range []int64{390, 1280} {
		shot(t, ctx, srv.URL+"/staff/stats/definitions", filepath.Join(shots, fmt.Sprintf("stats-definitions-%d.png", width)), width)
		if w := evalJS[int](t, ctx, `document.documentElement.scrollWidth`); int64(w) > width+1 {
			t.Errorf("the definitions are %d px wide at %d px", w, width)
		}
		if n := evalJS[int](t, ctx, `document.querySelectorAll('article.stats-definitions h2').length`); n < 10 {
			t.Errorf("the definitions show %d headings", n)
		}
	}
	// Printed on A4 (the navigation and forms hidden, nothing cut at the right edge).
	shot(t, ctx, srv.URL+"/staff/stats?period=2027", filepath.Join(shots, "stats-2027-794.png"), 794)
	pdf := printA4(t, ctx)
	if err := os.WriteFile(filepath.Join(shots, "stats-2027-print.pdf"), pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	step(t, ctx, "emulate print", chromedp.Action[chromedp.Void](func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		return chromedp.Void{}, err
	}))
	saveScreenshot(t, ctx, filepath.Join(shots, "stats-2027-print.png"))
	if v := evalJS[string](t, ctx, `getComputedStyle(document.querySelector('.staff-bar')).display`); v != "none" {
		t.Errorf("the navigation prints (display %q)", v)
	}
	if w := evalJS[int](t, ctx, `Math.max(...[...document.querySelectorAll('table')].map(t => t.getBoundingClientRect().right))`); w > 794 {
		t.Errorf("a table reaches %d px on A4 (794 px)", w)
	}
	t.Logf("screenshots in %s", shots)
}
