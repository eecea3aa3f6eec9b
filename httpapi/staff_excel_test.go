package httpapi_test

import (
	"bytes"
	"context"
	"html"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"zhiban/roster"
	"zhiban/store"
	"zhiban/xlsx"
)

func TestExportMonthRoundTrip(t *testing.T) {
	f := newStaffFixture(t)
	c := f.loggedIn(t, "viewer")
	req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/staff/roster/county-duty/2026-12.xlsx", nil)
	resp, err := c.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("status %d %v", resp.StatusCode, resp.Header)
	}
	m, err := xlsx.ReadRosterMonth(resp.Body, 2026)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Days) != 31 || !strings.Contains(m.Title, "2026年12月") {
		t.Fatalf("month %q with %d days", m.Title, len(m.Days))
	}
	ctx := context.Background()
	as, _ := f.store.Assignments(ctx, f.today, f.today.AddDays(30).MonthStart().AddDays(-1))
	for _, a := range as {
		p, _ := f.store.Person(ctx, a.Person)
		day := m.Days[a.Date.Day()-1]
		found := false
		for _, n := range day.Names {
			found = found || n == p.Name
		}
		if day.Date != a.Date || !found {
			t.Fatalf("%s: sheet has %v, database %s", a.Date, day.Names, p.Name)
		}
	}
}

func upload(t *testing.T, c *client, kind string, file []byte) (int, string) {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("csrf", c.csrf)
	w.WriteField("kind", kind)
	fw, _ := w.CreateFormFile("file", "upload.xlsx")
	fw.Write(file)
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, c.base+"/staff/import/preview", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	code, b, _ := c.do(req)
	return code, b
}

