package publish

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"zhiban/config"
	"zhiban/ical"
	"zhiban/publish/publishtest"
	"zhiban/roster"
	"zhiban/store"
	"zhiban/visits"
)

// fixture is the demo county with a generated roster, the demo cases and
// one case of our own with an invented petitioner and a confirmed
// case-carrying visit to 漕河镇 (t02), read on 2026-12-01 (Shanghai).
type fixture struct {
	st      *store.Store
	pub     *Publisher
	today   roster.Date
	private []string // strings no public value may hold
	caseID  int64
	visit   visits.Visit
	seeded  publishtest.Seeded
}

func newFixture(t *testing.T, edit func(*config.Config)) *fixture {
	t.Helper()
	now := time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)
	st, cfg, seeded := publishtest.Open(t, now, edit)
	return &fixture{st: st, pub: New(st, cfg), today: roster.Today(now, cfg.Location), private: seeded.Private,
		caseID: seeded.Case.ID, visit: seeded.Visit, seeded: seeded}
}

// leaks reports the private strings in v (marshalled as JSON, or an
// iCalendar feed serialised).
func (f *fixture) leaks(t *testing.T, v any) []string {
	t.Helper()
	var b []byte
	var err error
	if feed, ok := v.(ical.Feed); ok {
		b, err = ical.Build(feed)
		b = []byte(strings.ReplaceAll(string(b), "\r\n ", "")) // unfold long lines
	} else {
		b, err = json.Marshal(v)
	}
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, s := range f.private {
		if strings.Contains(string(b), s) {
			out = append(out, s)
		}
	}
	return out
}

// No public value holds a petitioner's name, phone or address, a case's
// title or text, an absence reason or a leader's phone or e-mail.
func TestPublicValuesStayPrivate(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	ctx := context.Background()
	if len(f.private) < 5 {
		t.Fatalf("too few private strings to check: %v", f.private)
	}
	check := func(name string, v any, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if l := f.leaks(t, v); len(l) > 0 {
			t.Errorf("%s shows %q", name, l)
		}
	}
	d, err := f.pub.Today(ctx, f.today)
	check("Today", d, err)
	if len(d.Visits) == 0 || len(d.Duties) == 0 {
		t.Fatalf("fixture too thin: %d visits, %d duties today", len(d.Visits), len(d.Duties))
	}
	pg, err := f.pub.TodayPage(ctx, f.today)
	check("TodayPage", pg, err)
	m, _, err := f.pub.MonthPage(ctx, f.today, roster.MonthOf(f.today))
	check("MonthPage", m, err)
	vp, _, err := f.pub.VisitsPage(ctx, f.today)
	check("VisitsPage", vp, err)
	r, _, err := f.pub.Range(ctx, f.today, f.today.AddDays(-10), f.today.AddDays(60))
	check("Range", r, err)
	feed, _, err := f.pub.RosterFeed(ctx, f.today)
	check("RosterFeed", feed, err)
	for _, g := range vp.Groups {
		feed, _, err := f.pub.TownshipFeed(ctx, f.today, g.ID)
		check("TownshipFeed "+g.ID, feed, err)
	}
	// The visit's place is not published: a visit may meet a petitioner at home.
	for _, v := range d.Visits {
		if v.ID == f.visit.ID && (v.Township != "漕河镇" || v.LeaderName == "" || v.Start != "09:00" || v.End != "11:30") {
			t.Errorf("public visit %+v", v)
		}
	}
}

// The public types hold only fields on this list: a new field is a
// decision about privacy, to be made here.
func TestPublicTypesHaveOnlyPublicFields(t *testing.T) {
	allowed := map[reflect.Type]string{
		reflect.TypeOf(Visit{}):      "ID Date Start End LeaderName LeaderTitle TownshipID Township Cancelled Sequence Updated",
		reflect.TypeOf(DutyPerson{}): "Role ID Name Title Portfolio Was",
		reflect.TypeOf(Reception{}):  "Name Address Phone Windows",
	}
	for typ, names := range allowed {
		var got []string
		for i := range typ.NumField() {
			got = append(got, typ.Field(i).Name)
		}
		if strings.Join(got, " ") != names {
			t.Errorf("%s has fields %v; review what they publish and update this list", typ, got)
		}
	}
}

