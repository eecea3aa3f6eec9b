package county

import (
	"fmt"
	"reflect"
	"strings"
	"time"
	"unicode"

	"zhiban/clean"
	"zhiban/roster"
	"zhiban/visits"
)

// Validate checks a County built in code (not read from a file) with the
// same rules as Parse; the errors carry field paths but no lines.
func (c *County) Validate() error {
	chk := &checker{}
	chk.county(c)
	return asError(chk.errs)
}

// Allowed values of the file's enums.
var (
	unitKinds    = []string{"county", "township", "department", "village"}
	ranks        = []string{string(roster.RankCounty), string(roster.RankDepartment)}
	absenceKinds = []string{string(roster.Leave), string(roster.Trip), string(roster.Meeting)}
	holidayKinds = []string{string(roster.Off), string(roster.Work)}
)

// maxMinGapDays bounds min_gap_days: a gap longer than a year is surely a typo.
const maxMinGapDays = 366

// checker applies the semantic rules after decoding. lines maps field paths to
// lines (nil for a County built in code); bad holds paths that already failed.
type checker struct {
	file  string
	lines map[string]int
	bad   map[string]bool
	errs  []*FileError
}

// add records a problem at path unless path or one of its parents already failed to decode.
func (c *checker) add(path, format string, args ...any) {
	for p := path; p != ""; p = parentPath(p) {
		if c.bad[p] {
			return
		}
	}
	c.errs = append(c.errs, &FileError{File: c.file, Line: c.lineOf(path), Field: path, Msg: fmt.Sprintf(format, args...)})
}

// lineOf returns the line of path, or of its nearest parent present in the file
// (a missing field is reported on the line of the item that lacks it).
func (c *checker) lineOf(path string) int {
	for p := path; p != ""; p = parentPath(p) {
		if l, ok := c.lines[p]; ok {
			return l
		}
	}
	return c.lines[""]
}

// parentPath strips the last component: "a[0].b" → "a[0]" → "a" → "".
func parentPath(p string) string {
	i := strings.LastIndexAny(p, ".[")
	if i < 0 {
		return ""
	}
	return p[:i]
}

func (c *checker) required(path, v string) bool {
	if strings.TrimSpace(v) == "" {
		c.add(path, "必填，不能为空")
		return false
	}
	return true
}

func (c *checker) id(path, v string) bool {
	if !c.required(path, v) {
		return false
	}
	if strings.IndexFunc(v, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || strings.ContainsRune("/?#%", r)
	}) >= 0 {
		c.add(path, "编号 %q 无效：不能包含空白或 / ? # %% 字符", v)
		return false
	}
	return true
}

func (c *checker) enum(path, v string, allowed []string) {
	if !c.required(path, v) {
		return
	}
	for _, a := range allowed {
		if v == a {
			return
		}
	}
	c.add(path, "取值 %q 无效，应为 %s", v, strings.Join(allowed, " | "))
}

// unique reports a repeated id; first maps ids to the path where they first appeared.
func (c *checker) unique(first map[string]string, path, v string) {
	if p, ok := first[v]; ok {
		c.add(path, "编号 %q 重复（首次出现于 %s）", v, p)
		return
	}
	first[v] = parentPath(path)
}

func (c *checker) date(path, v string) (roster.Date, bool) {
	return parseRequired(c, path, v, func(s string) (roster.Date, error) {
		d, err := clean.Date(s)
		if err != nil {
			return 0, fmt.Errorf("日期 %s %v", clean.Quote(s), err)
		}
		return roster.ParseDate(d)
	})
}

func (c *checker) clock(path, v string) (roster.Clock, bool) {
	return parseRequired(c, path, v, roster.ParseClock)
}

// parseRequired reads the required value v at path with parse; ok is false
// after reporting it missing or unreadable.
func parseRequired[T any](c *checker, path, v string, parse func(string) (T, error)) (t T, ok bool) {
	if !c.required(path, v) {
		return t, false
	}
	t, err := parse(v)
	if err != nil {
		c.add(path, "%v", err)
		return t, false
	}
	return t, true
}

func (c *checker) county(k *County) {
	c.texts(reflect.ValueOf(k).Elem(), "", "")
	c.required("county", k.County)
	if c.required("timezone", k.Timezone) {
		if _, err := loadLocation(k.Timezone); err != nil {
			c.add("timezone", "%v", err)
		}
	}
	if g := k.CrossRosterGapDays; g < 0 || g > maxMinGapDays {
		c.add("cross_roster_gap_days", "跨值班表最少间隔天数 %d 无效，应在 0 到 %d 之间（0 表示不限制）", g, maxMinGapDays)
	}
	c.reception(&k.Reception)
	units := c.units(k.Units)
	people := c.people(k.People, units)
	pools := c.pools(k.Pools, people)
	c.rosters(k.Rosters, pools, units)
	c.absences(k.Absences, people)
	c.holidays(k.Holidays)
}

