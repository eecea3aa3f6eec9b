package httpapi_test

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"zhiban/county"
	"zhiban/roster"
)

// twoRosterCounty is the demo county plus a township roster: cadres from
// their own pool, on Tuesdays and Fridays, mornings only, in the townships.
func twoRosterCounty() *county.County {
	c := county.Demo()
	c.People = append(c.People,
		county.Person{ID: "T01", Name: "周晓东", Title: "城关镇党委副书记", Rank: "department"},
		county.Person{ID: "T02", Name: "吴春燕", Title: "漕河镇副镇长", Rank: "department"},
		county.Person{ID: "T03", Name: "郑国平", Title: "河口镇人大主席", Rank: "department"},
	)
	c.Pools = append(c.Pools, county.Pool{ID: "town-cadres", Name: "乡镇干部", Members: []string{"T01", "T02", "T03"}})
	c.Rosters = append(c.Rosters, county.Roster{ID: "town-duty", Name: "乡镇干部值班", Days: "weekly:tue,fri",
		Start: "09:00", End: "12:00", Place: "各乡镇群众工作站", MinGapDays: 1,
		Slots: []county.Slot{{Role: "值班干部", Pool: "town-cadres"}}})
	return c
}

// newTwoRosterFixture serves the two-roster county with explicit duties:
// the county roster on 11-30, 12-01, 12-02 and 12-07; the township roster
// on 12-01, 12-04 and 12-08.
func newTwoRosterFixture(t *testing.T, now time.Time) *fixture {
	t.Helper()
	f := newFixture(t, now)
	ctx := context.Background()
	c := twoRosterCounty()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.ImportCounty(ctx, c, "test"); err != nil {
		t.Fatal(err)
	}
	county := []struct{ date, lead, follow string }{
		{"2026-11-30", "L01", "D01"}, {"2026-12-01", "L02", "D02"}, {"2026-12-02", "L03", "D03"}, {"2026-12-07", "L04", "D04"},
	}
	town := []struct{ date, who string }{{"2026-12-01", "T01"}, {"2026-12-04", "T02"}, {"2026-12-08", "T03"}}
	var as []roster.Assignment
	for _, d := range county {
		as = append(as,
			roster.Assignment{Roster: "county-duty", Date: roster.MustDate(d.date), Role: "值班领导", Person: d.lead},
			roster.Assignment{Roster: "county-duty", Date: roster.MustDate(d.date), Role: "跟班领导", Person: d.follow})
	}
	for _, d := range town {
		as = append(as, roster.Assignment{Roster: "town-duty", Date: roster.MustDate(d.date), Role: "值班干部", Person: d.who})
	}
	if _, _, err := f.store.SaveGenerated(ctx, as, nil, "test"); err != nil {
		t.Fatal(err)
	}
	return f
}

var (
	tableRE   = regexp.MustCompile(`(?s)<div class="roster-week">\s*<h3[^>]*>([^<]*)</h3>.*?<table>(.*?)</table>`)
	captionRE = regexp.MustCompile(`(?s)<caption>(.*?)</caption>`)
	colRE     = regexp.MustCompile(`<th scope="col">([^<]*)</th>`)
	rowRE     = regexp.MustCompile(`(?s)<tr[^>]*><th scope="row"><time datetime="([0-9-]+)">.*?</tr>`)
	blockRE   = regexp.MustCompile(`(?s)<div class="duty">\s*<h3[^>]*>([^<]*)</h3>(.*?)</div>`)
)

// weekTables maps each roster heading of 近期值班安排 to its caption,
// column headers, and rows by date.
type weekTable struct {
	caption string
	cols    []string
	rows    map[string]string
}

