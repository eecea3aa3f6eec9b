package county

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	_ "time/tzdata" // zones resolve on hosts without a zoneinfo database
)

// baseLines is a small valid county file; cases edit it by line number (1-based).
var baseLines = []string{
	/* 1 */ "county: 示例县",
	/* 2 */ "timezone: Asia/Shanghai",
	/* 3 */ "units:",
	/* 4 */ "  - {id: c00, name: 示例县, kind: county}",
	/* 5 */ "  - {id: t01, name: 漕河镇, kind: township, parent: c00}",
	/* 6 */ "people:",
	/* 7 */ "  - {id: L01, name: 王建国, title: 县委副书记, rank: county, links: {township: t01}}",
	/* 8 */ "  - {id: D01, name: 林振华, title: 部长, rank: department}",
	/* 9 */ "pools:",
	/* 10 */ "  - {id: county-leaders, name: 县级领导, members: [L01]}",
	/* 11 */ "  - {id: dept-leaders, name: 部领导, members: [D01]}",
	/* 12 */ "rosters:",
	/* 13 */ "  - id: county-duty",
	/* 14 */ "    name: 县领导值班接访",
	/* 15 */ "    days: workdays",
	/* 16 */ "    start: \"08:30\"",
	/* 17 */ "    end: \"17:30\"",
	/* 18 */ "    place: 县群众来访接待中心",
	/* 19 */ "    min_gap_days: 2",
	/* 20 */ "    slots:",
	/* 21 */ "      - {role: 值班领导, pool: county-leaders}",
	/* 22 */ "      - {role: 跟班领导, pool: dept-leaders}",
	/* 23 */ "reception:",
	/* 24 */ "  name: 县群众来访接待中心",
	/* 25 */ "  windows:",
	/* 26 */ "    - {no: 1, department: 县公安局}",
	/* 27 */ "    - {no: 2, department: 县人民法院}",
	/* 28 */ "absences:",
	/* 29 */ "  - {person: L01, from: 2027-03-01, to: 2027-03-15, kind: trip, reason: 出差}",
	/* 30 */ "holidays:",
	/* 31 */ "  - {date: 2027-01-02, kind: off, name: 元旦}",
}

// edit returns the base file with the given lines replaced.
func edit(repl map[int]string) []byte {
	lines := append([]string(nil), baseLines...)
	for n, s := range repl {
		lines[n-1] = s
	}
	return []byte(strings.Join(lines, "\n") + "\n")
}

