// Package stats computes the office's indicators (统计指标) for a month,
// quarter or year from the raw rows: the four visits, cases by channel and
// category, 及时受理率, 按期办结率, 参评率, 满意率, repeat and 越级 visits, the
// sweep and the roster, for the county and per leader, responsible unit and
// township. docs/statistics.md defines every figure; the code follows it.
package stats

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"zhiban/roster"
)

// Period is a month (2027-01), a quarter (2027-Q1) or a year (2027) of
// county dates.
type Period struct {
	Key   string      `json:"key"`
	Kind  string      `json:"kind"` // month | quarter | year
	Label string      `json:"label"`
	From  roster.Date `json:"from"`
	To    roster.Date `json:"to"`
}

// ParsePeriod reads 2027-01, 2027-Q1 or 2027.
func ParsePeriod(s string) (Period, error) {
	s = strings.TrimSpace(s)
	bad := fmt.Errorf("统计期间应为 2027-01（月）、2027-Q1（季度）或 2027（年）")
	y, rest, _ := strings.Cut(s, "-")
	year, err := strconv.Atoi(y)
	if err != nil || len(y) != 4 || year < 2000 || year > 2100 {
		return Period{}, bad
	}
	switch {
	case rest == "":
		return YearPeriod(year), nil
	case len(rest) == 2 && (rest[0] == 'Q' || rest[0] == 'q'):
		q, err := strconv.Atoi(rest[1:])
		if err != nil || q < 1 || q > 4 {
			return Period{}, bad
		}
		return QuarterPeriod(year, q), nil
	case len(rest) == 2:
		m, err := strconv.Atoi(rest)
		if err != nil || m < 1 || m > 12 {
			return Period{}, bad
		}
		return MonthPeriod(roster.NewMonth(year, time.Month(m))), nil
	}
	return Period{}, bad
}

// MonthPeriod is one month.
func MonthPeriod(m roster.Month) Period {
	return Period{Key: m.String(), Kind: "month", Label: m.Label(), From: m.First(), To: m.Last()}
}

// QuarterPeriod is quarter q (1–4) of year.
func QuarterPeriod(year, q int) Period {
	first := roster.NewMonth(year, time.Month(3*q-2))
	return Period{Key: fmt.Sprintf("%d-Q%d", year, q), Kind: "quarter", Label: fmt.Sprintf("%d年第%d季度", year, q),
		From: first.First(), To: (first + 2).Last()}
}

// YearPeriod is a calendar year.
func YearPeriod(year int) Period {
	return Period{Key: strconv.Itoa(year), Kind: "year", Label: fmt.Sprintf("%d年", year),
		From: roster.NewDate(year, time.January, 1), To: roster.NewDate(year, time.December, 31)}
}

// Months are the months the period covers.
func (p Period) Months() []roster.Month {
	var out []roster.Month
	for m := roster.MonthOf(p.From); m <= roster.MonthOf(p.To); m++ {
		out = append(out, m)
	}
	return out
}

// Prev and Next are the periods of the same kind before and after p.
func (p Period) Prev() Period { return p.shift(-1) }

// Next is the period of the same kind after p.
func (p Period) Next() Period { return p.shift(1) }

func (p Period) shift(n int) Period {
	switch p.Kind {
	case "month":
		return MonthPeriod(roster.MonthOf(p.From) + roster.Month(n))
	case "quarter":
		q := (int(p.From.Month())-1)/3 + 1 + n
		y := p.From.Year()
		for q < 1 {
			q, y = q+4, y-1
		}
		for q > 4 {
			q, y = q-4, y+1
		}
		return QuarterPeriod(y, q)
	}
	return YearPeriod(p.From.Year() + n)
}

// Contains reports whether d falls in p.
func (p Period) Contains(d roster.Date) bool { return d != 0 && d >= p.From && d <= p.To }
