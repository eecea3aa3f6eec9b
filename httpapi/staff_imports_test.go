package httpapi_test

import (
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
