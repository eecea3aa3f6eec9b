// Package clean checks and normalises text that reaches zhiban from outside:
// forms, JSON, imported files. Every entry point runs its text through here
// so one rule decides what is stored, what is refused and why (in Chinese).
package clean

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// Common length limits in characters (runes), shared so the same field is
// bounded alike in the JSON API, the staff forms and the imports.
const (
	Name     = 50   // a person's, unit's or township's name
	Title    = 100  // a case title, a holiday name
	Line     = 200  // a place, a reason, a short remark
	Para     = 2000 // a summary, an outcome, a note
	Code     = 40   // an id or code typed by staff
	Phone    = 30
	Email    = 254
	Password = 128
)

// Problem is why a text was refused; Msg is Chinese and never quotes the text.
type Problem struct{ Msg string }

func (p *Problem) Error() string { return p.Msg }

// Text checks a one-line value: valid UTF-8, no control or bidi-override
// characters, at most max characters. It returns the value trimmed.
func Text(s string, max int) (string, error) {
	return check(s, max, false)
}

// Multiline is Text that also allows line breaks and tabs.
func Multiline(s string, max int) (string, error) {
	return check(s, max, true)
}

func check(s string, max int, multiline bool) (string, error) {
	if !utf8.ValidString(s) {
		return "", &Problem{"含有无法识别的字符（不是有效的 UTF-8 编码），请重新输入"}
	}
	s = strings.TrimSpace(s)
	if multiline {
		s = strings.ReplaceAll(s, "\r\n", "\n")
	}
	for _, r := range s {
		if multiline && (r == '\n' || r == '\t') {
			continue
		}
		if Forbidden(r) {
			return "", &Problem{fmt.Sprintf("含有不可见的控制字符（U+%04X），请删除后重试", r)}
		}
	}
	if n := utf8.RuneCountInString(s); n > max {
		return "", &Problem{fmt.Sprintf("过长：最多 %d 个字，现有 %d 个字", max, n)}
	}
	return s, nil
}

// Forbidden reports whether r may not appear in stored text: C0/C1 controls,
// the bidi embeddings, overrides and isolates (they reorder what a reader
// sees), and noncharacters.
func Forbidden(r rune) bool {
	switch {
	case r == utf8.RuneError:
		return true
	case unicode.IsControl(r):
		return true
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069, r == 0x200E, r == 0x200F, r == 0x061C:
		return true
	case r >= 0xFDD0 && r <= 0xFDEF, r&0xFFFE == 0xFFFE:
		return true
	}
	return false
}

// Repair makes any string safe to show: invalid bytes become U+FFFD and
// forbidden characters are dropped (line breaks and tabs become spaces).
// It is for data stored before the checks existed, at output.
func Repair(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t' || r == '\r':
			return ' '
		case r == utf8.RuneError:
			return r
		case Forbidden(r):
			return -1
		}
		return r
	}, s)
}

// Narrow folds full-width ASCII (２０２７／３／８, ＡＢＣ, ＠) and the
// ideographic space to their ASCII forms, as clerks' input methods type
// them. Use it on dates, numbers, codes, phones and e-mail, not on prose
// (where full-width punctuation is correct Chinese).
func Narrow(s string) string {
	return width.Narrow.String(s)
}
