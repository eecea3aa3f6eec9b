package holiday

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"zhiban/roster"
)

// readBack writes data to a file in a temporary directory and reads it as
// an upload or `zhiban holidays import` does.
func readBack(t *testing.T, name string, data []byte) (Year, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return Detect(path, b)
}

// Dates as clerks type them: full-width digits and slashes, a spreadsheet's
// "00:00:00", 休/班 and full-width kinds.
func TestParseNarrowsWhatClerksType(t *testing.T) {
	t.Parallel()
	want := []roster.HolidayDay{
		day("2027-03-06", roster.Work, "调休"),
		day("2027-03-08", roster.Off, "妇女节"),
		day("2027-03-22", roster.Off, "假日"),
	}
	y, err := readBack(t, "2027.csv", []byte("日期,名称,类型\n２０２７/３/８,妇女节,休\n2027／3／6,调休,ＷＯＲＫ\n2027-03-22 00:00:00, 假日 ,off\n"))
	if err != nil || !slices.Equal(y.Days, want) {
		t.Errorf("csv = %v, %v; want %v", y.Days, err, want)
	}
	y, err = readBack(t, "2027.json", []byte(`{"year":2027,"days":[{"name":"妇女节","date":"２０２７/３/８","isOffDay":true},`+
		`{"name":"调休","date":"2027／3／6","isOffDay":false},{"name":"假日","date":"2027-03-22 00:00:00","isOffDay":true}]}`))
	if err != nil || !slices.Equal(y.Days, want) {
		t.Errorf("json = %v, %v; want %v", y.Days, err, want)
	}
}

// Names reach the public month page: invalid UTF-8, control and bidi
// characters and a 300,000-character name are refused, in CSV and JSON,
// every error quoting the value (shortened) and every problem of a line told.
func TestParseRefusesUnsafeNames(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("节", 300000)
	csvData := "2027-02-05," + long + ",off\n" +
		"2027-02-06,春\u202E节,off\n" +
		"2027-02-07,\"春\x07节\",off\n" +
		"2027-13-01,春节,holiday\n"
	_, err := readBack(t, "2027.csv", []byte(csvData))
	var he *Error
	if !errors.As(err, &he) {
		t.Fatalf("csv accepted: %v", err)
	}
	for _, want := range []string{
		`第 1 行：名称 "` + strings.Repeat("节", 40) + `"…（共 300000 个字）：过长：最多 100 个字`,
		`第 2 行：名称 "春\u202e节"：含有不可见的控制字符`,
		`第 3 行：名称 "春\a节"：含有不可见的控制字符`,
		`第 4 行：日期 "2027-13-01" 不是有效的日期`,
		`第 4 行：类型 "holiday" 无效`,
	} {
		if !slices.ContainsFunc(he.Problems, func(p string) bool { return strings.HasPrefix(p, want) }) {
			t.Errorf("problems lack %q:\n%s", want, err)
		}
	}
	if len(err.Error()) > 2000 {
		t.Errorf("the error is %d bytes: the long name is echoed whole", len(err.Error()))
	}
	_, err = readBack(t, "2027.json", []byte(`{"days":[{"name":"`+long+`","date":"2027-02-05","isOffDay":true},{"name":"春\u202e节","date":"2027-02-06","isOffDay":true}]}`))
	if err == nil || !strings.Contains(err.Error(), "days[0]：名称") || !strings.Contains(err.Error(), "days[1]：名称") {
		t.Errorf("json: %v", err)
	}
	if err := Validate([]roster.HolidayDay{day("2027-02-05", roster.Off, long)}); err == nil {
		t.Error("Validate accepts a 300,000-character name")
	}
}

// A CSV saved as GBK (Excel's default on a Chinese Windows) is refused with
// the line and what to do; JSON would otherwise hold U+FFFD silently.
func TestParseRefusesInvalidUTF8(t *testing.T) {
	t.Parallel()
	for name, data := range map[string]string{
		"2027.csv":  "2027-02-05,春节,off\n2027-02-06,\xb4\xba\xbd\xda,off\n",
		"2027.json": "{\"days\":[\n{\"name\":\"\xb4\xba\xbd\xda\",\"date\":\"2027-02-05\",\"isOffDay\":true}]}",
	} {
		_, err := readBack(t, name, []byte(data))
		if err == nil || !strings.Contains(err.Error(), "第 2 行") || !strings.Contains(err.Error(), "UTF-8") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestParseCapsProblemsAndSize(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	for i := 0; i < 500; i++ {
		fmt.Fprintf(&b, "2027-02-30,春节,off\n")
	}
	_, err := readBack(t, "2027.csv", []byte(b.String()))
	var he *Error
	if !errors.As(err, &he) || len(he.Problems) != maxProblems+1 || !strings.HasPrefix(he.Problems[maxProblems], "另有 400 处错误") {
		t.Fatalf("got %d problems, want %d and a count", len(he.Problems), maxProblems+1)
	}
	_, err = readBack(t, "2027.csv", []byte(strings.Repeat("# 注释\n", MaxFileSize/8)))
	if err == nil || !strings.Contains(err.Error(), "文件过大") {
		t.Fatalf("oversized: %v", err)
	}
}