func weekTables(t *testing.T, page string) map[string]weekTable {
	t.Helper()
	out := map[string]weekTable{}
	for _, m := range tableRE.FindAllStringSubmatch(page, -1) {
		wt := weekTable{rows: map[string]string{}}
		if c := captionRE.FindStringSubmatch(m[2]); c != nil {
			wt.caption = c[1]
		}
		for _, c := range colRE.FindAllStringSubmatch(m[2], -1) {
			wt.cols = append(wt.cols, c[1])
		}
		for _, r := range rowRE.FindAllStringSubmatch(m[2], -1) {
			wt.rows[r[1]] = r[0]
		}
		out[m[1]] = wt
	}
	return out
}

func todayBlocks(page string) map[string]string {
	out := map[string]string{}
	for _, m := range blockRE.FindAllStringSubmatch(page, -1) {
		out[m[1]] = m[2]
	}
	return out
}

var (
	countyPeople = []string{"李志远", "陈立新", "王建国", "刘明华"}
	townPeople   = []string{"周晓东", "吴春燕", "郑国平"}
)

func containsAny(s string, names []string) string {
	for _, n := range names {
		if strings.Contains(s, n) {
			return n
		}
	}
	return ""
}

// A Monday: the county roster sits today, the township roster tomorrow.
// Each roster has its own block and its own table with its own columns.
func TestTodayPageTwoRostersOnADutyDay(t *testing.T) {
	f := newTwoRosterFixture(t, time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC)) // Monday 09:00 in Shanghai
	code, page := get(t, f.srv.URL+"/")
	if code != 200 {
		t.Fatalf("status %d", code)
	}
	if !strings.Contains(page, "<h1>示例县值班安排</h1>") || !strings.Contains(page, "<title>示例县值班安排</title>") {
		t.Error("a two-roster page is not headed by the county's 值班安排")
	}

	blocks := todayBlocks(page)
	if len(blocks) != 2 {
		t.Fatalf("today has %d roster blocks, want 2: %v", len(blocks), blocks)
	}
	c, town := blocks["县领导值班接访"], blocks["乡镇干部值班"]
	for _, want := range []string{"值班领导", "李志远", "跟班领导", "08:30–17:30", "县群众来访接待中心（示例县人民路88号）"} {
		if !strings.Contains(c, want) {
			t.Errorf("county block lacks %q:\n%s", want, c)
		}
	}
	if n := containsAny(c, townPeople); n != "" || strings.Contains(c, "值班干部") {
		t.Errorf("county block shows the township roster (%q):\n%s", n, c)
	}
	for _, want := range []string{"今日不是乡镇干部值班的值班日（每周二、周五值班）", "下一个值班日：", `datetime="2026-12-01"`,
		"09:00–12:00，各乡镇群众工作站，接访形式", "值班干部：<strong>周晓东</strong>"} {
		if !strings.Contains(town, want) {
			t.Errorf("township block lacks %q:\n%s", want, town)
		}
	}
	if n := containsAny(town, countyPeople); n != "" || strings.Contains(town, "值班领导") || strings.Contains(town, "人民路88号") {
		t.Errorf("township block shows the county roster (%q) or the centre's address:\n%s", n, town)
	}

	tables := weekTables(t, page)
	ct, tt := tables["县领导值班接访"], tables["乡镇干部值班"]
	if len(tables) != 2 {
		t.Fatalf("week tables %v", tables)
	}
	if strings.Join(ct.cols, ",") != "日期,值班领导,跟班领导" || strings.Join(tt.cols, ",") != "日期,值班干部" {
		t.Errorf("columns: county %v, township %v", ct.cols, tt.cols)
	}
	if !strings.Contains(ct.caption, "08:30–17:30") || !strings.Contains(tt.caption, "09:00–12:00") ||
		!strings.Contains(tt.caption, "各乡镇群众工作站") || !strings.Contains(tt.caption, "每周二、周五") {
		t.Errorf("captions lack hours or place: %q / %q", ct.caption, tt.caption)
	}
	for _, cap := range []string{ct.caption, tt.caption} {
		if strings.Contains(cap, "值班领导") {
			t.Errorf("caption still says 值班领导: %q", cap)
		}
	}
	// Tomorrow and 7 days on: 12-01 to 12-07; the township's 12-08 is beyond.
	if len(ct.rows) != 3 || ct.rows["2026-12-01"] == "" || ct.rows["2026-12-02"] == "" || ct.rows["2026-12-07"] == "" {
		t.Errorf("county rows %v", ct.rows)
	}
	if len(tt.rows) != 2 || tt.rows["2026-12-01"] == "" || tt.rows["2026-12-04"] == "" {
		t.Errorf("township rows %v", tt.rows)
	}
	if !strings.Contains(ct.rows["2026-12-01"], "陈立新") || !strings.Contains(tt.rows["2026-12-01"], "周晓东") {
		t.Error("12-01 rows lack their people")
	}
	for d, r := range ct.rows {
		if n := containsAny(r, townPeople); n != "" {
			t.Errorf("county table %s shows township cadre %s", d, n)
		}
	}
	for d, r := range tt.rows {
		if n := containsAny(r, countyPeople); n != "" {
			t.Errorf("township table %s shows county leader %s", d, n)
		}
		if strings.Count(r, "<td>") != 1 {
			t.Errorf("township row %s has not one cell: %s", d, r)
		}
	}
}