func book(t *testing.T, rows ...[]string) []byte {
	f := excelize.NewFile()
	for i, row := range rows {
		for j, v := range row {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			f.SetCellStr("Sheet1", cell, v)
		}
	}
	b, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestImportAbsencesWithRowErrors(t *testing.T) {
	f := newStaffFixture(t)
	ctx := context.Background()
	c := f.loggedIn(t, "editor")
	people, _ := f.store.People(ctx)
	bad := book(t,
		[]string{"人员", "类型", "开始日期", "结束日期", "事由"},
		[]string{people[0].Name, "请假", "2026-12-10", "2026-12-11", "事假"},
		[]string{"查无此人", "出差", "2026-12-10", "2026-12-11"},
		[]string{people[1].ID, "出差", "2026-12-32", "2026-12-11"},
	)
	code, body := upload(t, c, "absences", bad)
	if code != http.StatusBadRequest || !strings.Contains(body, "第 3 行：找不到人员“查无此人”") || !strings.Contains(body, "第 4 行：开始日期 &#34;2026-12-32&#34; 不是有效的日期") {
		t.Fatalf("%d\n%s", code, body)
	}
	if strings.Index(body, "第 3 行") > strings.Index(body, "第 4 行") {
		t.Error("row errors are not in row order")
	}
	if strings.Contains(body, "确认导入") {
		t.Fatal("a file with errors can be applied")
	}
	good := book(t,
		[]string{"人员", "类型", "开始日期", "结束日期", "事由"},
		[]string{people[0].Name, "请假", "2026-12-10", "2026-12-11", "事假"},
		[]string{people[1].ID, "出差", "2026/12/14", "2026年12月15日"},
	)
	code, body = upload(t, c, "absences", good)
	if code != 200 || !strings.Contains(body, "确认导入") {
		t.Fatalf("%d\n%s", code, body)
	}
	i := strings.Index(body, `name="data" value="`) + len(`name="data" value="`)
	data := html.UnescapeString(body[i : i+strings.IndexByte(body[i:], '"')])
	if code, body := c.post("/staff/import/apply", url.Values{"kind": {"absences"}, "data": {data}}); code != http.StatusSeeOther {
		t.Fatalf("apply: %d %s", code, body)
	}
	abs, _ := f.store.Absences(ctx, 0, 0)
	n := 0
	for _, a := range abs {
		if a.Person == people[0].ID && a.From.String() == "2026-12-10" || a.Person == people[1].ID && a.To.String() == "2026-12-15" {
			n++
		}
	}
	if n != 2 {
		t.Fatalf("imported %d of 2: %+v", n, abs)
	}
	// Importing the same file again adds nothing.
	code, body = upload(t, c, "absences", good)
	if code != 200 || strings.Count(body, "已登记") != 2 {
		t.Fatalf("second import: %d\n%s", code, body)
	}
}

func TestImportLeadersRoundTrip(t *testing.T) {
	f := newStaffFixture(t)
	ctx := context.Background()
	c := f.loggedIn(t, "editor")
	req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/staff/import/leaders.xlsx", nil)
	resp, err := c.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var exported bytes.Buffer
	exported.ReadFrom(resp.Body)
	resp.Body.Close()
	code, body := upload(t, c, "leaders", exported.Bytes())
	if code != 200 || strings.Contains(body, "<td>新增</td>") || strings.Contains(body, "<td>更新</td>") {
		t.Fatalf("re-importing the export changes something: %d\n%s", code, body[strings.Index(body, "<tbody>"):])
	}
	// A sheet from before the 邮箱 column keeps the stored addresses.
	old, _ := excelize.OpenReader(bytes.NewReader(exported.Bytes()))
	if v, _ := old.GetCellValue("领导名单", "G1"); v != "邮箱" {
		t.Fatalf("column G is %q", v)
	}
	old.RemoveCol("领导名单", "G")
	ob, _ := old.WriteToBuffer()
	code, body = upload(t, c, "leaders", ob.Bytes())
	if code != 200 || strings.Contains(body, "<td>新增</td>") || strings.Contains(body, "<td>更新</td>") {
		t.Fatalf("a sheet without 邮箱 changes something: %d\n%s", code, body)
	}
	// Add a leader to a pool through the sheet.
	x, _ := excelize.OpenReader(bytes.NewReader(exported.Bytes()))
	rows, _ := x.GetRows("领导名单")
	n := len(rows) + 1
	for j, v := range []string{"L99", "新领导", "副县长", "县级", "", "", "l99@shili.gov.example", "是", "", "", "", "", rows[1][12]} {
		cell, _ := excelize.CoordinatesToCellName(j+1, n)
		x.SetCellStr("领导名单", cell, v)
	}
	b, _ := x.WriteToBuffer()
	code, body = upload(t, c, "leaders", b.Bytes())
	if code != 200 || !strings.Contains(body, "<td>新增</td>") {
		t.Fatalf("%d\n%s", code, body)
	}
	i := strings.Index(body, `name="data" value="`) + len(`name="data" value="`)
	data := html.UnescapeString(body[i : i+strings.IndexByte(body[i:], '"')])
	if code, _ := c.post("/staff/import/apply", url.Values{"kind": {"leaders"}, "data": {data}}); code != http.StatusSeeOther {
		t.Fatalf("apply: %d", code)
	}
	p, err := f.store.Person(ctx, "L99")
	if err != nil || p.Name != "新领导" || !p.Active || p.Email != "l99@shili.gov.example" {
		t.Fatalf("%+v %v", p, err)
	}
	log, _ := f.store.AuditLog(ctx, struct {
		Actor, Entity, EntityID string
		Limit                   int
	}{Entity: "person", EntityID: "L99"})
	if len(log) != 1 || log[0].Actor != "editor" {
		t.Fatalf("audit %+v", log)
	}
}

// Applying an absences sheet repairs the future roster in the same request:
// tomorrow's duty of the absent leader goes to someone else, the other
// duties stay, and the notice says how many were re-planned.
func TestImportAbsencesRepairsRoster(t *testing.T) {
	f := newStaffFixture(t)
	ctx := context.Background()
	c := f.loggedIn(t, "editor")
	tomorrow := f.today.AddDays(1) // a Wednesday, a workday
	before, _ := f.store.Assignments(ctx, f.today, f.today.AddDays(45))
	var duty store.StoredAssignment
	for _, a := range before {
		if a.Date == tomorrow && a.Role == "值班领导" {
			duty = a
		}
	}
	if duty.Person == "" {
		t.Fatalf("no 值班领导 on %s", tomorrow)
	}
	sheet := book(t,
		[]string{"人员", "类型", "开始日期", "结束日期", "事由"},
		[]string{duty.Person, "会议", tomorrow.String(), tomorrow.String(), "赴省开会"},
	)
	code, body := upload(t, c, "absences", sheet)
	if code != 200 || !strings.Contains(body, "此期间有 1 个值班，导入时自动重新安排") {
		t.Fatalf("preview: %d\n%s", code, body)
	}
	code, body, h := applyUpload(c, "absences", body)
	if code != http.StatusSeeOther {
		t.Fatalf("apply: %d %s", code, body)
	}
	if want := "/staff/import?done=" + url.QueryEscape("已导入 1 条，重新安排 1 个失效班次。") + "&ds="; !strings.HasPrefix(h.Get("Location"), want) {
		t.Fatalf("redirect to %s, want %s", h.Get("Location"), want)
	}
	now, err := f.store.Assignment(ctx, duty.Key())
	if err != nil || now.Person == duty.Person {
		t.Fatalf("tomorrow's 值班领导 still %s (%v)", now.Person, err)
	}
	after, _ := f.store.Assignments(ctx, f.today, f.today.AddDays(45))
	is := map[roster.Key]string{}
	for _, a := range after {
		is[a.Key()] = a.Person
	}
	for _, a := range before {
		if a.Key() != duty.Key() && is[a.Key()] != a.Person {
			t.Errorf("%s %s changed from %s to %s", a.Date, a.Role, a.Person, is[a.Key()])
		}
	}
}

// applyUpload confirms the import previewed in body, as the preview's form does.
func applyUpload(c *client, kind, body string) (int, string, http.Header) {
	c.t.Helper()
	i := strings.Index(body, `name="data" value="`) + len(`name="data" value="`)
	data := html.UnescapeString(body[i : i+strings.IndexByte(body[i:], '"')])
	form := url.Values{"kind": {kind}, "data": {data}, "csrf": {c.csrf}}
	req, _ := http.NewRequest(http.MethodPost, c.base+"/staff/import/apply", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}
