package roster

import "testing"

func TestValidEmail(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{
		"l01@shili.gov.example":      true,
		"a.b+duty@xn--fiq228c.cn":    true,
		"x@localhost":                false,
		"a b@x.cn":                   false,
		"<a@x.cn>":                   false,
		"王 <a@x.cn>":                 false,
		"张三@政府.cn":                   false,
		"a@x..cn":                    false,
		"a@[192.0.2.1]":              false,
		"a@-x.cn":                    false,
		"":                           false,
		"@x.cn":                      false,
		"a@":                         false,
		"a@b@c.cn":                   false,
		"a@x.cn, b@x.cn":             false,
		"a@x.cn\r\nBcc: spy@evil.cn": false,
	} {
		if got := ValidEmail(s); got != want {
			t.Errorf("ValidEmail(%q) = %v, want %v", s, got, want)
		}
	}
}
