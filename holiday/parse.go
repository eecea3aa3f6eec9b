package holiday

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"zhiban/clean"
	"zhiban/roster"
)

// Year is one imported holiday file.
type Year struct {
	Year   int
	Papers []string // the notices the file is based on (holiday-cn "papers")
	Days   []roster.HolidayDay
}

// Error lists every problem found in holiday data, each naming its line or entry.
type Error struct {
	Problems []string
}

func (e *Error) Error() string { return strings.Join(e.Problems, "\n") }

// Years outside this range are typing mistakes, not schedules.
const minYear, maxYear = 1949, 2100

// MaxFileSize bounds a holiday file: a year's notice is a few KB.
const MaxFileSize = 1 << 20

// maxProblems is how many problems an Error lists; the rest are counted.
const maxProblems = 100

var bom = []byte("\ufeff")

// checker collects problems while entries are checked one by one.
type checker struct {
	seen     map[roster.Date]string
	problems []string
}

func (c *checker) fail(at, format string, args ...any) {
	c.problems = append(c.problems, at+"："+fmt.Sprintf(format, args...))
}

// day checks one parsed entry found at the place named by at.
func (c *checker) day(at string, h roster.HolidayDay) {
	if y := h.Date.Year(); y < minYear || y > maxYear {
		c.fail(at, "日期 %s 的年份超出 %d–%d", h.Date, minYear, maxYear)
		return
	}
	switch h.Kind {
	case roster.Off:
		if h.Name == "" {
			c.fail(at, "%s 是放假日，名称不能为空", h.Date)
		}
	case roster.Work:
		// 调休补班 always moves a weekend day to work; a weekday "work" entry
		// is a mistake that would otherwise pass silently.
		if wd := h.Date.Weekday(); wd != time.Saturday && wd != time.Sunday {
			c.fail(at, "%s 是周%s，补班日只能在周六或周日", h.Date, roster.WeekdayCN(wd))
		}
	default:
		c.fail(at, "类型 %q 无效，应为 off（休）或 work（班）", h.Kind)
	}
	if h.Name != "" {
		if _, err := clean.Text(h.Name, clean.Title); err != nil {
			c.fail(at, "名称 %s：%v", clean.Quote(h.Name), err)
		}
	}
	if c.seen == nil {
		c.seen = map[roster.Date]string{}
	}
	if prev, ok := c.seen[h.Date]; ok {
		c.fail(at, "日期 %s 重复，与%s相同", h.Date, spaced(prev))
	} else {
		c.seen[h.Date] = at
	}
}

func (c *checker) err() error {
	if len(c.problems) == 0 {
		return nil
	}
	ps := c.problems
	if n := len(ps) - maxProblems; n > 0 {
		ps = append(ps[:maxProblems:maxProblems], fmt.Sprintf("另有 %d 处错误未列出，请先改正以上错误", n))
	}
	return &Error{Problems: ps}
}

// name checks a holiday's name as it will show on the public pages:
// one line of valid UTF-8 without control or bidi characters, at most
// clean.Title characters. It returns the name trimmed.
func (c *checker) name(at, s string) (string, bool) {
	v, err := clean.Text(s, clean.Title)
	if err != nil {
		c.fail(at, "名称 %s：%v", clean.Quote(s), err)
		return "", false
	}
	return v, true
}

// date reads a date as typed (full-width digits, 2027/3/8, a time of 00:00:00).
func (c *checker) date(at, s string) (roster.Date, bool) {
	if strings.TrimSpace(s) == "" {
		c.fail(at, "缺少日期")
		return 0, false
	}
	v, err := clean.Date(s)
	if err == nil {
		var d roster.Date
		if d, err = roster.ParseDate(v); err == nil {
			return d, true
		}
	}
	c.fail(at, "日期 %s %v", clean.Quote(strings.TrimSpace(s)), err)
	return 0, false
}

// kind reads off/work or 休/班, full-width letters too.
func (c *checker) kind(at, s string) (roster.HolidayKind, bool) {
	k, ok := parseKind(strings.TrimSpace(clean.Narrow(s)))
	if !ok {
		c.fail(at, "类型 %s 无效，应为 off（休）或 work（班）", clean.Quote(s))
	}
	return k, ok
}

// utf8Problem refuses a file that is not UTF-8, naming the first bad line;
// a CSV saved by Excel on a Chinese Windows is GBK.
func utf8Problem(data []byte) error {
	if utf8.Valid(data) {
		return nil
	}
	i := 0
	for i < len(data) {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n <= 1 {
			break
		}
		i += n
	}
	return &Error{Problems: []string{fmt.Sprintf("第 %d 行：含有无法识别的字符，文件不是 UTF-8 编码（Excel 另存的 CSV 常为 GBK 编码），请另存为“CSV UTF-8”后重试", lineAt(data, int64(i)))}}
}