// A Saturday: nobody sits, and each roster announces its own next duty day
// with its own hours, place and people.
func TestTodayPageTwoRostersOnAWeekend(t *testing.T) {
	f := newTwoRosterFixture(t, time.Date(2026, 12, 5, 1, 0, 0, 0, time.UTC)) // Saturday 09:00 in Shanghai
	_, page := get(t, f.srv.URL+"/")
	if !strings.Contains(page, "今日（星期六）不是值班日（周末），无县领导值班接访、乡镇干部值班。") {
		t.Error("weekend notice does not name both rosters")
	}
	blocks := todayBlocks(page)
	c, town := blocks["县领导值班接访"], blocks["乡镇干部值班"]
	next := func(block string) string {
		_, line, _ := strings.Cut(block, "下一个值班日：")
		line, _, _ = strings.Cut(line, "</ul>")
		return line
	}
	cl, tl := next(c), next(town)
	for _, want := range []string{`datetime="2026-12-07"`, "08:30–17:30", "县群众来访接待中心（示例县人民路88号）", "刘明华"} {
		if !strings.Contains(cl, want) {
			t.Errorf("county next duty lacks %q: %s", want, cl)
		}
	}
	for _, want := range []string{`datetime="2026-12-08"`, "09:00–12:00", "各乡镇群众工作站", "郑国平"} {
		if !strings.Contains(tl, want) {
			t.Errorf("township next duty lacks %q: %s", want, tl)
		}
	}
	if n := containsAny(cl, townPeople); n != "" {
		t.Errorf("county next duty lists %s", n)
	}
	if n := containsAny(tl, countyPeople); n != "" || strings.Contains(tl, "08:30") {
		t.Errorf("township next duty lists %s or the county's hours: %s", n, tl)
	}
	// 12-07 has only the county, 12-08 only the township: each table has its day.
	tables := weekTables(t, page)
	if r := tables["县领导值班接访"].rows; len(r) != 1 || r["2026-12-07"] == "" {
		t.Errorf("county week rows %v", r)
	}
	if r := tables["乡镇干部值班"].rows; len(r) != 1 || r["2026-12-08"] == "" {
		t.Errorf("township week rows %v", r)
	}
}