// A leader's private feed names a case by its code and township only, and
// a return visit by its township: never a petitioner, a case title or text.
func TestLeaderFeedNamesCasesByCodeAndTownship(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	ctx := context.Background()
	feed, _, err := f.pub.LeaderFeed(ctx, f.today, "L02")
	if err != nil {
		t.Fatal(err)
	}
	if l := f.leaks(t, feed); len(l) > 0 {
		t.Errorf("L02's feed shows %q", l)
	}
	var deadline, carry bool
	for _, e := range feed.Events {
		switch {
		case strings.HasPrefix(e.Summary, "【期限】2026-0991（漕河镇）办理期限"):
			deadline = strings.Contains(e.Summary, "第34条") && e.Transparent
		case strings.HasPrefix(e.UID, "visit-") && strings.Contains(e.Summary, "【带案下访】漕河镇 2026-0991"):
			carry = strings.Contains(e.Description, "案件：2026-0991（漕河镇）")
		case strings.HasPrefix(e.Summary, "【上门回访】"):
			if !strings.HasSuffix(e.Place, "（上门回访，地址见案件材料）") {
				t.Errorf("return visit place %q", e.Place)
			}
		}
	}
	if !deadline || !carry {
		t.Errorf("L02's feed lacks the case's deadline (%v) or its carry visit (%v)", deadline, carry)
	}
	// Other leaders' feeds leak nothing either.
	people, _ := f.st.People(ctx)
	for _, p := range people {
		feed, _, err := f.pub.LeaderFeed(ctx, f.today, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if l := f.leaks(t, feed); len(l) > 0 {
			t.Errorf("%s's feed shows %q", p.ID, l)
		}
	}
}

// Without publish.auto only published months are public, in pages, JSON
// and the roster feed; a leader's own feed shows every stored duty.
func TestOnlyPublishedMonthsArePublic(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(c *config.Config) { c.Publish.Auto = false })
	ctx := context.Background()
	duties, err := f.pub.Duties(ctx, f.today, f.today, f.today.AddDays(40))
	if err != nil || len(duties) != 0 {
		t.Fatalf("unpublished duties shown: %d, %v", len(duties), err)
	}
	feed, _, err := f.pub.RosterFeed(ctx, f.today)
	if err != nil || len(feed.Events) != 0 {
		t.Fatalf("unpublished feed events: %d, %v", len(feed.Events), err)
	}
	own, _, err := f.pub.LeaderFeed(ctx, f.today, "L01")
	if err != nil {
		t.Fatal(err)
	}
	if !hasPrefixUID(own.Events, "duty-") {
		t.Error("a leader's own feed hides unpublished duties")
	}
	defs, _ := f.st.Rosters(ctx)
	if _, err := f.st.PublishMonth(ctx, defs[0].ID, roster.MonthOf(f.today).String(), "test"); err != nil {
		t.Fatal(err)
	}
	duties, err = f.pub.Duties(ctx, f.today, f.today, f.today.AddDays(40))
	if err != nil || len(duties) == 0 {
		t.Fatalf("published month hidden: %v", err)
	}
	for _, d := range duties {
		if !roster.MonthOf(f.today).Contains(d.Date) {
			t.Errorf("%s shown, next month is not published", d.Date)
		}
	}
}

func hasPrefixUID(es []ical.Event, prefix string) bool {
	for _, e := range es {
		if strings.HasPrefix(e.UID, prefix) {
			return true
		}
	}
	return false
}

// The month page has one row a day and links its neighbours across the year.
func TestMonthPage(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	pg, _, err := f.pub.MonthPage(context.Background(), f.today, roster.MustMonth("2026-12"))
	if err != nil {
		t.Fatal(err)
	}
	if len(pg.Rows) != 31 || pg.Title != "示例县2026年12月领导值班接访安排表" || pg.Next != "/roster/2027-01" || pg.NextLabel != "2027年1月" ||
		pg.Prev != "/roster/2026-11" || pg.Printed != f.today || len(pg.Columns) == 0 {
		t.Fatalf("month page %+v", pg)
	}
	for _, r := range pg.Rows {
		if r.Class == "工作日" && (r.Off || r.Date.Weekday() == time.Saturday || r.Date.Weekday() == time.Sunday) {
			t.Errorf("%s: off %v class %s", r.Date, r.Off, r.Class)
		}
	}
}

func TestDaysLabel(t *testing.T) {
	for in, want := range map[string]string{"workdays": "工作日", "all": "每天", "offdays": "节假日和周末", "weekly:tue,fri": "每周二、周五"} {
		r, err := roster.ParseDaysRule(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := daysLabel(r); got != want {
			t.Errorf("daysLabel(%s) = %q, want %q", in, got, want)
		}
	}
}

func TestArabicArticles(t *testing.T) {
	for in, want := range map[string]string{"第三十四条": "第34条", "第十条第二款": "第10条第二款", "第一百零五条": "第105条", "第条": "第条", "无": "无"} {
		if got := arabicArticles(in); got != want {
			t.Errorf("arabicArticles(%q) = %q, want %q", in, got, want)
		}
	}
}
