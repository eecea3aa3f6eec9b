package county

import (
	"errors"
	"reflect"
	"testing"
)

// FuzzParse checks that Parse never panics, that every failure is a list of
// located errors, and that whatever parses survives an export round trip.
func FuzzParse(f *testing.F) {
	f.Add(DemoYAML())
	f.Add(edit(nil))
	f.Add(edit(map[int]string{10: "  - {id: county-leaders, name: &n 县级领导, members: &m [L01]}", 11: "  - {id: dept-leaders, name: *n, members: *m}"}))
	f.Add(edit(map[int]string{29: "  - {person: L99, from: 2027-02-30, to: x}"}))
	f.Add(edit(map[int]string{7: "  - {id: Ｌ０１, name: \"王\\u202E建国\", title: 县委副书记, rank: ｃｏｕｎｔｙ, phone: １３８, links: {township: ｔ01}}", 29: "  - {person: L01, from: ２０２７/３/８, to: \"2027-03-22 00:00:00\"}"}))
	f.Add(bomb(20, 50))
	f.Add([]byte("county: [\n"))
	f.Add([]byte("a: &a [*a]\n"))
	f.Add([]byte("---\n---\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("fuzz.yaml", data)
		if err != nil {
			var es Errors
			if !errors.As(err, &es) || len(es) == 0 || c != nil {
				t.Fatalf("bad failure: %T %v", err, err)
			}
			return
		}
		out, err := c.Marshal()
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		back, err := Parse("export.yaml", out)
		if err != nil {
			t.Fatalf("export does not parse back: %v\n%s", err, out)
		}
		if !reflect.DeepEqual(back, c) {
			t.Fatalf("round trip changed the county:\n got %+v\nwant %+v", back, c)
		}
		if _, err := c.Domain(); err != nil {
			t.Fatalf("parsed county fails Domain: %v", err)
		}
	})
}