// tooBig refuses a file over MaxFileSize.
func tooBig(data []byte) error {
	if len(data) <= MaxFileSize {
		return nil
	}
	return &Error{Problems: []string{fmt.Sprintf("文件过大：%.1f MB，节假日文件最多 %d MB", float64(len(data))/(1<<20), MaxFileSize>>20)}}
}

// spaced pads a Latin label such as days[2] for use inside a Chinese sentence.
func spaced(label string) string {
	if label != "" && label[0] < 0x80 {
		return " " + label + " "
	}
	return label
}

// Validate checks entries from any source: make-up workdays fall on a
// weekend, dates are unique and in range, kinds are off or work, and days off
// are named. Problems name the entry as "第 N 条" (1-based).
func Validate(days []roster.HolidayDay) error {
	var c checker
	for i, h := range days {
		c.day(fmt.Sprintf("第 %d 条", i+1), h)
	}
	return c.err()
}

// parseKind accepts the file words and the 休/班 marks of printed calendars.
func parseKind(s string) (roster.HolidayKind, bool) {
	switch strings.ToLower(s) {
	case "off", "休":
		return roster.Off, true
	case "work", "班":
		return roster.Work, true
	}
	return "", false
}

type jsonFile struct {
	Year   int        `json:"year"`
	Papers []string   `json:"papers"`
	Days   *[]jsonDay `json:"days"`
}

type jsonDay struct {
	Name     string `json:"name"`
	Date     string `json:"date"`
	IsOffDay *bool  `json:"isOffDay"`
}

// ParseJSON parses the holiday-cn format:
// {"year":2027,"papers":[...],"days":[{"name":"春节","date":"2027-02-05","isOffDay":true}]}.
// Problems name the entry as days[i] (0-based, as in the file).
func ParseJSON(data []byte) (Year, error) {
	if err := tooBig(data); err != nil {
		return Year{}, err
	}
	data = bytes.TrimPrefix(data, bom)
	// encoding/json would turn bad bytes into U+FFFD silently.
	if err := utf8Problem(data); err != nil {
		return Year{}, err
	}
	var f jsonFile
	if err := json.Unmarshal(data, &f); err != nil {
		return Year{}, jsonError(data, err)
	}
	var c checker
	if f.Days == nil {
		c.fail("days", "缺少 days 列表")
		return Year{}, c.err()
	}
	if f.Year != 0 && (f.Year < minYear || f.Year > maxYear) {
		c.fail("year", "年份 %d 超出 %d–%d", f.Year, minYear, maxYear)
		return Year{}, c.err()
	}
	y := Year{Year: f.Year}
	for i, p := range f.Papers {
		if v, err := clean.Text(p, clean.Para); err != nil {
			c.fail(fmt.Sprintf("papers[%d]", i), "%s：%v", clean.Quote(p), err)
		} else {
			y.Papers = append(y.Papers, v)
		}
	}
	for i, jd := range *f.Days {
		at := fmt.Sprintf("days[%d]", i)
		// Every problem of the entry is told, not the first.
		d, okD := c.date(at, jd.Date)
		name, okN := c.name(at, jd.Name)
		if jd.IsOffDay == nil {
			c.fail(at, "缺少 isOffDay（true 放假，false 补班）")
		}
		if !okD || !okN || jd.IsOffDay == nil {
			continue
		}
		// holiday-cn files carry the make-up days of a year's New Year that
		// fall in late December of the year before, so allow a year either side.
		if f.Year != 0 && (d.Year() < f.Year-1 || d.Year() > f.Year+1) {
			c.fail(at, "日期 %s 与文件年份 %d 相差太远", d, f.Year)
			continue
		}
		h := roster.HolidayDay{Date: d, Kind: roster.Work, Name: name}
		if *jd.IsOffDay {
			h.Kind = roster.Off
		}
		c.day(at, h)
		y.Days = append(y.Days, h)
	}
	if f.Year != 0 && len(c.problems) == 0 && len(y.Days) > 0 && !slices.ContainsFunc(y.Days, func(h roster.HolidayDay) bool { return h.Date.Year() == f.Year }) {
		c.fail("year", "文件年份为 %d，但没有任何日期属于该年", f.Year)
	}
	if err := finish(&y, &c); err != nil {
		return Year{}, err
	}
	return y, nil
}