func TestParseBase(t *testing.T) {
	c, err := Parse("county.yaml", edit(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.County != "示例县" || len(c.People) != 2 || c.Rosters[0].Slots[1].Pool != "dept-leaders" ||
		c.Absences[0].From != "2027-03-01" || c.Reception.Windows[1].No != 2 || c.People[0].Links.Township != "t01" {
		t.Fatalf("unexpected county: %+v", c)
	}
}

// TestParseErrors has one case per error class; each asserts the first
// error names the file, the line and the field.
func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		data  []byte
		line  int
		field string
		msg   string
	}{
		{"yaml syntax", edit(map[int]string{5: "  - {id: t01, name: 漕河镇, kind: township"}), 5, "", "YAML 语法错误"},
		{"unknown top-level key", edit(map[int]string{30: "holiday:"}), 30, "holiday", `未知字段 "holiday"`},
		{"unknown nested key", edit(map[int]string{8: "  - {id: D01, name: 林振华, title: 部长, rank: department, rnak: x}"}), 8, "people[1].rnak", `未知字段 "rnak"`},
		{"unknown link key", edit(map[int]string{7: "  - {id: L01, name: 王建国, title: 县委副书记, rank: county, links: {town: t01}}"}), 7, "people[0].links.town", `未知字段 "town"`},
		{"repeated key", edit(map[int]string{10: "  - {id: county-leaders, name: 县级领导, name: 又一个, members: [L01]}"}), 10, "pools[0].name", `字段 "name" 重复`},
		{"missing required field", edit(map[int]string{8: "  - {id: D01, title: 部长, rank: department}"}), 8, "people[1].name", "必填"},
		{"empty required field", edit(map[int]string{18: `    place: ""`}), 18, "rosters[0].place", "必填"},
		{"missing county name", edit(map[int]string{1: "# no name"}), 2, "county", "必填"},
		{"wrong type int", edit(map[int]string{19: "    min_gap_days: two"}), 19, "rosters[0].min_gap_days", "应为整数"},
		{"wrong type list", edit(map[int]string{10: "  - {id: county-leaders, name: 县级领导, members: L01}"}), 10, "pools[0].members", "应为列表"},
		{"wrong type text", edit(map[int]string{14: "    name: [a, b]"}), 14, "rosters[0].name", "应为文本"},
		{"wrong type bool", edit(map[int]string{8: "  - {id: D01, name: 林振华, title: 部长, rank: department, active: maybe}"}), 8, "people[1].active", "true 或 false"},
		{"bad rank", edit(map[int]string{8: "  - {id: D01, name: 林振华, title: 部长, rank: minister}"}), 8, "people[1].rank", `取值 "minister" 无效`},
		{"bad unit kind", edit(map[int]string{5: "  - {id: t01, name: 漕河镇, kind: town, parent: c00}"}), 5, "units[1].kind", `取值 "town" 无效`},
		{"bad days rule", edit(map[int]string{15: "    days: weekdays"}), 15, "rosters[0].days", "值班日规则"},
		{"bad weekday", edit(map[int]string{15: "    days: weekly:mon,thur"}), 15, "rosters[0].days", "thur"},
		{"bad time", edit(map[int]string{16: `    start: "8h30"`}), 16, "rosters[0].start", `时间 "8h30" 无效`},
		{"end before start", edit(map[int]string{17: `    end: "08:00"`}), 17, "rosters[0].end", "必须晚于开始时间"},
		{"negative min gap", edit(map[int]string{19: "    min_gap_days: -1"}), 19, "rosters[0].min_gap_days", "最小间隔天数 -1 无效"},
		{"bad date", edit(map[int]string{29: "  - {person: L01, from: 2027-02-30, to: 2027-03-15}"}), 29, "absences[0].from", `日期 "2027-02-30" 不是有效的日期`},
		{"to before from", edit(map[int]string{29: "  - {person: L01, from: 2027-03-15, to: 2027-03-01}"}), 29, "absences[0].to", "早于开始日期"},
		{"bad absence kind", edit(map[int]string{29: "  - {person: L01, from: 2027-03-01, to: 2027-03-15, kind: holiday}"}), 29, "absences[0].kind", `取值 "holiday" 无效`},
		{"duplicate unit id", edit(map[int]string{5: "  - {id: c00, name: 漕河镇, kind: township}", 7: "  - {id: L01, name: 王建国, title: 县委副书记, rank: county}"}), 5, "units[1].id", `编号 "c00" 重复（首次出现于 units[0]）`},
		{"duplicate person id", edit(map[int]string{8: "  - {id: L01, name: 林振华, title: 部长, rank: department}", 11: "  - {id: dept-leaders, name: 部领导, members: [L01]}"}), 8, "people[1].id", `编号 "L01" 重复`},
		{"duplicate pool id", edit(map[int]string{11: "  - {id: county-leaders, name: 部领导, members: [D01]}", 22: "      - {role: 跟班领导, pool: county-leaders}"}), 11, "pools[1].id", `编号 "county-leaders" 重复`},
		{"duplicate roster id", append(edit(nil), "  - {id: county-duty, name: 乡镇值班, days: all, start: \"09:00\", end: \"17:00\", place: 镇政府, slots: [{role: 值班, pool: county-leaders}]}\n"...), 32, "", ""},
		{"bad id", edit(map[int]string{8: `  - {id: "D 01", name: 林振华, title: 部长, rank: department}`, 11: "  - {id: dept-leaders, name: 部领导, members: [L01]}"}), 8, "people[1].id", "不能包含空白"},
		{"unknown person in pool", edit(map[int]string{10: "  - {id: county-leaders, name: 县级领导, members: [L01, L99]}"}), 10, "pools[0].members[1]", `未知人员 "L99"`},
		{"person twice in pool", edit(map[int]string{10: "  - {id: county-leaders, name: 县级领导, members: [L01, L01]}"}), 10, "pools[0].members[1]", "重复"},
		{"empty pool", edit(map[int]string{10: "  - {id: county-leaders, name: 县级领导, members: []}"}), 10, "pools[0].members", "至少需要一名成员"},
		{"unknown person in absence", edit(map[int]string{29: "  - {person: L99, from: 2027-03-01, to: 2027-03-15}"}), 29, "absences[0].person", `未知人员 "L99"`},
		{"unknown pool in slot", edit(map[int]string{22: "      - {role: 跟班领导, pool: dept}"}), 22, "rosters[0].slots[1].pool", `未知值班池 "dept"`},
		{"repeated role", edit(map[int]string{22: "      - {role: 值班领导, pool: dept-leaders}"}), 22, "rosters[0].slots[1].role", "重复"},
		{"unknown parent unit", edit(map[int]string{5: "  - {id: t01, name: 漕河镇, kind: township, parent: c99}"}), 5, "units[1].parent", `未知单位 "c99"`},
		{"parent cycle", edit(map[int]string{4: "  - {id: c00, name: 示例县, kind: county, parent: t01}"}), 4, "units[0].parent", "循环"},
		{"unknown link township", edit(map[int]string{7: "  - {id: L01, name: 王建国, title: 县委副书记, rank: county, links: {township: t99}}"}), 7, "people[0].links.township", `未知单位 "t99"`},
		{"link township not a township", edit(map[int]string{7: "  - {id: L01, name: 王建国, title: 县委副书记, rank: county, links: {township: c00}}"}), 7, "people[0].links.township", "不是乡镇"},
		{"bad phone", edit(map[int]string{8: "  - {id: D01, name: 林振华, title: 部长, rank: department, phone: 138-abc}"}), 8, "people[1].phone", "电话"},
		{"bad email", edit(map[int]string{8: "  - {id: D01, name: 林振华, title: 部长, rank: department, email: lin@zhenhua}"}), 8, "people[1].email", `邮箱 "lin@zhenhua" 无效`},
		{"email with a name", edit(map[int]string{7: `  - {id: L01, name: 王建国, title: 县委副书记, rank: county, email: "王建国 <l01@shili.gov.example>"}`}), 7, "people[0].email", "邮箱"},
		{"bad time zone", edit(map[int]string{2: "timezone: Mars/Olympus_Mons"}), 2, "timezone", `时区 "Mars/Olympus_Mons" 无效`},
		{"local time zone", edit(map[int]string{2: "timezone: Local"}), 2, "timezone", "无效"},
		{"duplicate holiday date", append(edit(nil), "  - {date: 2027-01-02, kind: work}\n"...), 32, "holidays[1].date", "日期 2027-01-02 重复"},
		{"bad holiday kind", edit(map[int]string{31: "  - {date: 2027-01-02, kind: holiday}"}), 31, "holidays[0].kind", `取值 "holiday" 无效，应为 off | work`},
		{"duplicate window number", edit(map[int]string{27: "    - {no: 1, department: 县人民法院}"}), 27, "reception.windows[1].no", "窗口号 1 重复"},
		{"window number not positive", edit(map[int]string{27: "    - {no: 0, department: 县人民法院}"}), 27, "reception.windows[1].no", "正整数"},
		{"merge key", edit(map[int]string{8: "  - {<<: {id: D01}, name: 林振华, title: 部长, rank: department}"}), 8, "people[1].<<", "合并键"},
	}
	// The roster duplicate case appends a roster after holidays; fix it up to sit under rosters.
	for i := range tests {
		if tests[i].name == "duplicate roster id" {
			lines := append([]string(nil), baseLines[:22]...)
			lines = append(lines, "  - {id: county-duty, name: 乡镇值班, days: all, start: \"09:00\", end: \"17:00\", place: 镇政府, slots: [{role: 值班, pool: county-leaders}]}")
			lines = append(lines, baseLines[22:]...)
			tests[i].data = []byte(strings.Join(lines, "\n"))
			tests[i].line, tests[i].field, tests[i].msg = 23, "rosters[1].id", `编号 "county-duty" 重复`
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := Parse("county.yaml", tt.data)
			if err == nil {
				t.Fatalf("no error; parsed %+v", c)
			}
			if c != nil {
				t.Error("a county was returned along with the error")
			}
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("error %T is not a *FileError: %v", err, err)
			}
			if fe.File != "county.yaml" || fe.Line != tt.line || fe.Field != tt.field || !strings.Contains(fe.Msg, tt.msg) {
				t.Errorf("first error = %q (line %d, field %q)\nwant line %d, field %q, message containing %q\nall errors:\n%v",
					fe.Error(), fe.Line, fe.Field, tt.line, tt.field, tt.msg, err)
			}
			prefix := fmt.Sprintf("county.yaml:%d: ", tt.line)
			if tt.field != "" {
				prefix += tt.field + ": "
			}
			if !strings.HasPrefix(err.Error(), prefix) {
				t.Errorf("message %q does not start with %q", err.Error(), prefix)
			}
		})
	}
}

func TestParseWholeFileErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, data, want string
	}{
		{"empty", "", "county.yaml: 文件为空"},
		{"only comments", "# nothing here\n", "county.yaml: 文件为空"},
		{"not a mapping", "- a\n- b\n", "county.yaml:1: 文件顶层应为映射"},
		{"two documents", string(edit(nil)) + "---\ncounty: 另一个县\n", "county.yaml:32: 文件只能包含一个 YAML 文档"},
		{"syntax with line", "county: 示例县\ntimezone: Asia/Shanghai\n  bad: indent\n", "county.yaml:3: YAML 语法错误"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse("county.yaml", []byte(tt.data))
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("error = %v, want prefix %q", err, tt.want)
			}
		})
	}
}

// TestParseReportsAll checks that several problems are all reported, in line order.
func TestParseReportsAll(t *testing.T) {
	data := edit(map[int]string{
		2:  "timezone: Nowhere/Town",
		10: "  - {id: county-leaders, name: 县级领导, members: [L01, L99]}",
		19: "    min_gap_days: -3",
		29: "  - {person: L01, from: 2027-03-15, to: 2027-03-01, kiind: trip}",
	})
	_, err := Parse("county.yaml", data)
	var es Errors
	if !errors.As(err, &es) {
		t.Fatalf("error %T is not Errors: %v", err, err)
	}
	want := []string{
		`county.yaml:2: timezone: 时区 "Nowhere/Town" 无效`,
		`county.yaml:10: pools[0].members[1]: 未知人员 "L99"`,
		`county.yaml:19: rosters[0].min_gap_days: 最小间隔天数 -3 无效`,
		`county.yaml:29: absences[0].kiind: 未知字段 "kiind"`,
		`county.yaml:29: absences[0].to: 结束日期 2027-03-01 早于开始日期 2027-03-15`,
	}
	if len(es) != len(want) {
		t.Fatalf("got %d errors, want %d:\n%v", len(es), len(want), err)
	}
	for i, w := range want {
		if !strings.HasPrefix(es[i].Error(), w) {
			t.Errorf("error %d = %q, want prefix %q", i, es[i].Error(), w)
		}
	}
}

