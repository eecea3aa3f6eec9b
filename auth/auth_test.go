package auth

import (
	"errors"
	"strings"
	"testing"
)

func TestRoles(t *testing.T) {
	for _, r := range Roles {
		got, err := ParseRole(" " + string(r) + " ")
		if err != nil || got != r || r.Label() == string(r) {
			t.Errorf("ParseRole(%q) = %q, %v; label %q", r, got, err, r.Label())
		}
	}
	if _, err := ParseRole("root"); err == nil || !strings.Contains(err.Error(), "角色") {
		t.Fatalf("ParseRole(root): %v", err)
	}
	if !RoleAdmin.AtLeast(RoleEditor) || !RoleEditor.AtLeast(RoleEditor) || RoleViewer.AtLeast(RoleEditor) || Role("").AtLeast(Role("")) {
		t.Fatal("AtLeast")
	}
}

func TestPasswords(t *testing.T) {
	var ip InvalidPassword
	for _, bad := range []string{"", "short", "七个汉字七个汉", strings.Repeat("长", 25)} {
		if _, err := HashPassword(bad); !errors.As(err, &ip) {
			t.Errorf("HashPassword(%q): %v", bad, err)
		}
	}
	// Eight Chinese characters are 24 bytes and long enough.
	h, err := HashPassword("八个汉字八个汉字")
	if err != nil || !strings.HasPrefix(h, "$2") {
		t.Fatalf("hash %q %v", h, err)
	}
	if !MatchPassword(h, "八个汉字八个汉字") || MatchPassword(h, "八个汉字八个汉") || MatchPassword("", "八个汉字八个汉字") {
		t.Fatal("MatchPassword")
	}
}

func TestTokens(t *testing.T) {
	a, ah := NewToken()
	b, _ := NewToken()
	if a == b || len(a) != TokenLen || ah != HashToken(a) || len(ah) != 64 || strings.ContainsAny(a, "+/=") {
		t.Fatalf("tokens %q %q %q", a, b, ah)
	}
	if s := NewSecret(20); len(s) != 27 {
		t.Fatalf("a 20-byte secret is %q", s)
	}
}
