package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zhiban/county"
	"zhiban/roster"
	"zhiban/secret"
	"zhiban/visits"
)

// TestPrivacyKeyFileAndRotate: a SQLite installation without a configured
// key gets a key file, said in Chinese; "zhiban privacy rotate" reseals the
// phones under the first configured key, and the old key alone then fails
// clearly.
func TestPrivacyKeyFileAndRotate(t *testing.T) {
	t.Setenv("ZHIBAN_PRIVACY_KEY", "")
	dir := t.TempDir()
	db := filepath.Join(dir, "z.db")
	file := writeFile(t, dir, "county.yaml", county.DemoYAML())
	code, _, errs := zhiban(t, "import", file, "--db", db)
	if code != 0 || !strings.Contains(errs, "已生成个人信息加密密钥文件 "+db+".key") || !strings.Contains(errs, "分开备份") {
		t.Fatalf("first start: %d %s", code, errs)
	}
	oldB64, err := os.ReadFile(db + ".key")
	if err != nil {
		t.Fatal(err)
	}
	st := openDB(t, db)
	k := visits.Case{Code: "2026-0001", Title: "t", Category: "其他", Township: "t01", Received: roster.MustDate("2026-11-02"),
		Channel: "来访", Petitioner: visits.Petitioner{Name: "王小明", Phone: "13912345678"}, GroupSize: 1, State: visits.StateReceived}
	if _, err := st.CreateCase(context.Background(), k, "test"); err != nil {
		t.Fatal(err)
	}
	st.Close()

	cur, _ := secret.NewKey()
	curB64 := base64.StdEncoding.EncodeToString(cur.Key)
	both := writeFile(t, dir, "both.yaml", []byte(fmt.Sprintf("privacy:\n  keys:\n    - id: new\n      key: %q\n    - key: %q\n",
		curB64, strings.TrimSpace(string(oldB64)))))
	code, out, errs := zhiban(t, "privacy", "rotate", "--config", both, "--db", db)
	if code != 0 || !strings.Contains(out, "已用密钥 new 重新加密 1 个联系电话，0 个原已使用该密钥") || !strings.Contains(out, "删除旧密钥") {
		t.Fatalf("rotate: %d %s %s", code, out, errs)
	}
	only := writeFile(t, dir, "new.yaml", []byte(fmt.Sprintf("privacy:\n  keys:\n    - id: new\n      key: %q\n", curB64)))
	if code, out, errs := zhiban(t, "privacy", "rotate", "--config", only, "--db", db); code != 0 || !strings.Contains(out, "重新加密 0 个联系电话，1 个原已使用") {
		t.Fatalf("rotate again: %d %s %s", code, out, errs)
	}
	// The old key alone (the key file) no longer opens the phones.
	code, _, errs = zhiban(t, "privacy", "rotate", "--db", db)
	if code != 1 || !strings.Contains(errs, "个人信息由密钥 new 加密") {
		t.Fatalf("old key after rotation: %d %s", code, errs)
	}
	if code, _, errs := zhiban(t, "privacy", "--db", db); code != 1 || !strings.Contains(errs, "用法：zhiban privacy rotate") {
		t.Fatalf("no subcommand: %d %s", code, errs)
	}
}
