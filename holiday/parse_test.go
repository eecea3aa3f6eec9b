package holiday

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"zhiban/roster"
)

func day(date string, kind roster.HolidayKind, name string) roster.HolidayDay {
	return roster.HolidayDay{Date: roster.MustDate(date), Kind: kind, Name: name}
}

func TestParseJSON(t *testing.T) {
	t.Parallel()
	data := []byte("\ufeff" + `{
  "$schema": "https://raw.githubusercontent.com/NateScarlet/holiday-cn/master/schema.json",
  "year": 2027,
  "papers": ["https://www.gov.cn/example.htm"],
  "days": [
    {"name": "春节", "date": "2027-02-06", "isOffDay": true},
    {"name": "春节", "date": "2027-02-05", "isOffDay": true},
    {"name": "春节", "date": "2027-01-31", "isOffDay": false},
    {"name": "元旦", "date": "2026-12-27", "isOffDay": false}
  ]
}`)
	y, err := ParseJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	want := []roster.HolidayDay{
		day("2026-12-27", roster.Work, "元旦"),
		day("2027-01-31", roster.Work, "春节"),
		day("2027-02-05", roster.Off, "春节"),
		day("2027-02-06", roster.Off, "春节"),
	}
	if y.Year != 2027 || !slices.Equal(y.Papers, []string{"https://www.gov.cn/example.htm"}) || !slices.Equal(y.Days, want) {
		t.Errorf("ParseJSON = %+v, want year 2027, one paper, days %v", y, want)
	}
}

