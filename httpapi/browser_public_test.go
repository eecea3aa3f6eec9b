package httpapi_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

var pdfPageRE = regexp.MustCompile(`/Type\s*/Page\b`)

// The printed month is one A4 sheet that stands alone: as printed it states
// hours, place, phone, the 来访须知 and the 主办单位, and hides the navigation.
// The public pages are photographed at phone and desktop widths (and as
// printed) into $ZHIBAN_SCREENSHOTS.
func TestBrowserPublicPagesAndPrint(t *testing.T) {
	ctx := newBrowser(t)
	f := newPubFixture(t, time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC))
	base, dir := f.srv.URL, screenshotDir(t)
	shotPages(t, ctx, base, dir, []page{{"public-home", "/"}, {"public-month", "/roster/2026-12"},
		{"public-month-unscheduled", "/roster/2027-06"}, {"public-visits", "/visits"}})

	step(t, ctx, "open the month", chromedp.EmulateViewport(794, 1123), chromedp.Navigate(base+"/roster/2026-12"),
		chromedp.WaitVisible(chromedp.CSS(`table.month`)))
	pdf := printA4(t, ctx)
	if err := os.WriteFile(filepath.Join(dir, "public-month-print.pdf"), pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	if n := len(pdfPageRE.FindAll(pdf, -1)); n != 1 {
		t.Errorf("the printed month takes %d A4 pages, want 1", n)
	}

	step(t, ctx, "emulate print", chromedp.Action[chromedp.Void](func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		return chromedp.Void{}, err
	}))
	saveScreenshot(t, ctx, filepath.Join(dir, "public-month-print.png"))
	printed := bodyText(t, ctx)
	for _, want := range []string{"接访时间：工作日 08:30–17:30", "接访地点：县群众来访接待中心（示例县人民路88号）", "咨询电话：0713-0000000",
		"来访须知", "主办单位：示例县群众工作部", "打印日期：2026年12月1日", "12月31日"} {
		if !strings.Contains(printed, want) {
			t.Errorf("the printed month lacks %q", want)
		}
	}
	for _, not := range []string{"今日值班", "打印本月值班表", "见首页"} {
		if strings.Contains(printed, not) {
			t.Errorf("the printed month shows %q", not)
		}
	}
}
