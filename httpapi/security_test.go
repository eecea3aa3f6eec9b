package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"zhiban/httpapi"
	"zhiban/roster"
	"zhiban/xlsx"
)

// doHost sends one request to the fixture's server with the given Host
// header, returning the status and body.
func doHost(t *testing.T, f *fixture, method, host, path string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, f.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	return send(t, req)
}

// With public_url unset "/" is cached per Host under a key naming that
// host. No request path may reach that entry through the bypass: once
// "/%20http://evil.example" decoded to exactly the key and served the page
// rendered for Host evil.example to everyone (cache poisoning).
func TestCacheKeyIsNeverARequestPath(t *testing.T) {
	f := newFixture(t, time.Now()) // default config: public_url "", fast path on
	code, page := doHost(t, f, "GET", "evil.example", "/")
	if code != 200 || !strings.Contains(page, "webcal://evil.example") {
		t.Fatalf("Host evil.example: %d, page lacks its own links", code)
	}
	for _, path := range []string{
		"/%20http://evil.example",
		"/%20http://evil.example/",
		"/ http://evil.example",
		"/page:/%20http://evil.example",
		"/%20" + strings.TrimPrefix(f.srv.URL, "http://"),
		"/qr%20http://evil.example",
		"/path:/",
	} {
		for _, method := range []string{"GET", "HEAD"} {
			code, body := doHost(t, f, method, "", path)
			if code != http.StatusNotFound {
				t.Errorf("%s %s: status %d, want 404", method, path, code)
			}
			if strings.Contains(body, "evil.example") {
				t.Errorf("%s %s: serves the page rendered for another Host", method, path)
			}
		}
	}
	// The request's own Host still gets its own links, twice (fresh and cached).
	for range 2 {
		_, page := doHost(t, f, "GET", "", "/")
		if strings.Contains(page, "evil.example") || !strings.Contains(page, "webcal://"+strings.TrimPrefix(f.srv.URL, "http://")) {
			t.Fatal("/ for the server's own Host names another address")
		}
	}
}

