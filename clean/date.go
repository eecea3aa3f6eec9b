package clean

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Date reads a date as clerks type it in imported files — 2027-03-08,
// ２０２７/３/８, 2027／3／17, 2027.3.8, 2027年3月8日, 20270308, or a
// spreadsheet's "2027-03-22 00:00:00" — and returns it as YYYY-MM-DD.
// A time of day other than midnight is refused: it is not a date.
func Date(s string) (string, error) {
	s = strings.TrimSpace(Narrow(s))
	if d, t, ok := strings.Cut(s, " "); ok {
		s = d
		if !midnight(strings.TrimSpace(t)) {
			return "", &Problem{"只能填日期，不能带时间，应写作 2027-03-08"}
		}
	} else if d, t, ok := strings.Cut(s, "T"); ok && midnight(t) {
		s = d
	}
	if len(s) == 8 && strings.Trim(s, "0123456789") == "" {
		s = s[:4] + "-" + s[4:6] + "-" + s[6:]
	}
	s = strings.NewReplacer("年", "-", "月", "-", "日", "", "/", "-", ".", "-").Replace(s)
	t, err := time.Parse("2006-1-2", s)
	if err != nil {
		return "", &Problem{"不是有效的日期，应写作 2027-03-08（也可写 2027/3/8 或 2027年3月8日）"}
	}
	return t.Format("2006-01-02"), nil
}

func midnight(t string) bool {
	switch t {
	case "0:00", "00:00", "0:00:00", "00:00:00", "00:00:00.000", "00:00:00Z":
		return true
	}
	return false
}

// Quote shows a refused value inside an error message of an import (files
// of leaders, staff and holidays, never of petitioners): quoted, with
// invalid bytes, controls and bidi characters escaped so the message itself
// is safe, and shortened after 40 characters with the full length said.
func Quote(s string) string {
	const show = 40
	n := utf8.RuneCountInString(s)
	if n <= show {
		return strconv.Quote(s)
	}
	cut, i := 0, 0
	for cut = range s {
		if i == show {
			break
		}
		i++
	}
	return strconv.Quote(s[:cut]) + "…（共 " + strconv.Itoa(n) + " 个字）"
}
