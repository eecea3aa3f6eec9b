package httpapi_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"zhiban/xlsx/xlsxtest"
)

// Every download, as served, is checked the way its readers read it
// (excelize, and openpyxl's read-only mode when ZHIBAN_OPENPYXL is set):
// dimension, frozen header, autofilter, print setup, and numbers and dates
// as cells of their kind — a SUM over 当事人数 once gave 0.
func TestEveryExportTyped(t *testing.T) {
	f := newWorkFixture(t)
	editor := f.loggedIn(t, "editor")
	sw, err := f.store.LatestSweep(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// kinds names columns by heading: each must hold cells of that kind or
	// none, and at least one.
	type kinds map[string]string
	for _, x := range []struct {
		path   string
		header int
		sheets map[string]kinds
	}{
		{"/staff/roster/county-duty/2026-12.xlsx", 3, map[string]kinds{"值班表": {"日期": "date", "星期": "text"}}},
		{"/staff/cases.xlsx", 3, map[string]kinds{"信访事项台账": {"编号": "text", "收到日期": "date", "期限日": "date", "剩余天数": "number"}}},
		{"/staff/sweeps/" + string(sw.Month) + ".xlsx", 3, map[string]kinds{
			"报送情况": {"截止日期": "date", "报送日期": "date"},
			"排查发现": {"序号": "number", "当事人数": "number", "摘要": "text"},
			"汇总":   {"数量": "number"},
		}},
		{"/staff/import/leaders.xlsx", 1, map[string]kinds{"领导名单": {"编号": "text", "电话": "text"}}},
		{"/staff/import/absences-template.xlsx", 1, map[string]kinds{"请假出差": {"开始日期": "date", "结束日期": "date"}}},
	} {
		t.Run(strings.Trim(x.path, "/"), func(t *testing.T) {
			code, body := editor.get(x.path)
			if code != http.StatusOK {
				t.Fatalf("%s: %d", x.path, code)
			}
			for _, s := range xlsxtest.Check(t, []byte(body), x.header) {
				_, end, _ := strings.Cut(s.Filter, ":")
				last, _ := strconv.Atoi(strings.TrimLeft(end, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
				for heading, kind := range x.sheets[s.Name] {
					col := 0
					for i, c := range s.Cells[x.header-1] {
						if c.Value == heading {
							col = i + 1
						}
					}
					if col == 0 {
						t.Fatalf("sheet %s has no column %s", s.Name, heading)
					}
					seen, sum := 0, 0.0
					for r, c := range s.Col(col, x.header+1, last) {
						if c.Kind != kind && c.Kind != "" {
							t.Errorf("sheet %s row %d: %s is %s %q, want a %s", s.Name, x.header+1+r, heading, c.Kind, c.Value, kind)
						}
						if c.Kind == kind {
							seen++
						}
						n, _ := strconv.ParseFloat(c.Value, 64)
						sum += n
					}
					if seen == 0 {
						t.Errorf("sheet %s: no %s in column %s", s.Name, kind, heading)
					}
					if heading == "当事人数" && sum == 0 {
						t.Errorf("SUM(当事人数) is 0")
					}
				}
			}
		})
	}
}