// jsonError turns a decoding error into a Chinese message with a line number.
func jsonError(data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return &Error{Problems: []string{fmt.Sprintf("第 %d 行：JSON 格式错误（%v）", lineAt(data, syn.Offset), syn)}}
	case errors.As(err, &typ):
		return &Error{Problems: []string{fmt.Sprintf("第 %d 行：字段 %s 的类型应为 %s，实际为 JSON %s",
			lineAt(data, typ.Offset), typ.Field, typ.Type, typ.Value)}}
	}
	return &Error{Problems: []string{fmt.Sprintf("JSON 格式错误（%v）", err)}}
}

func lineAt(data []byte, offset int64) int {
	offset = min(max(offset, 0), int64(len(data)))
	return bytes.Count(data[:offset], []byte("\n")) + 1
}

// ParseCSV parses lines of date,name,off|work. A header line (date,… or
// 日期,…), blank lines, lines starting with #, a UTF-8 BOM and quoted names
// are accepted; 休 and 班 may stand for off and work. Problems name the line
// as "第 N 行".
func ParseCSV(data []byte) (Year, error) {
	if err := tooBig(data); err != nil {
		return Year{}, err
	}
	data = bytes.TrimPrefix(data, bom)
	if err := utf8Problem(data); err != nil {
		return Year{}, err
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.Comment = '#'
	r.ReuseRecord = true
	var (
		c     checker
		y     Year
		first = true
	)
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				c.fail(fmt.Sprintf("第 %d 行", pe.Line), "引号使用有误，含逗号或引号的名称请整体用双引号括起，内部引号写两次")
			} else {
				c.fail("CSV", "%v", err)
			}
			break // the reader cannot resynchronise after a quoting error
		}
		line, _ := r.FieldPos(0)
		at := fmt.Sprintf("第 %d 行", line)
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		if len(rec) == 1 && rec[0] == "" {
			continue // a line of spaces
		}
		if first {
			first = false
			if h := strings.ToLower(clean.Narrow(rec[0])); h == "date" || h == "日期" {
				continue
			}
		}
		if len(rec) != 3 {
			c.fail(at, "应有 3 列（日期,名称,off|work），实际 %d 列", len(rec))
			continue
		}
		// Every problem of the line is told, not the first.
		d, okD := c.date(at, rec[0])
		name, okN := c.name(at, rec[1])
		kind, okK := c.kind(at, rec[2])
		if !okD || !okN || !okK {
			continue
		}
		h := roster.HolidayDay{Date: d, Kind: kind, Name: name}
		c.day(at, h)
		y.Days = append(y.Days, h)
	}
	if err := finish(&y, &c); err != nil {
		return Year{}, err
	}
	return y, nil
}

// finish rejects empty files, sorts the days and fills in a missing year with
// the year most days fall in.
func finish(y *Year, c *checker) error {
	if len(c.problems) == 0 && len(y.Days) == 0 {
		c.fail("文件", "没有任何节假日条目")
	}
	if err := c.err(); err != nil {
		return err
	}
	sortDays(y.Days)
	if y.Year == 0 {
		count := map[int]int{}
		for _, h := range y.Days {
			count[h.Date.Year()]++
			if n := count[h.Date.Year()]; n > count[y.Year] || (n == count[y.Year] && h.Date.Year() < y.Year) {
				y.Year = h.Date.Year()
			}
		}
	}
	// One file is one year's notice: besides that year it may only carry the
	// make-up days around New Year (the previous December, the next January).
	first, last := roster.NewDate(y.Year-1, 12, 1), roster.NewDate(y.Year+1, 1, 31)
	for _, h := range y.Days {
		if !h.Date.Within(first, last) {
			c.fail("文件", "日期 %s 不属于 %d 年的安排：一个文件只能导入一年（可含前一年 12 月、后一年 1 月的调休日）", h.Date, y.Year)
		}
	}
	return c.err()
}

// Detect parses data as JSON or CSV, by the file's extension when it is
// .json, .csv or .txt and otherwise by whether the content starts with '{'.
func Detect(filename string, data []byte) (Year, error) {
	switch strings.ToLower(filepath.Ext(filename)) {
	case ".json":
		return ParseJSON(data)
	case ".csv", ".txt":
		return ParseCSV(data)
	}
	if bytes.HasPrefix(bytes.TrimSpace(bytes.TrimPrefix(data, bom)), []byte("{")) {
		return ParseJSON(data)
	}
	return ParseCSV(data)
}

// FormatCSV writes days in the format ParseCSV reads, with a header line.
func FormatCSV(days []roster.HolidayDay) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write([]string{"date", "name", "kind"})
	for _, h := range days {
		w.Write([]string{h.Date.String(), h.Name, string(h.Kind)})
	}
	w.Flush()
	return buf.Bytes()
}
