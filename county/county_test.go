package county

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"zhiban/roster"
)

func TestDemo(t *testing.T) {
	t.Parallel()
	c, err := Parse(DemoFile, DemoYAML())
	if err != nil {
		t.Fatalf("demo.yaml does not parse:\n%v", err)
	}
	if !reflect.DeepEqual(c, Demo()) {
		t.Fatal("Demo() differs from parsing DemoYAML()")
	}

	ranks := map[string]int{}
	people := map[string]Person{}
	for _, p := range c.People {
		ranks[p.Rank]++
		people[p.ID] = p
	}
	if ranks["county"] < 12 || ranks["department"] != 4 {
		t.Errorf("ranks = %v, want ≥12 county and 4 department leaders", ranks)
	}
	units := map[string]Unit{}
	kinds := map[string]int{}
	for _, u := range c.Units {
		units[u.ID] = u
		kinds[u.Kind]++
	}
	if kinds["township"] != 14 || kinds["county"] != 1 || kinds["department"] == 0 || kinds["village"] == 0 {
		t.Errorf("unit kinds = %v, want 1 county, 14 townships, some departments and villages", kinds)
	}
	if n := len(c.Reception.Windows); n != 16 {
		t.Errorf("%d windows, want 16", n)
	}

	// Every county leader has the full 四个一, each in a different township,
	// and the linked village lies in the linked township.
	townships := map[string]string{}
	for _, p := range c.People {
		if p.Rank != "county" {
			continue
		}
		l := p.Links
		if l.Township == "" || l.Enterprise == "" || l.Project == "" || l.Village == "" || p.Portfolio == "" || p.Phone == "" || p.Email == "" {
			t.Errorf("%s %s: incomplete record %+v", p.ID, p.Name, p)
		}
		if other, ok := townships[l.Township]; ok {
			t.Errorf("%s and %s are both linked to %s", other, p.ID, l.Township)
		}
		townships[l.Township] = p.ID
		found := false
		for _, u := range c.Units {
			found = found || u.Kind == "village" && u.Name == l.Village && u.Parent == l.Township
		}
		if !found {
			t.Errorf("%s: village %s is not a village unit of %s", p.ID, l.Village, l.Township)
		}
	}

	pools := map[string]Pool{}
	for _, p := range c.Pools {
		pools[p.ID] = p
	}
	for id, rank := range map[string]string{"county-leaders": "county", "dept-leaders": "department"} {
		if pools[id].ID == "" {
			t.Errorf("pool %s missing", id)
		}
		if want := ranks[rank]; len(pools[id].Members) != want {
			t.Errorf("pool %s has %d members, want all %d of rank %s", id, len(pools[id].Members), want, rank)
		}
		for _, m := range pools[id].Members {
			if people[m].Rank != rank {
				t.Errorf("pool %s: %s has rank %s", id, m, people[m].Rank)
			}
		}
	}

	d, err := c.Domain()
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Rosters) != 1 || d.Rosters[0].ID != "county-duty" || d.Rosters[0].MinGapDays != 2 || len(d.Rosters[0].Slots) != 2 {
		t.Errorf("rosters = %+v", d.Rosters)
	}
	if len(d.Absences) < 3 {
		t.Errorf("%d absences, want a few", len(d.Absences))
	}
}

func TestDemoYAMLIsACopy(t *testing.T) {
	b := DemoYAML()
	b[0] = 'X'
	if DemoYAML()[0] == 'X' {
		t.Fatal("DemoYAML returns the embedded slice itself")
	}
}

