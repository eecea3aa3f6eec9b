package httpapi_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The login form is protected before any session exists: a POST whose csrf
// field does not match the login page's cookie is refused with 403, counts
// no failure, and starts no session.
func TestLoginCSRF(t *testing.T) {
	f := newStaffFixture(t)
	good := url.Values{"name": {"editor"}, "password": {testPassword}}

	// A cross-site form: no token (and, Lax, no cookie either).
	c := f.client(t)
	if code, body := c.post("/staff/login", clone(good)); code != http.StatusForbidden || !strings.Contains(body, "安全校验失败") {
		t.Fatalf("login without token: %d", code)
	}
	if c.cookie("zhiban_session") != "" {
		t.Fatal("a session cookie after a refused login")
	}
	// The cookie was sent (a same-site attacker) but the field is forged or missing.
	code, body := c.get("/staff/login")
	if code != http.StatusOK || !strings.Contains(body, `name="csrf" value="`+c.cookie("zhiban_login")+`"`) {
		t.Fatalf("login page lacks the token field: %d", code)
	}
	for _, tok := range []string{"", "forged", strings.Repeat("A", 43)} {
		form := clone(good)
		form.Set("csrf", tok)
		if code, _ := c.post("/staff/login", form); code != http.StatusForbidden {
			t.Errorf("login with token %q: %d, want 403", tok, code)
		}
	}
	// Another browser's token is no good either.
	other := f.client(t)
	other.get("/staff/login")
	form := clone(good)
	form.Set("csrf", other.cookie("zhiban_login"))
	if code, _ := c.post("/staff/login", form); code != http.StatusForbidden {
		t.Errorf("login with another browser's token: %d", code)
	}
	if n, _, err := f.store.LoginFailures(context.Background(), "user:editor"); err != nil || n != 0 {
		t.Errorf("refused logins counted as failures: %d %v", n, err)
	}
	// The form as served logs in.
	if code := c.login("editor", testPassword); code != http.StatusSeeOther {
		t.Fatalf("login with the page's token: %d", code)
	}
	if _, err := f.store.UserByName(context.Background(), "editor"); err != nil {
		t.Fatal(err)
	}
	if code, _ := c.get("/staff/audit"); code != http.StatusOK {
		t.Fatalf("not logged in after a good login: %d", code)
	}
}

// The login cookie is HttpOnly, SameSite=Lax, and __Host- with Secure over https.
func TestLoginCSRFCookie(t *testing.T) {
	f := newStaffFixture(t)
	resp, err := http.Get(f.srv.URL + "/staff/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var ck *http.Cookie
	for _, x := range resp.Cookies() {
		if x.Name == "zhiban_login" {
			ck = x
		}
	}
	if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" || len(ck.Value) < 40 {
		t.Fatalf("login cookie %+v", ck)
	}
	req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/staff/login", nil)
	req.Header.Set("X-Forwarded-Proto", "https")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	found := false
	for _, x := range resp.Cookies() {
		if strings.HasSuffix(x.Name, "zhiban_login") {
			found = true
			if x.Name != "__Host-zhiban_login" || !x.Secure || x.Path != "/" {
				t.Errorf("over https: cookie %s secure=%v path=%s", x.Name, x.Secure, x.Path)
			}
		}
	}
	if !found {
		t.Error("no login cookie over https")
	}
}
