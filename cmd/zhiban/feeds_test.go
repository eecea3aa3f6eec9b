package main

import (
	"strings"
	"testing"
)

// Without public_url the printed address follows the listen address.
func TestFeedsTokenAddressFollowsListen(t *testing.T) {
	db := demoDB(t)
	t.Setenv("ZHIBAN_LISTEN", "127.0.0.1:19301")
	code, out, errs := zhiban(t, "feeds", "token", "L01", "--db", db)
	if code != 0 || !strings.HasPrefix(out, "http://127.0.0.1:19301/feeds/leader/") {
		t.Fatalf("feeds token: %d %q %q", code, out, errs)
	}
}

func TestPublicBase(t *testing.T) {
	for _, tc := range []struct{ public, listen, want string }{
		{"https://zhiban.example.cn", "127.0.0.1:8080", "https://zhiban.example.cn"},
		{"", "127.0.0.1:19301", "http://127.0.0.1:19301"},
		{"", ":8080", "http://127.0.0.1:8080"},
		{"", "0.0.0.0:8080", "http://127.0.0.1:8080"},
		{"", "[::1]:8080", "http://[::1]:8080"},
	} {
		if got := publicBase(tc.public, tc.listen); got != tc.want {
			t.Errorf("publicBase(%q, %q) = %q, want %q", tc.public, tc.listen, got, tc.want)
		}
	}
}

// The store's sentinels reach the user in Chinese, naming what was missing or taken.
func TestCLIStoreErrorsAreChinese(t *testing.T) {
	db := demoDB(t)
	for _, tc := range []struct {
		args  []string
		stdin string
		want  string
	}{
		{[]string{"feeds", "token", "NOPE"}, "", "没有编号为 NOPE 的领导"},
		{[]string{"feeds", "token", "NOPE", "--revoke"}, "", "没有编号为 NOPE 的领导"},
		{[]string{"user", "add", "viewer1", "--role", "viewer"}, "x-password\n", ""},
		{[]string{"user", "add", "viewer1", "--role", "viewer"}, "x-password\n", "用户 viewer1 已存在"},
		{[]string{"user", "passwd", "nobody"}, "x-password\n", "没有名为 nobody 的用户"},
	} {
		stdin = strings.NewReader(tc.stdin)
		code, _, errs := zhiban(t, append(tc.args, "--db", db)...)
		if tc.want == "" {
			if code != 0 {
				t.Fatalf("%v: %s", tc.args, errs)
			}
			continue
		}
		if code == 0 || !strings.Contains(errs, tc.want) || strings.Contains(errs, "store:") {
			t.Errorf("%v: %d %q, want %q", tc.args, code, errs, tc.want)
		}
	}
}
