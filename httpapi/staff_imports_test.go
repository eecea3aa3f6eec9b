package httpapi_test

import (
	"context"
	"html"
	"net/http"
	"strings"
	"testing"
)

// A holiday file's names reach the public month page: the upload refuses a
// bidi override, a control character, a 300,000-character name and a GBK
// file, naming each line and quoting the value; dates typed with full-width
// digits and slashes preview as the dates they are.
func TestHolidayUploadRefusesUnsafeNames(t *testing.T) {
	f := newWorkFixture(t)
	editor := f.loggedIn(t, "editor")
	bad := "date,name,kind\n2028-10-01,国\u202E庆节,off\n2028-10-02,\"国\x07庆节\",off\n2028-10-03," + strings.Repeat("国", 300000) + ",off\n"
	code, body := editor.upload("/staff/holidays/preview", "file", "2028.csv", []byte(bad), nil)
	body = html.UnescapeString(body)
	if code != http.StatusBadRequest {
		t.Fatalf("bad names: %d", code)
	}
	mustContain(t, "bad names", body, `第 2 行：名称 "国\u202e庆节"`, `第 3 行：名称 "国\a庆节"`, "第 4 行：名称", "共 300000 个字", "最多 100 个字")
	if len(body) > 200<<10 || strings.Contains(body, "\u202E") {
		t.Fatalf("the page echoes the raw values (%d bytes)", len(body))
	}
	code, body = editor.upload("/staff/holidays/preview", "file", "2028.csv", []byte("2028-10-01,\xb9\xfa\xc7\xec,off\n"), nil)
	if code != http.StatusBadRequest || !strings.Contains(body, "UTF-8") {
		t.Fatalf("GBK file: %d", code)
	}
	typed := "日期,名称,类型\n２０２８/１０/１,国庆节,休\n2028／10／8,国庆节,班\n"
	code, body = editor.upload("/staff/holidays/preview", "file", "2028.csv", []byte(typed), nil)
	if code != http.StatusOK {
		t.Fatalf("typed dates: %d", code)
	}
	mustContain(t, "typed dates", body, "导入预览：2028 年", "2028-10-01", "2028-10-08", "国庆节（补班）")
}

// The Excel import as clerks fill it in: full-width ids and dates preview
// as the values they are; a row with several problems lists them all, each
// quoting its cell, and cannot be applied.
func TestExcelImportAsTyped(t *testing.T) {
	f := newStaffFixture(t)
	c := f.loggedIn(t, "editor")
	people, _ := f.store.People(context.Background())
	p := people[1]
	wide := strings.Map(func(r rune) rune {
		if r >= '!' && r <= '~' {
			return r + 0xFEE0 // the full-width form
		}
		return r
	}, p.ID)
	code, body := upload(t, c, "absences", book(t,
		[]string{"人员", "类型", "开始日期", "结束日期", "事由"},
		[]string{wide, "出差", "２０２６/１２/１４", "2026／12／15"},
	))
	if code != http.StatusOK {
		t.Fatalf("typed absences: %d\n%s", code, body)
	}
	mustContain(t, "typed absences", body, "2026-12-14 至 2026-12-15", "确认导入")
	code, body = upload(t, c, "leaders", book(t,
		[]string{"编号", "姓名", "职务", "级别", "电话", "在岗"},
		[]string{"L 99", "张\u202E三", "副县长", "科级", "138-abc", "也许"},
	))
	body = html.UnescapeString(body)
	if code != http.StatusBadRequest || strings.Contains(body, "确认导入") {
		t.Fatalf("bad leaders: %d", code)
	}
	mustContain(t, "bad leaders", body, `第 2 行：编号 "L 99" 不能含空格`, `第 2 行：姓名 "张\u202e三"`, `第 2 行：级别 "科级" 无效`,
		`第 2 行：电话 "138-abc" 无效`, `第 2 行：在岗 "也许" 无效`)
}