// sample is a county exercising optional fields and strings that need quoting.
func sample() *County {
	no := false
	return &County{
		County:   "示例县",
		Timezone: "Asia/Shanghai",
		Reception: Reception{Name: "县群众来访接待中心", Phone: "0713-0000000",
			Windows: []Window{{No: 3, Department: "县公安局"}, {No: 1, Department: "yes"}}},
		Units: []Unit{{ID: "c00", Name: "示例县", Kind: "county"}, {ID: "t01", Name: "null", Kind: "township", Parent: "c00"}},
		People: []Person{
			{ID: "L01", Name: "王建国", Title: "县委副书记", Rank: "county", Portfolio: "政法: 信访 # 维稳",
				Phone: "13800000001", Email: "wang.jg+duty@shili.gov.example", Links: roster.Links{Township: "t01", Village: "东风村"}},
			{ID: "L02", Name: " 前后空格 ", Title: "副县长 #挂职", Rank: "county", Active: &no},
			{ID: "D01", Name: "林振华", Title: "部长", Rank: "department", Phone: "0713 123"},
		},
		Pools: []Pool{{ID: "a", Name: "true", Members: []string{"L01", "L02"}}, {ID: "b", Name: "08:30", Members: []string{"D01"}}},
		Rosters: []Roster{{ID: "r", Name: "值班", Days: "weekly:mon,thu", Start: "08:30", End: "12:00", Place: "- 接待中心",
			Slots: []Slot{{Role: "值班领导", Pool: "a"}, {Role: "跟班领导", Pool: "b"}}},
			{ID: "t01-duty", Name: "镇值班", Days: "workdays", Start: "08:30", End: "17:30", Place: "镇群众工作站", Unit: "t01",
				Slots: []Slot{{Role: "值班领导", Pool: "b"}}}},
		Absences: []Absence{{Person: "L01", From: "2027-03-01", To: "2027-03-01"}, {Person: "D01", From: "2026-12-30", To: "2027-01-03", Kind: "meeting", Reason: "@会议"}},
		Holidays: []HolidayEntry{{Date: "2027-01-02", Kind: "off", Name: "元旦"}, {Date: "2027-02-20", Kind: "work"}},
	}
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]*County{"demo": Demo(), "sample": sample()} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if err := c.Validate(); err != nil {
				t.Fatal(err)
			}
			out, err := c.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			back, err := Parse("export.yaml", out)
			if err != nil {
				t.Fatalf("export does not parse back:\n%v\n%s", err, out)
			}
			if !reflect.DeepEqual(back, c) {
				t.Fatalf("round trip changed the county:\n got %+v\nwant %+v\n%s", back, c, out)
			}
			again, err := back.Marshal()
			if err != nil || !bytes.Equal(again, out) {
				t.Fatalf("second export differs (err %v):\n%s\n---\n%s", err, out, again)
			}
		})
	}
}

func TestMarshalFormat(t *testing.T) {
	out, err := Demo().Marshal()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"county: 示例县\ntimezone: Asia/Shanghai\nreception:\n",
		"    - {no: 1, department: 县公安局}\n",
		"  - {id: t01, name: 城关镇, kind: township, parent: c00}\n",
		`    phone: "13800000001"` + "\n" + "    email: l01@shili.gov.example\n",
		"    members: [D01, D02, D03, D04]\n",
		`    start: "08:30"` + "\n",
		"      - {role: 值班领导, pool: county-leaders}\n",
		"  - {person: L03, from: 2027-03-01, to: 2027-03-15, kind: trip, reason: 出差}\n",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("export lacks %q", want)
		}
	}
	if strings.Contains(string(out), "holidays") {
		t.Error("empty holidays are written")
	}
}

func TestDomain(t *testing.T) {
	t.Parallel()
	d, err := sample().Domain()
	if err != nil {
		t.Fatal(err)
	}
	if d.Location.String() != "Asia/Shanghai" {
		t.Errorf("location = %v", d.Location)
	}
	// 08:30 in the county is 00:30 UTC whatever the machine's TZ (tests run with TZ=America/New_York).
	r := d.Rosters[0]
	if got := roster.MustDate("2027-03-01").At(r.Start, d.Location).UTC(); !got.Equal(time.Date(2027, 3, 1, 0, 30, 0, 0, time.UTC)) {
		t.Errorf("start instant = %v", got)
	}
	if r.Days.String() != "weekly:mon,thu" || r.End.String() != "12:00" || r.Place != "- 接待中心" {
		t.Errorf("roster = %+v", r)
	}
	if !d.People[0].Active || d.People[1].Active || d.People[0].Rank != roster.RankCounty || d.People[0].Links.Township != "t01" ||
		d.People[0].Email != "wang.jg+duty@shili.gov.example" || d.People[2].Email != "" {
		t.Errorf("people = %+v", d.People)
	}
	wantAbs := []roster.Absence{
		{Person: "L01", From: roster.MustDate("2027-03-01"), To: roster.MustDate("2027-03-01"), Kind: roster.Leave},
		{Person: "D01", From: roster.MustDate("2026-12-30"), To: roster.MustDate("2027-01-03"), Kind: roster.Meeting, Reason: "@会议"},
	}
	if !reflect.DeepEqual(d.Absences, wantAbs) {
		t.Errorf("absences = %+v, want %+v", d.Absences, wantAbs)
	}
	wantHol := []roster.HolidayDay{
		{Date: roster.MustDate("2027-01-02"), Kind: roster.Off, Name: "元旦"},
		{Date: roster.MustDate("2027-02-20"), Kind: roster.Work},
	}
	if !reflect.DeepEqual(d.Holidays, wantHol) {
		t.Errorf("holidays = %+v, want %+v", d.Holidays, wantHol)
	}
	if !reflect.DeepEqual(d.Pools[0], roster.Pool{ID: "a", Name: "true", Members: []string{"L01", "L02"}}) {
		t.Errorf("pools = %+v", d.Pools)
	}
}

func TestDomainRejectsInvalid(t *testing.T) {
	c := sample()
	c.Pools[0].Members = append(c.Pools[0].Members, "L99")
	_, err := c.Domain()
	var fe *FileError
	if !errors.As(err, &fe) || fe.Field != "pools[0].members[2]" {
		t.Fatalf("Domain() error = %v", err)
	}
}
