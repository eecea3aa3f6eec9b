// Package publish decides what the public and leaders see, with the privacy rules:
// petitioners' names, phones, addresses and case texts never leave it in a public
// value, and a leader's feed names a case by code and township only.
package publish

import (
	"context"
	"time"

	"zhiban/config"
	"zhiban/planner"
	"zhiban/roster"
	"zhiban/store"
)

// Publisher builds published values; it never reads the clock, taking today instead.
type Publisher struct {
	st  *store.Store
	cfg config.Config
}

// New returns a Publisher over st; cfg gives the zone, publish.auto and public_url.
func New(st *store.Store, cfg config.Config) *Publisher { return &Publisher{st: st, cfg: cfg} }

// receptionForm is how leaders receive the public on a duty day.
const receptionForm = "现场接待来访群众（开门接访）"

// WeekdayLabels are the weekdays as printed, Sunday first.
var WeekdayLabels = [...]string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}

// stamp formats an instant in the county zone, e.g. 2026年12月1日 09:05; zero is "".
func (p *Publisher) stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(p.cfg.Location)
	return t.Format("2006年1月2日 15:04")
}

func (p *Publisher) county(ctx context.Context) (string, error) { return p.st.Setting(ctx, "county") }

func (p *Publisher) calendar(ctx context.Context, from, to roster.Date) (roster.Calendar, error) {
	return planner.Calendar(ctx, p.st, from, to)
}

func (p *Publisher) peopleByID(ctx context.Context) (map[string]roster.Person, error) {
	people, err := p.st.People(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]roster.Person, len(people))
	for _, x := range people {
		out[x.ID] = x
	}
	return out, nil
}

func (p *Publisher) unitNames(ctx context.Context) (map[string]string, error) {
	units, err := p.st.Units(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(units))
	for _, u := range units {
		out[u.ID] = u.Name
	}
	return out, nil
}
