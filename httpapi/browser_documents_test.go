package httpapi_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"zhiban/roster"
	"zhiban/visits"
)

// printA4 prints the page as Chromium does to A4, with the page's own @page size.
func printA4(t *testing.T, ctx context.Context) []byte {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	pdf, err := chromedp.Run(c, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4),
		func(p *cdppage.PrintToPDFParams) { p.PreferCSSPageSize = ptrTo(true) }))
	if err != nil {
		t.Fatal(err)
	}
	return pdf
}

// pdfText is the PDF's text as pdftotext reads it, and its page count. .ci/run
// sets ZHIBAN_PDFTOTEXT (poppler-utils); then a missing tool fails the test.
func pdfText(t *testing.T, pdf []byte) (string, int) {
	t.Helper()
	if os.Getenv("ZHIBAN_PDFTOTEXT") == "" {
		t.Skip("ZHIBAN_PDFTOTEXT is not set (.ci/run sets it): the printed text is not checked")
	}
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	text, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext (apt-get install poppler-utils): %v", err)
	}
	info, err := exec.Command("pdfinfo", path).Output()
	if err != nil {
		t.Fatalf("pdfinfo: %v", err)
	}
	pages := 0
	for _, line := range strings.Split(string(info), "\n") {
		if v, ok := strings.CutPrefix(line, "Pages:"); ok {
			fmt.Sscan(strings.TrimSpace(v), &pages)
		}
	}
	return string(text), pages
}

