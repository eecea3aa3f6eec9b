package visits

import (
	"math"
	"testing"
)

func TestSimilarity(t *testing.T) {
	a, b := "城关镇解放路拆迁补偿款至今未发放，要求按协议兑现", "解放路拆迁补偿款一直没有发放，要求兑现协议"
	for _, c := range []struct {
		x, y     string
		lo, high float64
	}{
		{a, a, 1, 1},
		{a, "村里道路硬化施工扬尘", 0, 0},
		{a, b, SimilarMatter, 1},
		{"", a, 0, 0},
		{"，。 ", "，。", 0, 0}, // punctuation alone is no text
		{"ABC 12", "abc12", 1, 1},
	} {
		got := Similarity(c.x, c.y)
		if got < c.lo || got > c.high || math.Abs(got-Similarity(c.y, c.x)) > 1e-12 {
			t.Errorf("Similarity(%q, %q) = %.3f, want in [%.2f, %.2f] and symmetric", c.x, c.y, got, c.lo, c.high)
		}
	}
}

func TestCheckIDNumber(t *testing.T) {
	for id, ok := range map[string]bool{
		"11010519491231002X": true, "110105194912310021": false, "110105491231002": true,
		"1101051949123100": false, "11010519491231002x": false, "": false,
	} {
		if err := CheckIDNumber(id); (err == nil) != ok {
			t.Errorf("CheckIDNumber(%q) = %v", id, err)
		}
	}
	if NormalizeIDNumber(" 110105 19491231002x ") != "11010519491231002X" {
		t.Error("normalize")
	}
}