// TestParseNoFollowUpNoise checks that a field with a type error is not
// reported again by the semantic checks.
func TestParseNoFollowUpNoise(t *testing.T) {
	_, err := Parse("county.yaml", edit(map[int]string{27: "    - {no: x, department: 县人民法院}"}))
	var es Errors
	if !errors.As(err, &es) || len(es) != 1 || es[0].Field != "reception.windows[1].no" {
		t.Fatalf("want exactly one error on reception.windows[1].no, got:\n%v", err)
	}
}

func TestParseAliases(t *testing.T) {
	data := edit(map[int]string{
		10: "  - {id: county-leaders, name: &n 县级领导, members: &m [L01]}",
		11: "  - {id: dept-leaders, name: *n, members: *m}",
		22: "      - {role: 跟班领导, pool: dept-leaders}",
	})
	c, err := Parse("county.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	if c.Pools[1].Name != "县级领导" || c.Pools[1].Members[0] != "L01" {
		t.Fatalf("aliases not followed: %+v", c.Pools[1])
	}
}

func TestValidateWithoutLines(t *testing.T) {
	c := Demo()
	c.People[0].Rank = "mayor"
	err := c.Validate()
	if err == nil || !strings.HasPrefix(err.Error(), `people[0].rank: 取值 "mayor" 无效`) {
		t.Fatalf("Validate() = %v", err)
	}
}

func TestSyntaxErrorsAreExplainedInChinese(t *testing.T) {
	for _, tc := range []struct{ file, want string }{
		{"county: 甲\n\ttimezone: x\n", "Tab"},
		{"county: 甲\nunits: [{id: a, name: b}\n", "方括号"},
	} {
		_, err := Parse("c.yaml", []byte(tc.file))
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "c.yaml:2:") {
			t.Errorf("%q: %v", tc.file, err)
		}
	}
}
