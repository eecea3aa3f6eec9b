package holiday

import (
	"slices"
	"testing"
)

func FuzzParseCSV(f *testing.F) {
	f.Add([]byte("\ufeffdate,name,kind\r\n2027-02-05,春节,off\r\n\r\n2027-01-31,春节,work\n"))
	f.Add([]byte("2027-02-05,\"春节, 假期\",休\n# note\n2027-02-14,,班"))
	f.Add([]byte("2027-02-30,春节,off\n2027-02-03,,work\n2027-02-05,春节"))
	f.Add([]byte("2027-02-05,春\"节,off"))
	f.Add([]byte("日期,名称,类型\n２０２７/２/６,春节,休\n2027／2／20,春\u202e节,ＷＯＲＫ\n2027-02-07 00:00:00,春\x80节,off\n"))
	f.Add(FormatCSV(Builtin(2026)))
	f.Fuzz(func(t *testing.T, data []byte) {
		y, err := ParseCSV(data)
		if err != nil {
			return
		}
		if err := Validate(y.Days); err != nil {
			t.Fatalf("ParseCSV accepted days that Validate rejects: %v", err)
		}
		again, err := ParseCSV(FormatCSV(y.Days))
		if err != nil || !slices.Equal(again.Days, y.Days) {
			t.Fatalf("round trip: %v, %v != %v", err, again.Days, y.Days)
		}
	})
}

func FuzzParseJSON(f *testing.F) {
	f.Add([]byte(`{"year":2027,"papers":["x"],"days":[{"name":"春节","date":"2027-02-05","isOffDay":true},{"name":"春节","date":"2027-01-31","isOffDay":false}]}`))
	f.Add([]byte(`{"days":[{"name":"春节","date":"2027-02-30"},{}, null]}`))
	f.Add([]byte("\ufeff{\"year\": \"2027\",\n\"days\": [,]}"))
	f.Add([]byte(`{"year":-1,"days":null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		y, err := ParseJSON(data)
		if err != nil {
			return
		}
		if err := Validate(y.Days); err != nil {
			t.Fatalf("ParseJSON accepted days that Validate rejects: %v", err)
		}
		if y.Year == 0 {
			t.Fatal("ParseJSON returned no year")
		}
	})
}