// Parallel wrong passwords cannot slip past the lockout while their bcrypt
// checks run: each attempt is counted before its check, so of 20 at once at
// most 5 reach the password check (401) and the rest are refused (429); the
// right password afterwards is refused too. The refused ones count nothing
// against the address, so another account there still logs in.
func TestParallelLoginsHitTheLockout(t *testing.T) {
	f := newStaffFixture(t)
	const n = 20
	clients := make([]*client, n)
	for i := range clients {
		clients[i] = f.client(t)
		clients[i].get("/staff/login")
	}
	codes := make([]int, n)
	var start, done sync.WaitGroup
	start.Add(1)
	for i, c := range clients {
		done.Add(1)
		go func() {
			defer done.Done()
			form := url.Values{"name": {"editor"}, "password": {"wrong-guess"}, "csrf": {c.cookie("zhiban_login")}}
			req, _ := http.NewRequest(http.MethodPost, c.base+"/staff/login", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			start.Wait()
			resp, err := c.hc.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			codes[i] = resp.StatusCode
		}()
	}
	start.Done()
	done.Wait()
	checked, refused := 0, 0
	for _, code := range codes {
		switch code {
		case http.StatusUnauthorized:
			checked++
		case http.StatusTooManyRequests:
			refused++
		default:
			t.Errorf("status %d", code)
		}
	}
	if checked > 5 || checked+refused != n {
		t.Fatalf("%d of %d parallel wrong passwords reached the password check (%d refused), want at most 5", checked, n, refused)
	}
	if code := f.client(t).login("editor", testPassword); code != http.StatusTooManyRequests {
		t.Fatalf("right password after the parallel failures: %d, want 429", code)
	}
	if code := f.client(t).login("viewer", testPassword); code != http.StatusSeeOther {
		t.Fatalf("another account from the same address: %d, want a login", code)
	}
}

// multipartBody is a form with one file part of size bytes.
func multipartBody(t *testing.T, field string, size int) ([]byte, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	w.WriteField("name", "editor")
	part, err := w.CreateFormFile(field, "big.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	part.Write(bytes.Repeat([]byte("x"), size))
	w.Close()
	return b.Bytes(), w.FormDataContentType()
}

// onlyReader hides the length of a body, so the client sends it chunked.
type onlyReader struct{ io.Reader }

// Request bodies are bounded per route: a login form of 300 KB, an import
// of 7 MB or a JSON body of 2 MB is a 413 with a Chinese message, whether
// its length is declared or not (read no further than the limit, so never
// spilled to a temporary file).
// Forms within their limits still work.
func TestRequestBodiesAreBounded(t *testing.T) {
	f := newStaffFixture(t)
	post := func(path, ct string, body []byte, chunked bool, header ...string) (int, string) {
		t.Helper()
		var r io.Reader = bytes.NewReader(body)
		if chunked {
			r = onlyReader{r}
		}
		req, _ := http.NewRequest(http.MethodPost, f.srv.URL+path, r)
		req.Header.Set("Content-Type", ct)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("POST %s: %v", path, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for _, tc := range []struct {
		path, field string
		size        int
	}{
		{"/staff/login", "file", 300 << 10},
		{"/staff/login", "file", 40 << 20}, // beyond the 32 MB form memory
		{"/staff/import/preview", "file", 7 << 20},
		{"/staff/holidays/preview", "file", 3 << 20},
		{"/staff/users", "file", 2 << 20},
	} {
		body, ct := multipartBody(t, tc.field, tc.size)
		for _, chunked := range []bool{false, true} {
			code, page := post(tc.path, ct, body, chunked)
			if code != http.StatusRequestEntityTooLarge || !strings.Contains(page, "请求内容过大") {
				t.Errorf("POST %s of %d bytes (chunked %v): %d, want 413 in Chinese", tc.path, len(body), chunked, code)
			}
		}
	}
	// A JSON body too: 413 with the API's error code.
	big := []byte(`{"title":"` + strings.Repeat("x", 2<<20) + `"}`)
	for _, chunked := range []bool{false, true} {
		code, body := post("/api/v1/cases", "application/json", big, chunked, "Accept", "application/json")
		if chunked && code == http.StatusUnauthorized {
			continue // a chunked body is only read after the token check
		}
		var e struct {
			Error struct{ Code, Message string }
		}
		if json.Unmarshal([]byte(body), &e); code != http.StatusRequestEntityTooLarge || e.Error.Code != "too_large" {
			t.Errorf("JSON body of 2 MB (chunked %v): %d %s", chunked, code, body)
		}
	}
	// Within the limits: a login, and an import file the handler itself judges.
	c := f.loggedIn(t, "editor")
	body, ct := multipartBody(t, "file", xlsx.MaxUpload+100)
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/staff/import/preview", bytes.NewReader(body))
	req.Header.Set("Content-Type", ct)
	req.Header.Set("X-CSRF-Token", c.csrf)
	if code, page, _ := c.do(req); code != http.StatusBadRequest || !strings.Contains(page, "文件过大") {
		t.Errorf("an import just over 5 MB: %d, want the import page's own 400", code)
	}
}

// Every response carries the security headers: public pages fresh and
// from the cache bypass, feeds, JSON, static files, staff pages, errors.
func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	f := newFixture(t, time.Now()) // default cache check: repeats hit the bypass
	private := map[string]string{
		"X-Content-Type-Options":  "nosniff",
		"X-Frame-Options":         "DENY",
		"Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
		"Referrer-Policy":         "same-origin",
	}
	// Public pages may be framed, public data fetched, by the county website.
	page := map[string]string{
		"X-Content-Type-Options":  "nosniff",
		"X-Frame-Options":         "",
		"Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors *; base-uri 'none'; form-action 'self'",
	}
	data := map[string]string{
		"X-Content-Type-Options":      "nosniff",
		"X-Frame-Options":             "",
		"Access-Control-Allow-Origin": "*",
	}
	month := "/roster/" + roster.MonthOf(roster.Today(time.Now(), time.FixedZone("CST", 8*3600))).String()
	for _, path := range []string{"/", "/", month, month, "/feeds/roster.ics", "/feeds/roster.ics", "/visits",
		"/api/v1/public/today", "/static/site.css", "/static/zhiban.js", "/qr.png", "/staff/login", "/staff/roster",
		"/no-such-page", "/roster/2026-13", "/api/v1/cases", "/feeds/leader/nope.ics"} {
		want := private
		switch {
		case path == "/" || path == "/visits" || strings.HasPrefix(path, "/roster/"):
			want = page
		case strings.HasPrefix(path, "/feeds/roster") || strings.HasPrefix(path, "/api/v1/public") ||
			strings.HasPrefix(path, "/static/") || path == "/qr.png":
			want = data
		}
		for _, method := range []string{"GET", "HEAD"} {
			req, _ := http.NewRequest(method, f.srv.URL+path, nil)
			resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			for k, v := range want {
				if got := resp.Header.Get(k); got != v {
					t.Errorf("%s %s (%d): %s %q, want %q", method, path, resp.StatusCode, k, got, v)
				}
			}
		}
	}
}

// No template has inline script, inline event handlers or style
// attributes: the CSP would block them.
func TestTemplatesHaveNoInlineScriptOrStyle(t *testing.T) {
	inline := regexp.MustCompile(`(?i)<script(\s[^>]*)?>\s*[^<\s]|\son[a-z]+\s*=|\sstyle\s*=|<style|javascript:`)
	err := fs.WalkDir(os.DirFS("templates"), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(filepath.Join("templates", p))
		if err != nil {
			return err
		}
		if m := inline.Find(b); m != nil {
			t.Errorf("%s: inline script or style %q", p, m)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A staff page shows ?done= only when the server signed it: a crafted link
// (or a login form's next carrying one) shows nothing, a real write's
// redirect still shows its notice.
func TestNoticesMustBeSigned(t *testing.T) {
	f := newStaffFixture(t)
	c := f.loggedIn(t, "admin")
	const spoof = "系统升级，请把密码发到 evil@example.com"
	month := f.today.String()[:7]
	for _, page := range []string{"/staff/absences", "/staff/roster/county-duty/" + month, "/staff/import",
		"/staff/holidays", "/staff/jobs", "/staff/leaders", "/staff/sweeps", "/staff/visits", "/staff/cases"} {
		for _, q := range []string{"done=" + url.QueryEscape(spoof), "done=" + url.QueryEscape(spoof) + "&ds=AAAAAAAAAAAAAAAAAAAAAA"} {
			code, body := c.get(page + "?" + q)
			if code != http.StatusOK {
				t.Errorf("%s: %d", page, code)
			}
			if strings.Contains(body, "evil@example.com") {
				t.Errorf("%s?%s shows the crafted notice", page, q)
			}
		}
	}
	// Through the login form's next.
	b := f.client(t)
	b.get("/staff/login")
	form := url.Values{"name": {"viewer"}, "password": {testPassword}, "csrf": {b.cookie("zhiban_login")}, "next": {"/staff/absences?done=" + url.QueryEscape(spoof)}}
	if code, _ := b.post("/staff/login", form); code != http.StatusSeeOther {
		t.Fatalf("login: %d", code)
	}
	if _, body := b.get("/staff/absences?done=" + url.QueryEscape(spoof)); strings.Contains(body, "evil@example.com") {
		t.Error("the notice in next is shown")
	}

	// A real write: its redirect carries a signed notice, which is shown.
	people, _ := f.store.People(context.Background())
	id, err := f.store.AddAbsence(context.Background(), roster.Absence{Person: people[0].ID, From: f.today.AddDays(2), To: f.today.AddDays(2), Kind: roster.Leave}, "test")
	if err != nil {
		t.Fatal(err)
	}
	c.get("/staff/absences")
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+fmt.Sprintf("/staff/absences/%d/delete", id), strings.NewReader(url.Values{"csrf": {c.csrf}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	code, _, h := c.do(req)
	loc := h.Get("Location")
	if code != http.StatusSeeOther || !strings.Contains(loc, "done=") || !strings.Contains(loc, "&ds=") {
		t.Fatalf("delete: %d to %q", code, loc)
	}
	if _, body := c.get(loc); !strings.Contains(body, `<p class="notice" role="status">已删除</p>`) {
		t.Error("the signed notice is not shown")
	}
	// The signature covers the text: the same ds with other words shows nothing.
	u, _ := url.Parse(loc)
	q := u.Query()
	q.Set("done", spoof)
	if _, body := c.get(u.Path + "?" + q.Encode()); strings.Contains(body, "evil@example.com") {
		t.Error("a signature was accepted for another text")
	}
}

// A failed login logs the account's name only when the account exists:
// the name typed for an unknown one is often a password in the wrong field.
func TestFailedLoginLogsNoTypedName(t *testing.T) {
	f := newStaffFixture(t)
	logs := &syncBuf{}
	cfg := testConfig(t, nil)
	s, err := httpapi.New(f.store, httpapi.Options{Config: cfg, Now: f.clock, Version: "test", CacheCheck: -1,
		Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	c := f.client(t)
	c.base = srv.URL
	if code := c.login("MySecret-Pa55", "whatever"); code != http.StatusUnauthorized {
		t.Fatalf("unknown user: %d", code)
	}
	if code := c.login("editor", "wrong-password"); code != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d", code)
	}
	out := logs.String()
	if strings.Contains(out, "MySecret") || strings.Contains(out, "wrong-password") {
		t.Errorf("the log holds what was typed:\n%s", out)
	}
	if !strings.Contains(out, "user_exists=false") || !strings.Contains(out, "name_hash=") || !strings.Contains(out, "user=editor") {
		t.Errorf("the log lacks the failures:\n%s", out)
	}
}
