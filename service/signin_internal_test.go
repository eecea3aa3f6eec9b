package service

import (
	"testing"

	"zhiban/roster"
)

// FuzzParseSigninToken: any text in ?t= is refused or names exactly the duty
// it was signed for; it never panics.
func FuzzParseSigninToken(f *testing.F) {
	key := []byte("0123456789abcdef0123456789abcdef")
	valid := signinToken(key, roster.Key{Roster: "county-duty", Date: roster.MustDate("2026-12-02"), Role: "值班领导"}, "L03")
	for _, s := range []string{valid, "", ".", "abc.def", valid + "x", "AAAA." + valid} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, tok string) {
		k, person, err := parseSigninToken(key, tok)
		if err != nil {
			return
		}
		if again := signinToken(key, k, person); again != tok {
			t.Fatalf("%q parsed as %+v/%s, which signs as %q", tok, k, person, again)
		}
	})
}
