package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"zhiban/stats"
)

// The yearly report (art. 41) and a month's 通报 carry the page's figures
// in sentences, print from the browser and download as .docx; no personal data.
func TestStatsReportDocument(t *testing.T) {
	h, w, _, cookie := statsServer(t)
	for _, c := range []struct{ period, title string }{{"2027", "2027年信访工作情况报告"}, {"2027-03", "2027年3月信访工作情况通报"}} {
		p, _ := stats.ParsePeriod(c.period)
		want := w.Expect(p).County
		figures := []string{c.title, fmt.Sprintf("共登记信访事项%d件", want.Cases),
			fmt.Sprintf("及时受理率%s（%d/%d）", want.Acceptance, want.Acceptance.Num, want.Acceptance.Den),
			fmt.Sprintf("满意率%s", want.Satisfaction), fmt.Sprintf("重复信访%d批", want.Repeat), "各乡镇情况"}
		if p.Kind == "year" { // fairness across the years, pool by pool
			figures = append(figures, "2025年至2027年各人员组成员值班班次最多与最少之差")
			for _, ep := range w.Expect(p).Pools {
				figures = append(figures, fmt.Sprintf("%d班次（本年%d）", ep.TotalSpread, ep.Spread[len(ep.Spread)-1]))
			}
		}
		rec := getWith(h, "/staff/stats/report?period="+c.period, cookie)
		page := rec.Body.String()
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", c.period, rec.Code, page)
		}
		docx := getWith(h, "/staff/stats/report.docx?period="+c.period, cookie)
		if docx.Code != http.StatusOK || !strings.Contains(docx.Header().Get("Content-Disposition"), ".docx") {
			t.Fatalf("%s docx: %d %v", c.period, docx.Code, docx.Header())
		}
		text := unzipped(t, docx.Body.String())
		for _, s := range figures {
			if !strings.Contains(page, s) {
				t.Errorf("%s page lacks %q", c.period, s)
			}
			if !strings.Contains(text, s) {
				t.Errorf("%s .docx lacks %q", c.period, s)
			}
		}
		for _, s := range []string{"合成人", "来访人", "style=", "<script"} {
			if strings.Contains(page, s) || strings.Contains(text, s) {
				t.Errorf("%s report holds %q", c.period, s)
			}
		}
	}
	if rec := getWith(h, "/staff/stats/report?period=2027-13", cookie); rec.Code != http.StatusBadRequest {
		t.Errorf("a bad period: %d", rec.Code)
	}
	if rec := getWith(h, "/staff/stats/report?period=2027", ""); rec.Code == http.StatusOK {
		t.Error("an anonymous reader got the report")
	}
}
