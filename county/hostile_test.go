package county

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// bomb is the alias bomb of issue 11: one pool of members anchored once and
// aliased aliases times, about 53 KB standing for members×aliases entries.
func bomb(members, aliases int) []byte {
	var b strings.Builder
	b.WriteString("county: 示例县\ntimezone: Asia/Shanghai\npeople:\n  - {id: L01, name: 王建国, title: 县长, rank: county}\npools:\n  - &p {id: p, name: 池, members: [")
	for i := 0; i < members; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "X%d", i%10)
	}
	b.WriteString("]}\n")
	for i := 0; i < aliases; i++ {
		b.WriteString("  - *p\n")
	}
	return []byte(b.String())
}

// The bomb from a real file: the decoder stops within its budget (the
// nodes written plus maxAliasNodes) instead of walking 10 M entries, and the
// error list is cut at MaxErrors with a count.
func TestParseAliasBombIsBounded(t *testing.T) {
	t.Parallel()
	data := bomb(2000, 5000)
	path := filepath.Join(t.TempDir(), "bomb.yaml")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c, visited, err := parse(path, data)
	var es Errors
	if c != nil || !errors.As(err, &es) {
		t.Fatalf("bomb accepted: %v", err)
	}
	if limit := 2000 + 5000 + 100 + maxAliasNodes; visited > limit {
		t.Errorf("decoder visited %d nodes, want at most %d", visited, limit)
	}
	if len(es) > MaxErrors+1 {
		t.Errorf("%d errors listed, want at most %d and a count", len(es), MaxErrors+1)
	}
	msg := err.Error()
	if len(es) != 1 || !strings.Contains(msg, "别名") || !strings.Contains(msg, "bomb.yaml:") {
		t.Errorf("want one error saying the aliases expand too far:\n%.2000s", msg)
	}
}

// A legitimate file with many errors lists the first MaxErrors in line order
// and counts the rest.
func TestParseErrorListIsCapped(t *testing.T) {
	t.Parallel()
	members := make([]string, 300)
	for i := range members {
		members[i] = fmt.Sprintf("N%03d", i)
	}
	_, err := Parse("county.yaml", edit(map[int]string{10: "  - {id: county-leaders, name: 县级领导, members: [" + strings.Join(members, ", ") + "]}"}))
	var es Errors
	if !errors.As(err, &es) {
		t.Fatalf("want Errors, got %v", err)
	}
	if len(es) != MaxErrors+1 || es[0].Field != "pools[0].members[0]" || !strings.Contains(es[MaxErrors].Msg, "另有 200 处错误") {
		t.Fatalf("got %d errors, first %v, last %v", len(es), es[0], es[len(es)-1])
	}
}

func TestParseRefusesAnOversizedFile(t *testing.T) {
	t.Parallel()
	data := append(edit(nil), []byte("# "+strings.Repeat("注释", MaxFileSize/6+1)+"\n")...)
	_, visited, err := parse("big.yaml", data)
	if err == nil || !strings.Contains(err.Error(), "文件过大") || !strings.Contains(err.Error(), "1 MB") || visited != 0 {
		t.Fatalf("oversized file: visited %d, %v", visited, err)
	}
}

// Values as clerks type them: full-width digits, letters and slashes, a
// spreadsheet's date with a time, a full-width colon in a clock.
func TestParseNarrowsWhatClerksType(t *testing.T) {
	t.Parallel()
	data := edit(map[int]string{
		7:  "  - {id: Ｌ０１, name: 王建国, title: 县委副书记, rank: ｃｏｕｎｔｙ, phone: １３８００００００01, email: ｗａｎｇ＠ｓｈｉｌｉ．gov.example, links: {township: ｔ01}}",
		10: "  - {id: county-leaders, name: 县级领导, members: [Ｌ01]}",
		16: "    start: ０８：３０",
		19: "    min_gap_days: ２",
		29: "  - {person: L01, from: ２０２７/３/８, to: 2027／3／17, kind: trip, reason: 出差}",
		31: "  - {date: \"2027-03-22 00:00:00\", kind: off, name: 元旦}",
	})
	path := filepath.Join(t.TempDir(), "county.yaml")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	data, _ = os.ReadFile(path)
	c, err := Parse(path, data)
	if err != nil {
		t.Fatal(err)
	}
	p := c.People[0]
	if p.ID != "L01" || p.Rank != "county" || p.Phone != "13800000001" || p.Email != "wang@shili.gov.example" || p.Links.Township != "t01" {
		t.Errorf("person not narrowed: %+v", p)
	}
	if c.Pools[0].Members[0] != "L01" || c.Rosters[0].Start != "08:30" || c.Rosters[0].MinGapDays != 2 {
		t.Errorf("pool or roster not narrowed: %+v %+v", c.Pools[0], c.Rosters[0])
	}
	if a := c.Absences[0]; a.From != "2027-03-08" || a.To != "2027-03-17" || c.Holidays[0].Date != "2027-03-22" {
		t.Errorf("dates not normalised: %+v %+v", a, c.Holidays[0])
	}
	if _, err := c.Domain(); err != nil {
		t.Errorf("Domain: %v", err)
	}
}

// Text that must not be stored is refused, each error quoting the value
// (shortened) on its line; every bad field is reported, not the first.
func TestParseRefusesUnsafeText(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("节", 300000)
	data := edit(map[int]string{
		7:  "  - {id: L01, name: \"王\\u202E建国\", title: 县委副书记, rank: county}",
		8:  "  - {id: D01, name: 林振华, title: \"部长\\x07\", rank: department}",
		29: "  - {person: L01, from: 2027/13/8, to: 2027-03-22 08:00:00, kind: trip, reason: 出差}",
		31: "  - {date: 2027-01-02, kind: off, name: " + long + "}",
	})
	_, err := Parse("county.yaml", data)
	if err == nil {
		t.Fatal("accepted")
	}
	msg := err.Error()
	for _, want := range []string{
		`county.yaml:7: people[0].name: "王\u202e建国"：含有不可见的控制字符`,
		`county.yaml:8: people[1].title: "部长\a"：含有不可见的控制字符`,
		`county.yaml:29: absences[0].from: 日期 "2027/13/8" 不是有效的日期`,
		`county.yaml:29: absences[0].to: 日期 "2027-03-22 08:00:00" 只能填日期`,
		`county.yaml:31: holidays[0].name: "` + strings.Repeat("节", 40) + `"…（共 300000 个字）：过长：最多 100 个字`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("errors lack %q:\n%s", want, msg)
		}
	}
	if len(msg) > 2000 {
		t.Errorf("errors are %d bytes: the long value is echoed whole", len(msg))
	}
}

func TestParseRefusesGBK(t *testing.T) {
	t.Parallel()
	data := append(edit(nil), []byte("# \xca\xbe\xc0\xfd\n")...) // 示例 in GBK
	_, err := Parse("county.yaml", data)
	if err == nil || !strings.Contains(err.Error(), "county.yaml:32:") || !strings.Contains(err.Error(), "UTF-8") {
		t.Fatalf("GBK file: %v", err)
	}
}

func TestParseQuotesALongUnknownKeyShort(t *testing.T) {
	t.Parallel()
	_, err := Parse("county.yaml", edit(map[int]string{29: "  - {person: L01, from: 2027-03-01, to: 2027-03-15, ? " + strings.Repeat("k", 300000) + " : 1}"}))
	if err == nil || !strings.Contains(err.Error(), "county.yaml:29: absences[0]: 未知字段 \"kkk") || len(err.Error()) > 1000 {
		t.Fatalf("%.1000v", err)
	}
}
