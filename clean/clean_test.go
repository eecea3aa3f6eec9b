package clean

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTextRefusesWhatMustNotBeStored(t *testing.T) {
	bad := map[string]string{
		"invalid utf-8": strings.Repeat("\x80", 100),
		"control":       "张三\x00",
		"bell":          "a\x07b",
		"bidi override": "abc\u202Egpj.exe",
		"bidi isolate":  "\u2066x\u2069",
		"newline":       "a\nb",
		"too long":      strings.Repeat("字", Name+1),
	}
	for name, s := range bad {
		_, err := Text(s, Name)
		var p *Problem
		if !errors.As(err, &p) || p.Msg == "" {
			t.Errorf("%s: %q accepted (err %v)", name, s, err)
		}
		if err != nil && strings.Contains(err.Error(), s) && s != "" {
			t.Errorf("%s: message quotes the input", name)
		}
	}
}

func TestTextKeepsChinese(t *testing.T) {
	in := "  城关镇　幸福村（二组）、“老街”  "
	got, err := Text(in, Name)
	if err != nil || got != "城关镇　幸福村（二组）、“老街”" {
		t.Fatalf("Text(%q) = %q, %v", in, got, err)
	}
	got, err = Text(strings.Repeat("字", Name), Name)
	if err != nil || utf8.RuneCountInString(got) != Name {
		t.Fatalf("exactly max runes refused: %v", err)
	}
}

func TestMultilineAllowsBreaks(t *testing.T) {
	got, err := Multiline("第一行\r\n第二行\t完", Para)
	if err != nil || got != "第一行\n第二行\t完" {
		t.Fatalf("got %q, %v", got, err)
	}
	if _, err := Multiline("a\x1bb", Para); err == nil {
		t.Fatal("escape accepted in multiline text")
	}
}

func TestRepairIsAlwaysSafe(t *testing.T) {
	got := Repair("a\x80\x80b\u202Ec\nd\x00")
	if !utf8.ValidString(got) || strings.ContainsAny(got, "\u202E\n\x00") {
		t.Fatalf("Repair left unsafe text: %q", got)
	}
}

func TestNarrowFoldsFullWidth(t *testing.T) {
	cases := map[string]string{
		"２０２７／３／８":         "2027/3/8",
		"2027／3／17":        "2027/3/17",
		"ＡＢＣ１２３":           "ABC123",
		"１３８００１３８０００":      "13800138000",
		"ｚｈａｎｇ＠ｅｘａｍｐｌｅ．ｃｎ": "zhang@example.cn",
		"张三": "张三",
	}
	for in, want := range cases {
		if got := Narrow(in); got != want {
			t.Errorf("Narrow(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzText(f *testing.F) {
	f.Add("张三", 10)
	f.Add("\x80\x80", 5)
	f.Fuzz(func(t *testing.T, s string, max int) {
		if max < 0 || max > 1000 {
			return
		}
		got, err := Text(s, max)
		if err != nil {
			return
		}
		if !utf8.ValidString(got) || utf8.RuneCountInString(got) > max {
			t.Fatalf("accepted %q as %q", s, got)
		}
		for _, r := range got {
			if Forbidden(r) {
				t.Fatalf("accepted forbidden %U", r)
			}
		}
	})
}
