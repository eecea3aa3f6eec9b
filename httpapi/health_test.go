package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"zhiban/auth"
	"zhiban/store/storetest"
)

// A full database (SQLite answering SQLITE_FULL, not a mock) is said
// clearly: /healthz fails with 503, a write is 507 with a Chinese message in
// JSON and on the staff form (what was typed kept), it is logged once, and
// reads with an API token still work though the token's last use cannot be
// recorded.
func TestFullDatabaseIsSaidClearly(t *testing.T) {
	f := newStaffFixture(t)
	ctx := context.Background()
	logs := &syncBuf{}
	base := serveWith(t, f, nil, logs)
	editor := f.client(t)
	editor.base = base
	if code := editor.login("editor", testPassword); code != http.StatusSeeOther {
		t.Fatalf("login: %d", code)
	}
	// A label that makes the token's row all but fill a 4 KB page: recording
	// its last use then needs a new page, which a full database has not.
	secret, hash := auth.NewToken()
	if _, err := f.store.CreateAPIToken(ctx, "editor", hash, strings.Repeat("l", 3961), "test"); err != nil {
		t.Fatal(err)
	}
	storetest.Fill(t, f.store)

	code, body := get(t, base+"/healthz")
	var h map[string]any
	decodeJSON(t, body, &h)
	if code != http.StatusServiceUnavailable || h["database"] != "full" || !strings.Contains(h["message"].(string), "磁盘已满") {
		t.Fatalf("healthz on a full database: %d %s", code, body)
	}

	// More than a page of text cannot be stored.
	content := strings.Repeat("诉求内容", 400)
	api := func(method, path string, v any) (int, string) {
		b, _ := json.Marshal(v)
		req, _ := http.NewRequest(method, base+path, bytes.NewReader(b))
		req.Header.Set("Authorization", "Bearer "+secret)
		req.Header.Set("Content-Type", "application/json")
		return send(t, req)
	}
	for range 3 {
		code, body = api(http.MethodPost, "/api/v1/cases", map[string]any{"title": "征地补偿款未到位", "category": "征地拆迁",
			"township": "t01", "received": f.today.String(), "channel": "来访", "petitioner": map[string]any{"name": "王某某"},
			"content": content, "group_size": 1})
		var e struct {
			Error struct{ Code, Message string }
		}
		decodeJSON(t, body, &e)
		if code != http.StatusInsufficientStorage || e.Error.Code != "storage_full" || !strings.Contains(e.Error.Message, "存储空间已满，本次修改未保存") {
			t.Fatalf("JSON write on a full database: %d %s", code, body)
		}
	}
	code, body = editor.post("/staff/cases", url.Values{"title": {"某小区物业纠纷"}, "category": {"其他"}, "township": {"t03"},
		"received": {f.today.String()}, "channel": {"来访"}, "petitioner.name": {"王某某"}, "group_size": {"1"}, "content": {content}})
	if code != http.StatusInsufficientStorage || !strings.Contains(body, "存储空间已满，本次修改未保存") || !strings.Contains(body, "某小区物业纠纷") {
		t.Fatalf("staff form on a full database: %d\n%s", code, body)
	}

	if code, body := api(http.MethodGet, "/api/v1/cases", nil); code != http.StatusOK {
		t.Fatalf("a token read on a full database: %d %s", code, body)
	}
	if n := strings.Count(logs.String(), "Database is full"); n != 1 {
		t.Fatalf("%d log lines for the full database, want 1:\n%s", n, logs.String())
	}
}
