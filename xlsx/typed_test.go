package xlsx

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zhiban/roster"
)

// onDisk writes a workbook to a file in a temporary directory and opens it
// again, as an upload arrives.
func onDisk(t *testing.T, r io.Reader) io.Reader {
	t.Helper()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "upload.xlsx")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if b, err = os.ReadFile(path); err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(b)
}

// Cells as clerks type them: full-width ids, phones, e-mail, digits and slashes.
func TestImportsNarrowWhatClerksType(t *testing.T) {
	ls, errs := ParseLeaders(onDisk(t, sheet(t,
		[]any{"编号", "姓名", "职务", "级别", "电话", "邮箱", "联系乡镇", "值班池"},
		[]any{"Ｌ０１", "张三", "副县长", "ＣＯＵＮＴＹ", "１３８００００００01", "ｌ01＠ｓｈｉｌｉ．gov.example", "ｔ01", "ｃｏｕｎｔｙ-leaders，dept"},
	)))
	if len(errs) > 0 || len(ls) != 1 {
		t.Fatalf("leaders %+v %v", ls, errs)
	}
	p := ls[0].Person
	if p.ID != "L01" || p.Rank != roster.RankCounty || p.Phone != "13800000001" || p.Email != "l01@shili.gov.example" ||
		p.Links.Township != "t01" || strings.Join(ls[0].Pools, " ") != "county-leaders dept" {
		t.Errorf("not narrowed: %+v %v", p, ls[0].Pools)
	}
	as, errs := ParseAbsences(onDisk(t, sheet(t,
		[]any{"人员", "类型", "开始日期", "结束日期"},
		[]any{"Ｌ０１", "请假", "２０２７/３/８", "2027／3／17"},
		[]any{"L02", "出差", "2027-03-22 00:00:00", "２０２７年３月２３日"},
	)))
	if len(errs) > 0 || len(as) != 2 || as[0].Person != "L01" || as[0].From.String() != "2027-03-08" || as[0].To.String() != "2027-03-17" ||
		as[1].From.String() != "2027-03-22" || as[1].To.String() != "2027-03-23" {
		t.Fatalf("absences %+v %v", as, errs)
	}
}

// Every problem of a row is told, each quoting its value; unsafe text and
// over-long cells are refused.
func TestImportsListEveryErrorOfARow(t *testing.T) {
	_, errs := ParseLeaders(onDisk(t, sheet(t,
		[]any{"编号", "姓名", "职务", "级别", "电话", "邮箱", "在岗"},
		[]any{"L 01", "张\u202E三", strings.Repeat("长", 300000), "科级", "138-abc", "zhang at shili", "也许"},
	)))
	// Excel keeps at most 32,767 characters of the 300,000 in a cell.
	var msgs []string
	for _, e := range errs {
		msgs = append(msgs, e.Error())
	}
	all := strings.Join(msgs, "\n")
	for _, want := range []string{
		`第 2 行：编号 "L 01" 不能含空格`,
		`第 2 行：姓名 "张\u202e三"：含有不可见的控制字符`,
		`第 2 行：职务 "` + strings.Repeat("长", 40) + `"…（共 32767 个字）：过长`,
		`第 2 行：级别 "科级" 无效`,
		`第 2 行：电话 "138-abc" 无效`,
		`第 2 行：邮箱 "zhang at shili" 无效`,
		`第 2 行：在岗 "也许" 无效`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("errors lack %q:\n%s", want, all)
		}
	}
	if len(all) > 3000 {
		t.Errorf("errors are %d bytes", len(all))
	}
	_, errs = ParseAbsences(onDisk(t, sheet(t,
		[]any{"人员", "类型", "开始日期", "结束日期", "事由"},
		[]any{"张三", "休息", "2027/13/8", "2027-03-22 08:00:00", "事\u202E由"},
	)))
	msgs = msgs[:0]
	for _, e := range errs {
		msgs = append(msgs, e.Error())
	}
	all = strings.Join(msgs, "\n")
	for _, want := range []string{`类型 "休息" 无效`, `开始日期 "2027/13/8" 不是有效的日期`, `结束日期 "2027-03-22 08:00:00" 只能填日期`, `事由 "事\u202e由"：含有不可见的控制字符`} {
		if !strings.Contains(all, want) {
			t.Errorf("absence errors lack %q:\n%s", want, all)
		}
	}
}