// textLimits bound each kind of text field (the clean tag) in characters.
var textLimits = map[string]int{
	"code": clean.Code, "clock": clean.Code, "date": clean.Code, "phone": clean.Phone, "email": clean.Email,
	"name": clean.Name, "title": clean.Title, "line": clean.Line, "": clean.Line,
}

// texts refuses invalid UTF-8, control and bidi characters and over-long
// values in every text field, quoting the value; the field's other checks
// then stay quiet.
func (c *checker) texts(v reflect.Value, path, kind string) {
	switch v.Kind() {
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			if name := yamlName(t.Field(i)); name != "" {
				child := name
				if path != "" {
					child = path + "." + name
				}
				c.texts(v.Field(i), child, fieldKind(t, i))
			}
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			c.texts(v.Index(i), fmt.Sprintf("%s[%d]", path, i), kind)
		}
	case reflect.String:
		if _, err := clean.Text(v.String(), textLimits[kind]); err != nil {
			c.add(path, "%s：%v", clean.Quote(v.String()), err)
			if c.bad == nil {
				c.bad = map[string]bool{}
			}
			c.bad[path] = true
		}
	}
}

// loadLocation resolves an IANA zone name. "Local" and "" are refused: the
// county's zone must not depend on the machine the service runs on.
func loadLocation(name string) (*time.Location, error) {
	if name == "" || name == "Local" {
		return nil, fmt.Errorf("时区 %q 无效，应为 IANA 时区名，如 Asia/Shanghai", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("时区 %q 无效，应为 IANA 时区名，如 Asia/Shanghai", name)
	}
	return loc, nil
}

func (c *checker) reception(r *Reception) {
	if r.Name == "" && r.Address == "" && r.Phone == "" && len(r.Windows) == 0 {
		return // no reception centre described
	}
	c.required("reception.name", r.Name)
	seen := map[int]string{}
	for i, w := range r.Windows {
		p := fmt.Sprintf("reception.windows[%d]", i)
		if w.No <= 0 {
			c.add(p+".no", "窗口号必须为正整数")
		} else if q, ok := seen[w.No]; ok {
			c.add(p+".no", "窗口号 %d 重复（首次出现于 %s）", w.No, q)
		} else {
			seen[w.No] = p
		}
		c.required(p+".department", w.Department)
	}
}

// units checks units and returns them by id.
func (c *checker) units(us []Unit) map[string]Unit {
	byID := map[string]Unit{}
	first := map[string]string{}
	for i, u := range us {
		p := fmt.Sprintf("units[%d]", i)
		if c.id(p+".id", u.ID) {
			c.unique(first, p+".id", u.ID)
			if _, dup := byID[u.ID]; !dup {
				byID[u.ID] = u
			}
		}
		c.required(p+".name", u.Name)
		c.enum(p+".kind", u.Kind, unitKinds)
	}
	for i, u := range us {
		if u.Parent == "" {
			continue
		}
		p := fmt.Sprintf("units[%d].parent", i)
		if _, ok := byID[u.Parent]; !ok {
			c.add(p, "未知单位 %q", u.Parent)
		} else if u.Parent == u.ID {
			c.add(p, "上级单位不能是自身")
		}
	}
	// A parent chain that loops back would make "every unit under X" endless.
	reported := map[string]bool{}
	for i, u := range us {
		if reported[u.ID] || u.Parent == "" || u.Parent == u.ID {
			continue
		}
		chain := []string{u.ID}
		seen := map[string]bool{u.ID: true}
		for cur := u.Parent; ; {
			x, ok := byID[cur]
			if !ok {
				break
			}
			if cur == u.ID {
				for _, id := range chain {
					reported[id] = true
				}
				c.add(fmt.Sprintf("units[%d].parent", i), "上级单位形成循环：%s → %s", strings.Join(chain, " → "), u.ID)
				break
			}
			if seen[cur] {
				break
			}
			seen[cur] = true
			chain = append(chain, cur)
			cur = x.Parent
		}
	}
	return byID
}

// people checks people and returns their ids.
func (c *checker) people(ps []Person, units map[string]Unit) map[string]bool {
	ids := map[string]bool{}
	first := map[string]string{}
	for i, x := range ps {
		p := fmt.Sprintf("people[%d]", i)
		if c.id(p+".id", x.ID) {
			c.unique(first, p+".id", x.ID)
			ids[x.ID] = true
		}
		c.required(p+".name", x.Name)
		c.required(p+".title", x.Title)
		c.enum(p+".rank", x.Rank, ranks)
		if x.Phone != "" && !roster.ValidPhone(x.Phone) {
			c.add(p+".phone", "电话 %q 无效：只能包含数字、空格和 + - ( )", x.Phone)
		}
		if x.Email != "" && !roster.ValidEmail(x.Email) {
			c.add(p+".email", "邮箱 %q 无效：应为一个地址，如 name@example.gov.cn（只用英文字母、数字和符号）", x.Email)
		}
		c.categories(p+".categories", x.Categories)
		if t := x.Links.Township; t != "" {
			u, ok := units[t]
			switch {
			case !ok:
				c.add(p+".links.township", "未知单位 %q", t)
			case u.Kind != "township":
				c.add(p+".links.township", "单位 %q（%s）不是乡镇", t, u.Name)
			}
		}
	}
	return ids
}

// pools checks pools and returns their ids.
func (c *checker) pools(ps []Pool, people map[string]bool) map[string]bool {
	ids := map[string]bool{}
	first := map[string]string{}
	for i, x := range ps {
		p := fmt.Sprintf("pools[%d]", i)
		if c.id(p+".id", x.ID) {
			c.unique(first, p+".id", x.ID)
			ids[x.ID] = true
		}
		c.required(p+".name", x.Name)
		if len(x.Members) == 0 {
			c.add(p+".members", "值班池至少需要一名成员")
		}
		seen := map[string]bool{}
		for j, m := range x.Members {
			mp := fmt.Sprintf("%s.members[%d]", p, j)
			switch {
			case !c.required(mp, m):
			case !people[m]:
				c.add(mp, "未知人员 %q", m)
			case seen[m]:
				c.add(mp, "人员 %q 在值班池中重复", m)
			}
			seen[m] = true
		}
	}
	return ids
}

func (c *checker) rosters(rs []Roster, pools map[string]bool, units map[string]Unit) {
	first := map[string]string{}
	for i, r := range rs {
		p := fmt.Sprintf("rosters[%d]", i)
		if c.id(p+".id", r.ID) {
			c.unique(first, p+".id", r.ID)
		}
		c.required(p+".name", r.Name)
		if c.required(p+".days", r.Days) {
			if _, err := roster.ParseDaysRule(r.Days); err != nil {
				c.add(p+".days", "%v", err)
			}
		}
		start, okS := c.clock(p+".start", r.Start)
		end, okE := c.clock(p+".end", r.End)
		if okS && okE && end <= start {
			c.add(p+".end", "结束时间 %s 必须晚于开始时间 %s", end, start)
		}
		c.required(p+".place", r.Place)
		if r.Unit != "" {
			if u, ok := units[r.Unit]; !ok {
				c.add(p+".unit", "未知单位 %q", r.Unit)
			} else if u.Kind != "township" {
				c.add(p+".unit", "单位 %q 不是乡镇（街道），只有乡镇可以有自己的值班表", r.Unit)
			}
		}
		if r.MinGapDays < 0 || r.MinGapDays > maxMinGapDays {
			c.add(p+".min_gap_days", "最小间隔天数 %d 无效，应在 0 到 %d 之间", r.MinGapDays, maxMinGapDays)
		}
		if len(r.Slots) == 0 {
			c.add(p+".slots", "至少需要一个值班岗位")
		}
		roles := map[string]bool{}
		for j, s := range r.Slots {
			sp := fmt.Sprintf("%s.slots[%d]", p, j)
			if c.required(sp+".role", s.Role) {
				if roles[s.Role] {
					c.add(sp+".role", "岗位 %q 重复", s.Role)
				}
				roles[s.Role] = true
			}
			if c.required(sp+".pool", s.Pool) && !pools[s.Pool] {
				c.add(sp+".pool", "未知值班池 %q", s.Pool)
			}
		}
	}
}

func (c *checker) absences(as []Absence, people map[string]bool) {
	for i, a := range as {
		p := fmt.Sprintf("absences[%d]", i)
		if c.required(p+".person", a.Person) && !people[a.Person] {
			c.add(p+".person", "未知人员 %q", a.Person)
		}
		from, okF := c.date(p+".from", a.From)
		to, okT := c.date(p+".to", a.To)
		if okF && okT && to < from {
			c.add(p+".to", "结束日期 %s 早于开始日期 %s", to, from)
		}
		if a.Kind != "" {
			c.enum(p+".kind", a.Kind, absenceKinds)
		}
	}
}

func (c *checker) holidays(hs []HolidayEntry) {
	seen := map[roster.Date]string{}
	for i, h := range hs {
		p := fmt.Sprintf("holidays[%d]", i)
		if d, ok := c.date(p+".date", h.Date); ok {
			if q, dup := seen[d]; dup {
				c.add(p+".date", "日期 %s 重复（首次出现于 %s）", d, q)
			} else {
				seen[d] = p
			}
		}
		c.enum(p+".kind", h.Kind, holidayKinds)
	}
}

// categories checks a person's 分管 categories: known ones, each once.
func (c *checker) categories(path string, cats []string) {
	seen := map[string]bool{}
	for i, cat := range cats {
		p := fmt.Sprintf("%s[%d]", path, i)
		switch {
		case !visits.Category(cat).Valid():
			names := make([]string, len(visits.Categories))
			for j, v := range visits.Categories {
				names[j] = string(v)
			}
			c.add(p, "未知类别 %q，应为：%s", cat, strings.Join(names, "、"))
		case seen[cat]:
			c.add(p, "类别 %q 重复", cat)
		}
		seen[cat] = true
	}
}
