package secret

import "strings"

// MaskPhone shows a phone's first three and last four digits, e.g.
// 139****5678; a short number keeps only its last two.
func MaskPhone(v string) string { return mask(v, 3, 4) }

// MaskID shows an ID number's first four (the province and city) and last
// four characters, e.g. 4201**********1234.
func MaskID(v string) string { return mask(v, 4, 4) }

func mask(v string, head, tail int) string {
	r := []rune(strings.TrimSpace(v))
	if len(r) == 0 {
		return ""
	}
	if len(r) <= head+tail {
		head, tail = 0, min(2, len(r)/2)
	}
	return string(r[:head]) + strings.Repeat("*", len(r)-head-tail) + string(r[len(r)-tail:])
}