// The JSON names the roster of every duty and gives each roster's next duty.
func TestTodayJSONTwoRosters(t *testing.T) {
	f := newTwoRosterFixture(t, time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC))
	_, body := get(t, f.srv.URL+"/api/v1/public/today")
	var d struct {
		Rosters []struct {
			ID, Name, Start, End, Place, Days string
			Roles                             []string
		} `json:"rosters"`
		Duties, Week, NextDuty []struct {
			Date       string `json:"date"`
			Roster     string `json:"roster"`
			RosterName string `json:"roster_name"`
			Start      string `json:"start"`
			Leaders    []struct{ Role, Name string }
		}
	}
	if err := json.Unmarshal([]byte(body), &d); err != nil {
		t.Fatal(err)
	}
	// "next_duty" by its JSON name
	var raw map[string]json.RawMessage
	_ = json.Unmarshal([]byte(body), &raw)
	if err := json.Unmarshal(raw["next_duty"], &d.NextDuty); err != nil {
		t.Fatal(err)
	}
	if len(d.Rosters) != 2 || d.Rosters[1].ID != "town-duty" || d.Rosters[1].Start != "09:00" ||
		strings.Join(d.Rosters[0].Roles, ",") != "值班领导,跟班领导" || strings.Join(d.Rosters[1].Roles, ",") != "值班干部" {
		t.Errorf("rosters %+v", d.Rosters)
	}
	if len(d.Duties) != 1 || d.Duties[0].Roster != "county-duty" || d.Duties[0].RosterName != "县领导值班接访" {
		t.Errorf("duties %+v", d.Duties)
	}
	if len(d.NextDuty) != 1 || d.NextDuty[0].Roster != "town-duty" || d.NextDuty[0].Date != "2026-12-01" || d.NextDuty[0].Start != "09:00" {
		t.Errorf("next duty %+v", d.NextDuty)
	}
	for _, w := range d.Week {
		if w.Roster == "" || w.RosterName == "" {
			t.Errorf("week duty without its roster: %+v", w)
		}
		for _, l := range w.Leaders {
			if (w.Roster == "town-duty") != (l.Role == "值班干部") {
				t.Errorf("%s %s has role %s", w.Date, w.Roster, l.Role)
			}
		}
	}
}

// The public feed of several rosters is the county's 值班安排, not the
// county leaders' alone.
func TestRosterFeedNameTwoRosters(t *testing.T) {
	f := newTwoRosterFixture(t, time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC))
	_, body := get(t, f.srv.URL+"/feeds/roster.ics")
	unfolded := strings.ReplaceAll(body, "\r\n ", "")
	for _, want := range []string{"X-WR-CALNAME:示例县值班安排\r\n", "示例县值班安排：县领导值班接访、乡镇干部值班"} {
		if !strings.Contains(unfolded, want) {
			t.Errorf("feed lacks %q", want)
		}
	}
	if strings.Contains(unfolded, "县领导值班接访安排") || strings.Contains(unfolded, "CALNAME:示例县领导") {
		t.Error("a two-roster feed still claims to be the county leaders' duty")
	}
}

// One roster keeps the page as it was: no roster headings, the familiar
// headline, one table with the roster's roles.
func TestTodayPageOneRosterUnchanged(t *testing.T) {
	f := newFixture(t, time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC))
	f.assign(t, roster.MustDate("2026-11-30"), 0)
	f.assign(t, roster.MustDate("2026-12-01"), 1)
	_, page := get(t, f.srv.URL+"/")
	if strings.Contains(page, "<h3") || !strings.Contains(page, "<h1>示例县领导值班接访</h1>") {
		t.Error("a one-roster page shows roster headings or lost its headline")
	}
	if !strings.Contains(page, `<th scope="col">日期</th><th scope="col">值班领导</th><th scope="col">跟班领导</th>`) {
		t.Error("one-roster table lacks its role columns")
	}
	if !strings.Contains(page, "<caption>县领导值班接访：明日起 7 天内") {
		t.Error("one-roster caption does not name the roster")
	}
	_, feed := get(t, f.srv.URL+"/feeds/roster.ics")
	if !strings.Contains(feed, "X-WR-CALNAME:示例县领导值班接访") {
		t.Error("one-roster feed renamed")
	}
}
