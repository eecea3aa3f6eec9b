package httpapi_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"zhiban/roster"
)

// On a weekend the next duty day is announced with its 接访形式, and a
// portfolio that starts with 主持 is not prefixed with 分管.
func TestWeekendNextDutyLine(t *testing.T) {
	t.Parallel()
	f := newPubFixture(t, time.Date(2026, 12, 5, 1, 0, 0, 0, time.UTC)) // Saturday 09:00 in Shanghai
	ctx := context.Background()
	monday := roster.MustDate("2026-12-07")
	p, err := f.store.Person(ctx, f.firstDuty(t, monday).Person)
	if err != nil {
		t.Fatal(err)
	}
	p.Portfolio = "主持县委全面工作"
	if _, err := f.store.UpsertPerson(ctx, p, nil, "test"); err != nil {
		t.Fatal(err)
	}
	_, body := f.do(t, "GET", "/", nil)
	page := string(body)
	_, line, _ := strings.Cut(page, "下一个值班日")
	line, _, _ = strings.Cut(line, "</p>")
	if !strings.Contains(line, "接访形式：现场接待来访群众（开门接访）") {
		t.Errorf("next duty line lacks the form: %s", line)
	}
	if !strings.Contains(page, "，主持县委全面工作") {
		t.Error("weekend page lacks the portfolio")
	}
	if strings.Contains(page, "分管主持") {
		t.Error("weekend page says 分管主持")
	}
}

// On a 320 px phone the visits table keeps each leader's name and township on
// one line (the title column wraps): the cells carry a class the stylesheet
// keeps from wrapping.
func TestVisitsTableNamesDoNotWrap(t *testing.T) {
	t.Parallel()
	f := newPubFixture(t, time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC))
	_, body := f.do(t, "GET", "/", nil)
	_, css := f.do(t, "GET", "/static/site.css", nil)
	if !strings.Contains(string(css), ".nowrap { white-space: nowrap; }") {
		t.Error("site.css has no .nowrap")
	}
	_, visits, _ := strings.Cut(string(body), `id="visits-h"`)
	visits, _, _ = strings.Cut(visits, "</table>")
	if !strings.Contains(visits, `<td class="nowrap">`+f.visitLeaderName(t)+`</td>`) {
		t.Errorf("visits table leader cell may wrap:\n%s", visits)
	}
}

func (f *pubFixture) visitLeaderName(t *testing.T) string {
	t.Helper()
	p, err := f.store.Person(context.Background(), f.visit.Leader)
	if err != nil {
		t.Fatal(err)
	}
	return p.Name
}