// Every case document is issued from the case page, prints on one A4 page
// with its fields, and is photographed as printed into $ZHIBAN_SCREENSHOTS.
// The case holds the longest texts the forms accept.
func TestBrowserPrintsEveryCaseDocument(t *testing.T) {
	ctx := newBrowser(t)
	f := newStaffFixture(t)
	dir := screenshotDir(t)
	long := strings.Repeat("补偿标准与安置方案", 60)
	d := roster.MustDate
	k, err := f.store.CreateCase(context.Background(), visits.Case{Code: "2026-0201", Title: string([]rune(strings.Repeat("征地补偿款未到位", 13))[:100]),
		Category: "征地拆迁", Township: "t01", Received: d("2026-10-09"), Channel: "来访",
		Petitioner: visits.Petitioner{Name: "欧阳某某", Address: "示例县人民路1号"}, GroupSize: 8, Representatives: 2, Leader: "L01",
		State: visits.StateRechecked, Accepted: d("2026-10-10"), ExtensionDays: 30, ExtensionReason: long, Extended: d("2026-10-20"),
		Replied: d("2026-11-02"), ReviewAsked: d("2026-11-05"), Reviewed: d("2026-11-10"), RecheckAsked: d("2026-11-12"), Rechecked: d("2026-11-20"),
		Milestones: []visits.Milestone{{Duty: visits.DutyInvestigate, On: d("2026-10-15"), Note: long}, {Duty: visits.DutyHandle, On: d("2026-10-30"), Note: long}}}, "test")
	if err != nil {
		t.Fatal(err)
	}
	r, err := f.store.CreateCase(context.Background(), visits.Case{Code: "2026-0202", Title: "要求解决子女入学", Category: "其他",
		Township: "t01", Received: d("2026-11-25"), Channel: "来信", Petitioner: visits.Petitioner{Name: "李某"}, GroupSize: 1,
		State: visits.StateRejected, Closed: d("2026-11-27")}, "test")
	if err != nil {
		t.Fatal(err)
	}
	// A hand-over of the long case, and today's 开门接访 session with three visits.
	ctx0 := context.Background()
	h, err := f.store.CreateHandover(ctx0, visits.Handover{Case: k.ID, Unit: "d02", Handed: f.today, Due: f.today.AddDays(20)}, "test")
	if err != nil {
		t.Fatal(err)
	}
	session, err := f.store.CreateVisit(ctx0, visits.Visit{Kind: visits.KindOpen, Leader: "L01", Shadow: "D01", Date: f.today,
		Start: 8*60 + 30, End: 17*60 + 30, Place: "县群众来访接待中心", State: visits.VisitConfirmed, CreatedBy: "test"}, "test")
	if err != nil {
		t.Fatal(err)
	}
	var regs []visits.Registration
	for i, name := range []string{"张三", "李四", "王五"} {
		g, err := f.store.CreateRegistration(ctx0, visits.Registration{Session: session.ID, Date: f.today, Visitor: visits.Visitor{Name: name,
			IDNumber: "11010519491231002X", Phone: "13912345678", Address: "城关镇解放路1号"}, Township: "t01", GroupSize: 1 + i,
			Matter: long, Category: "征地拆迁", State: visits.DeskWaiting, Arrived: f.now.Add(time.Duration(i) * 10 * time.Minute), CreatedBy: "editor"}, "test")
		if err != nil {
			t.Fatal(err)
		}
		regs = append(regs, g)
	}
	casePage := func(id int64) string { return fmt.Sprintf("/staff/cases/%d", id) }
	login(t, ctx, f.srv.URL, "editor")
	for _, doc := range []struct {
		kind  string
		id    int64
		title string
		want  []string
		page  string // where it is issued: the case page unless set
	}{
		{"accept", k.ID, "受理告知书", []string{"示信受〔2026〕1号", "欧阳某某等8人：", "2026年10月9日来访反映", "2026年10月10日依法受理", "满意度评价码"}, ""},
		{"extension", k.ID, "延期办理告知书", []string{"示信延〔2026〕1号", "延长30日", "详见案卷"}, ""},
		{"opinion", k.ID, "信访处理意见书", []string{"示信意〔2026〕1号", "经调查核实", "处理意见", "请求本机关的上一级机关复查", "满意度评价码", "/evaluate"}, ""},
		{"review", k.ID, "复查意见书", []string{"示信复查〔2026〕1号", "2026年11月5日提出复查请求", "复查意见"}, ""},
		{"recheck", k.ID, "复核意见书", []string{"示信复核〔2026〕1号", "2026年11月12日提出复核请求", "最终意见"}, ""},
		{"reject", r.ID, "不予受理告知书", []string{"示信不受〔2026〕1号", "李某：", "2026年11月25日来信反映", "决定不予受理"}, ""},
		{"handover", h.ID, "交办单", []string{"示信交〔2026〕1号", "县公安局：", "2026-0201", "欧阳某某等8人", "2026年12月21日前", "办结报告"}, casePage(k.ID)},
		{"registration", regs[0].ID, "群众来访登记表", []string{"示信登〔2026〕1号", "张三", "11010519491231002X", "13912345678", "城关镇解放路1号", "登记人：editor"}, "/staff/desk"},
		{"session", session.ID, "领导接访登记表", []string{"示信接〔2026〕1号", "李志远", "林振华", "共3批6人次", "张三", "李四", "王五"}, "/staff/desk"},
	} {
		t.Run(doc.kind, func(t *testing.T) {
			page := doc.page
			if page == "" {
				page = casePage(doc.id)
			}
			button := fmt.Sprintf(`form:has(input[name=kind][value=%q]):has(input[name=subject][value="%d"]) button`, doc.kind, doc.id)
			step(t, ctx, "issue "+doc.title, chromedp.Navigate(f.srv.URL+page),
				chromedp.WaitVisible(chromedp.CSS(button)), chromedp.Click(chromedp.CSS(button)),
				chromedp.WaitVisible(chromedp.CSS(`main.sheet h1.title`)))
			pdf := printA4(t, ctx)
			os.WriteFile(filepath.Join(dir, "document-"+doc.kind+".pdf"), pdf, 0o644)
			saveScreenshot(t, ctx, filepath.Join(dir, "document-"+doc.kind+".png"))
			if n := len(pdfPageRE.FindAll(pdf, -1)); n != 1 {
				t.Errorf("%s prints on %d pages, want 1", doc.title, n)
			}
			text, pages := pdfText(t, pdf)
			if pages != 1 {
				t.Errorf("%s: pdfinfo counts %d pages", doc.title, pages)
			}
			flat := strings.Join(strings.Fields(text), "")
			for _, want := range append(doc.want, doc.title, "示例县群众工作部", "2026年12月1日", "（盖章）") {
				if !strings.Contains(flat, want) {
					t.Errorf("%s as printed lacks %q:\n%s", doc.title, want, text)
				}
			}
			if strings.Contains(flat, "下载Word") {
				t.Errorf("%s: the screen links are printed", doc.title)
			}
		})
	}
}