func TestParseJSONWithoutYear(t *testing.T) {
	t.Parallel()
	y, err := ParseJSON([]byte(`{"days":[{"name":"元旦","date":"2026-12-27","isOffDay":false},{"name":"元旦","date":"2027-01-01","isOffDay":true},{"name":"春节","date":"2027-02-05","isOffDay":true}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if y.Year != 2027 {
		t.Errorf("Year = %d, want 2027 (the year most days fall in)", y.Year)
	}
}

func TestParseCSV(t *testing.T) {
	t.Parallel()
	data := []byte("\ufeffdate,name,kind\r\n" +
		"2027-02-05,春节,off\r\n" +
		"\r\n" +
		"# 补班\r\n" +
		"  2027-01-31 , 春节 , WORK \r\n" +
		"2027-02-14,\"春节, 补班\",班\r\n" +
		"2027-02-06,春节,休\r\n" +
		"   \n")
	y, err := ParseCSV(data)
	if err != nil {
		t.Fatal(err)
	}
	want := []roster.HolidayDay{
		day("2027-01-31", roster.Work, "春节"),
		day("2027-02-05", roster.Off, "春节"),
		day("2027-02-06", roster.Off, "春节"),
		day("2027-02-14", roster.Work, "春节, 补班"),
	}
	if y.Year != 2027 || !slices.Equal(y.Days, want) {
		t.Errorf("ParseCSV = %+v, want year 2027, days %v", y, want)
	}
	// Without a header, and with a Chinese header.
	for _, in := range []string{"2027-02-05,春节,off\n", "日期,名称,类型\n2027-02-05,春节,off"} {
		if y, err := ParseCSV([]byte(in)); err != nil || len(y.Days) != 1 {
			t.Errorf("ParseCSV(%q) = %v, %v; want one day", in, y.Days, err)
		}
	}
}

func TestFormatCSVRoundTrip(t *testing.T) {
	t.Parallel()
	days := Builtin(2026)
	days[0].Name = `元旦 "新年", 假期`
	y, err := ParseCSV(FormatCSV(days))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(y.Days, days) {
		t.Errorf("round trip = %v, want %v", y.Days, days)
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		parse  func([]byte) (Year, error)
		in     string
		substr string
	}{
		{"csv impossible date", ParseCSV, "date,name,kind\n2027-02-05,春节,off\n2027-02-30,春节,off", `第 3 行：日期 "2027-02-30" 不是有效的日期`},
		{"csv not a date", ParseCSV, "27/02/05,春节,off", `第 1 行：日期 "27/02/05" 不是有效的日期`},
		{"csv weekday make-up", ParseCSV, "2027-02-05,春节,off\n2027-02-03,春节,work", "第 2 行：2027-02-03 是周三，补班日只能在周六或周日"},
		{"csv duplicate", ParseCSV, "2027-02-05,春节,off\n\n2027-02-05,春节,work", "第 3 行：日期 2027-02-05 重复，与第 1 行相同"},
		{"csv bad kind", ParseCSV, "2027-02-05,春节,holiday", `第 1 行：类型 "holiday" 无效`},
		{"csv unnamed off day", ParseCSV, "2027-02-05,,off", "第 1 行：2027-02-05 是放假日，名称不能为空"},
		{"csv columns", ParseCSV, "2027-02-05,春节", "第 1 行：应有 3 列"},
		{"csv quotes", ParseCSV, "2027-02-05,春\"节,off", "第 1 行：引号使用有误"},
		{"csv year range", ParseCSV, "0227-02-05,春节,off", "第 1 行：日期 0227-02-05 的年份超出"},
		{"csv control character", ParseCSV, "2027-02-05,春\x01节,off", "第 1 行：名称"},
		{"csv empty", ParseCSV, "\ufeffdate,name,kind\n\n", "没有任何节假日条目"},
		{"json impossible date", ParseJSON, `{"year":2027,"days":[{"name":"春节","date":"2027-02-05","isOffDay":true},{},{},{},{"name":"春节","date":"2027-02-30","isOffDay":true}]}`, `days[4]：日期 "2027-02-30" 不是有效的日期`},
		{"json missing isOffDay", ParseJSON, `{"days":[{"name":"春节","date":"2027-02-05"}]}`, "days[0]：缺少 isOffDay"},
		{"json weekday make-up", ParseJSON, `{"days":[{"name":"春节","date":"2027-02-03","isOffDay":false}]}`, "days[0]：2027-02-03 是周三，补班日只能在周六或周日"},
		{"json duplicate", ParseJSON, `{"days":[{"name":"春节","date":"2027-02-05","isOffDay":true},{"name":"春节","date":"2027-02-05","isOffDay":true}]}`, "days[1]：日期 2027-02-05 重复，与 days[0] 相同"},
		{"json unnamed off day", ParseJSON, `{"days":[{"name":" ","date":"2027-02-05","isOffDay":true}]}`, "days[0]：2027-02-05 是放假日，名称不能为空"},
		{"json syntax", ParseJSON, "{\n\"days\": [,]}", "第 2 行：JSON 格式错误"},
		{"json type", ParseJSON, "{\"year\": \"2027\",\n\"days\": []}", "第 1 行：字段 year 的类型应为 int"},
		{"json no days", ParseJSON, `{"year":2027}`, "days：缺少 days 列表"},
		{"json empty days", ParseJSON, `{"year":2027,"days":[]}`, "没有任何节假日条目"},
		{"json far from year", ParseJSON, `{"year":2027,"days":[{"name":"春节","date":"2031-01-23","isOffDay":true}]}`, "days[0]：日期 2031-01-23 与文件年份 2027 相差太远"},
		{"json no day in year", ParseJSON, `{"year":2027,"days":[{"name":"元旦","date":"2026-12-27","isOffDay":false}]}`, "year：文件年份为 2027，但没有任何日期属于该年"},
		{"json year range", ParseJSON, `{"year":20270,"days":[]}`, "year：年份 20270 超出"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			y, err := tt.parse([]byte(tt.in))
			if err == nil {
				t.Fatalf("no error, got %+v", y)
			}
			var he *Error
			if !errors.As(err, &he) {
				t.Errorf("error %T is not *holiday.Error", err)
			}
			if !strings.Contains(err.Error(), tt.substr) {
				t.Errorf("error %q does not contain %q", err, tt.substr)
			}
		})
	}
}

func TestParseReportsEveryProblem(t *testing.T) {
	t.Parallel()
	_, err := ParseCSV([]byte("2027-02-30,春节,off\n2027-02-03,春节,work\n2027-02-05,,off"))
	var he *Error
	if !errors.As(err, &he) || len(he.Problems) != 3 {
		t.Fatalf("got %v, want three problems", err)
	}
	for i, p := range he.Problems {
		if want := []string{"第 1 行", "第 2 行", "第 3 行"}[i]; !strings.HasPrefix(p, want) {
			t.Errorf("problem %d = %q, want it to start with %q", i, p, want)
		}
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	if err := Validate(Builtin(2026)); err != nil {
		t.Errorf("Validate(Builtin(2026)) = %v", err)
	}
	bad := []roster.HolidayDay{
		day("2027-02-05", roster.Off, "春节"),
		day("2027-02-05", roster.Off, "春节"),
		{Date: roster.MustDate("2027-02-06"), Kind: "holiday", Name: "春节"},
	}
	err := Validate(bad)
	for _, want := range []string{"第 2 条：日期 2027-02-05 重复，与第 1 条相同", `第 3 条：类型 "holiday" 无效`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate = %v, want it to contain %q", err, want)
		}
	}
}

func TestDetect(t *testing.T) {
	t.Parallel()
	jsonData := []byte(`{"days":[{"name":"春节","date":"2027-02-05","isOffDay":true}]}`)
	csvData := []byte("2027-02-05,春节,off\n")
	tests := []struct {
		file string
		data []byte
		ok   bool
	}{
		{"2027.json", jsonData, true},
		{"2027.JSON", jsonData, true},
		{"2027.csv", csvData, true},
		{"2027.txt", csvData, true},
		{"holidays", jsonData, true},
		{"holidays", append([]byte("\ufeff\n  "), jsonData...), true},
		{"holidays.dat", csvData, true},
		{"2027.csv", jsonData, false},
		{"2027.json", csvData, false},
	}
	for _, tt := range tests {
		y, err := Detect(tt.file, tt.data)
		if (err == nil) != tt.ok {
			t.Errorf("Detect(%q, %.20q) error = %v, want ok %v", tt.file, tt.data, err, tt.ok)
			continue
		}
		if tt.ok && (len(y.Days) != 1 || y.Days[0] != day("2027-02-05", roster.Off, "春节")) {
			t.Errorf("Detect(%q) = %v", tt.file, y.Days)
		}
	}
}
