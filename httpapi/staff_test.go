package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"zhiban/auth"
	"zhiban/httpapi"
	"zhiban/planner"
	"zhiban/roster"
	"zhiban/store"
	"zhiban/store/storetest"
)

// staffFixture is the demo county with a filled roster, three staff users
// (admin, editor, viewer; password "password-123") and a movable clock.
type staffFixture struct {
	srv   *httptest.Server
	api   *httpapi.Server
	store *store.Store
	mu    sync.Mutex
	now   time.Time
	today roster.Date
}

const testPassword = "password-123"

func (f *staffFixture) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *staffFixture) advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
}

func newStaffFixture(t *testing.T) *staffFixture {
	t.Helper()
	return newStaffFixtureOn(t, storetest.OpenDemo(t, nil))
}

// newStaffFixtureOn is newStaffFixture on st, which holds the demo county.
func newStaffFixtureOn(t *testing.T, st *store.Store) *staffFixture {
	t.Helper()
	ctx := context.Background()
	cfg := testConfig(t, nil)
	// 2026-12-01 (a Tuesday) 09:00 in Shanghai.
	f := &staffFixture{store: st, now: time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)}
	f.today = roster.Today(f.now, cfg.Location)
	st.Now = f.clock
	if _, err := planner.Fill(ctx, st, f.today, f.today.AddDays(45), f.today, "test"); err != nil {
		t.Fatal(err)
	}
	hash, err := auth.HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []struct {
		name string
		role auth.Role
	}{{"admin", auth.RoleAdmin}, {"editor", auth.RoleEditor}, {"viewer", auth.RoleViewer}} {
		if _, err := st.CreateUser(ctx, u.name, u.role, hash, "test"); err != nil {
			t.Fatal(err)
		}
	}
	f.api, err = httpapi.New(st, httpapi.Options{Config: cfg, Now: f.clock, Version: "test", CacheCheck: -1,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	f.srv = httptest.NewServer(f.api.Handler())
	t.Cleanup(f.srv.Close)
	return f
}

// client is a browser: a cookie jar, no redirects followed, and the CSRF
// token of the last staff page it saw.
type client struct {
	t    *testing.T
	base string
	hc   *http.Client
	csrf string
}

func (f *staffFixture) client(t *testing.T) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, base: f.srv.URL, hc: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

var csrfMeta = regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)">`)

func (c *client) do(req *http.Request) (int, string, http.Header) {
	c.t.Helper()
	resp, b := roundTrip(c.t, c.hc, req)
	if m := csrfMeta.FindSubmatch(b); m != nil {
		c.csrf = string(m[1])
	}
	return resp.StatusCode, string(b), resp.Header
}

func (c *client) get(path string) (int, string) {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.base+path, nil)
	code, body, _ := c.do(req)
	return code, body
}

// post sends a form; the session's CSRF token is added unless form has "csrf".
func (c *client) post(path string, form url.Values) (int, string) {
	c.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf"]; !ok && c.csrf != "" {
		form.Set("csrf", c.csrf)
	}
	req, _ := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	code, body, _ := c.do(req)
	return code, body
}

// cookie is the value of the named cookie the client holds for the server.
func (c *client) cookie(name string) string {
	u, _ := url.Parse(c.base)
	for _, ck := range c.hc.Jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

// login fills in the login form: the page sets the pre-session CSRF cookie
// and the form carries the same token.
func (c *client) login(name, pw string) int {
	c.t.Helper()
	c.get("/staff/login")
	code, _ := c.post("/staff/login", url.Values{"name": {name}, "password": {pw}, "csrf": {c.cookie("zhiban_login")}})
	if code == http.StatusSeeOther {
		c.get("/staff/audit") // pick up the CSRF token
	}
	return code
}

func (f *staffFixture) loggedIn(t *testing.T, name string) *client {
	t.Helper()
	c := f.client(t)
	if code := c.login(name, testPassword); code != http.StatusSeeOther {
		t.Fatalf("login %s: status %d", name, code)
	}
	if c.csrf == "" {
		t.Fatal("no CSRF token on the staff page")
	}
	return c
}

// selfService are the write routes every signed-in user may use on their own account.
var selfService = map[string]bool{
	"POST /staff/login":    true, // the login form itself: nobody is signed in yet
	"POST /staff/logout":   true,
	"POST /staff/password": true,
}

// TestEveryWriteRouteChecksRole walks the routes table: every write under
// /staff or /api refuses an anonymous caller, a viewer, and an editor
// without the CSRF token. A new route without requireRole fails here.
// A township editor (the clerk of t05) is refused every write route but the
// township-owned ones of unitWriteRoutes, which TestTownshipEditorScope runs
// on t04's thing (refused) and t05's (allowed): a new write route is
// county-only unless it is listed and tested there.
func TestEveryWriteRouteChecksRole(t *testing.T) {
	f := newStaffFixture(t)
	viewer := f.loggedIn(t, "viewer")
	editor := f.loggedIn(t, "editor")
	f.addUser(t, clerk, auth.RoleEditor, ownTown)
	townEditor := f.loggedInClerk(t, clerk)
	unitRoutes := map[string]bool{}
	for _, r := range unitWriteRoutes() {
		unitRoutes[r.route] = true
	}
	anon := f.client(t)
	param := regexp.MustCompile(`:[a-z_]+|\*`)
	n := 0
	for _, r := range f.api.Routes() {
		if r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == "echo_route_not_found" {
			continue
		}
		if !strings.HasPrefix(r.Path, "/staff") && !strings.HasPrefix(r.Path, "/api") {
			continue
		}
		key := r.Method + " " + r.Path
		if selfService[key] {
			continue
		}
		n++
		path := param.ReplaceAllString(r.Path, "x")
		t.Run(key, func(t *testing.T) {
			send := func(c *client, csrf string) int {
				form := url.Values{"csrf": {csrf}}
				req, _ := http.NewRequest(r.Method, c.base+path, strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				code, _, _ := c.do(req)
				return code
			}
			if code := send(anon, ""); code != http.StatusUnauthorized && code != http.StatusForbidden {
				t.Errorf("anonymous: status %d, want 401 or 403", code)
			}
			if code := send(viewer, viewer.csrf); code != http.StatusForbidden {
				t.Errorf("viewer: status %d, want 403", code)
			}
			if code := send(editor, ""); code != http.StatusForbidden {
				t.Errorf("editor without CSRF token: status %d, want 403", code)
			}
			if code := send(townEditor, ""); code != http.StatusForbidden {
				t.Errorf("township editor without CSRF token: status %d, want 403", code)
			}
			form := url.Values{"csrf": {townEditor.csrf}}
			req, _ := http.NewRequest(r.Method, f.srv.URL+path, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			code, body, _ := townEditor.do(req)
			refused := code == http.StatusForbidden && strings.Contains(body, "乡镇账号只能管理本乡镇")
			switch {
			case unitRoutes[key] && refused:
				t.Errorf("township editor refused on a township route: %d", code)
			case !unitRoutes[key] && code != http.StatusForbidden: // admin routes refuse editors first
				t.Errorf("township editor on a county route: status %d, want 403 (乡镇账号…)", code)
			}
			delete(unitRoutes, key)
		})
	}
	for r := range unitRoutes {
		t.Errorf("unitWriteRoutes lists %s, which is not in the routes table", r)
	}
	if n < 10 {
		t.Fatalf("only %d write routes checked; is the routes table wired?", n)
	}
}

func TestAdminOnlyRoutesRefuseEditors(t *testing.T) {
	f := newStaffFixture(t)
	editor := f.loggedIn(t, "editor")
	if code, _ := editor.get("/staff/users"); code != http.StatusForbidden {
		t.Fatalf("editor GET /staff/users: %d", code)
	}
	if code, _ := editor.post("/staff/users", url.Values{"name": {"x"}, "role": {"admin"}, "password": {testPassword}}); code != http.StatusForbidden {
		t.Fatalf("editor creating a user: %d", code)
	}
	admin := f.loggedIn(t, "admin")
	if code, body := admin.post("/staff/users", url.Values{"name": {"新同事"}, "role": {"editor"}, "password": {testPassword}}); code != http.StatusSeeOther {
		t.Fatalf("admin creating a user: %d %s", code, body)
	}
	if code := f.client(t).login("新同事", testPassword); code != http.StatusSeeOther {
		t.Fatalf("new user cannot log in: %d", code)
	}
}

func TestAnonymousStaffPageRedirectsToLogin(t *testing.T) {
	f := newStaffFixture(t)
	c := f.client(t)
	req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/staff/audit", nil)
	code, _, h := c.do(req)
	if code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/staff/login?next=") {
		t.Fatalf("status %d location %q", code, h.Get("Location"))
	}
	code, body := c.get("/staff/login")
	if code != 200 || !strings.Contains(body, "工作人员登录") {
		t.Fatalf("login page: %d", code)
	}
}

func TestCSRF(t *testing.T) {
	f := newStaffFixture(t)
	admin := f.loggedIn(t, "admin")
	form := url.Values{"name": {"someone"}, "role": {"viewer"}, "password": {testPassword}}
	form.Set("csrf", "")
	if code, body := admin.post("/staff/users", form); code != http.StatusForbidden || !strings.Contains(body, "CSRF") {
		t.Fatalf("no token: %d", code)
	}
	form.Set("csrf", "forged")
	if code, _ := admin.post("/staff/users", form); code != http.StatusForbidden {
		t.Fatalf("wrong token: %d", code)
	}
	other := f.loggedIn(t, "editor") // another session's token is no good either
	form.Set("csrf", other.csrf)
	if code, _ := admin.post("/staff/users", form); code != http.StatusForbidden {
		t.Fatalf("another session's token: %d", code)
	}
	form.Del("csrf")
	if code, _ := admin.post("/staff/users", form); code != http.StatusSeeOther {
		t.Fatalf("right token: %d", code)
	}
	if _, err := f.store.UserByName(context.Background(), "someone"); err != nil {
		t.Fatal(err)
	}
}

func TestSessionExpiry(t *testing.T) {
	f := newStaffFixture(t)
	c := f.loggedIn(t, "viewer")
	f.advance(11 * time.Hour)
	if code, _ := c.get("/staff/audit"); code != 200 {
		t.Fatalf("after 11 h idle: %d", code)
	}
	f.advance(12*time.Hour + time.Minute)
	if code, _ := c.get("/staff/audit"); code != http.StatusSeeOther {
		t.Fatalf("after 12 h idle: %d, want a redirect to login", code)
	}

	// Active every few hours, the session still ends after seven days.
	c = f.loggedIn(t, "viewer")
	for i := 0; i < 6*24/10; i++ {
		f.advance(10 * time.Hour)
		if code, _ := c.get("/staff/audit"); code != 200 {
			t.Fatalf("active session ended after %d h", (i+1)*10)
		}
	}
	f.advance(25 * time.Hour)
	if code, _ := c.get("/staff/audit"); code != http.StatusSeeOther {
		t.Fatalf("after 7 days: %d", code)
	}
}

func TestLogoutAndPasswordChangeRevokeSessions(t *testing.T) {
	f := newStaffFixture(t)
	a := f.loggedIn(t, "editor")
	b := f.loggedIn(t, "editor")
	if code, _ := a.post("/staff/logout", nil); code != http.StatusSeeOther {
		t.Fatalf("logout: %d", code)
	}
	if code, _ := a.get("/staff/audit"); code != http.StatusSeeOther {
		t.Fatalf("after logout: %d", code)
	}
	if code, _ := b.get("/staff/audit"); code != 200 {
		t.Fatalf("logout ended another session: %d", code)
	}
	c := f.loggedIn(t, "editor")
	code, _ := c.post("/staff/password", url.Values{"current": {testPassword}, "password": {"new-password-1"}, "password2": {"new-password-1"}})
	if code != http.StatusSeeOther {
		t.Fatalf("password change: %d", code)
	}
	if code, _ := b.get("/staff/audit"); code != http.StatusSeeOther {
		t.Fatalf("password change left another session alive: %d", code)
	}
	if code, _ := c.get("/staff/audit"); code != 200 {
		t.Fatalf("the browser that changed the password was logged out: %d", code)
	}
	if code := f.client(t).login("editor", "new-password-1"); code != http.StatusSeeOther {
		t.Fatalf("login with the new password: %d", code)
	}
}

func TestLockout(t *testing.T) {
	f := newStaffFixture(t)
	c := f.client(t)
	for i := 0; i < 5; i++ {
		if code := c.login("editor", "wrong"); code != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i+1, code)
		}
	}
	if code := c.login("editor", testPassword); code != http.StatusTooManyRequests {
		t.Fatalf("right password while locked: %d, want 429", code)
	}
	if code := c.login("viewer", testPassword); code != http.StatusSeeOther {
		t.Fatalf("another account is not locked: %d", code)
	}
	f.advance(16 * time.Minute)
	if code := c.login("editor", testPassword); code != http.StatusSeeOther {
		t.Fatalf("after the window: %d", code)
	}

	// Many accounts tried from one address lock the address.
	for i := 0; i < 20; i++ {
		c.login("nobody"+string(rune('a'+i)), "wrong")
	}
	if code := c.login("admin", testPassword); code != http.StatusTooManyRequests {
		t.Fatalf("address not locked: %d", code)
	}
}

func TestAPITokens(t *testing.T) {
	f := newStaffFixture(t)
	ctx := context.Background()
	secret, hash := auth.NewToken()
	tok, err := f.store.CreateAPIToken(ctx, "editor", hash, "script", "test")
	if err != nil {
		t.Fatal(err)
	}
	put := func(token, body string) (int, string) {
		d := f.today.AddDays(1)
		for !isDutyDay(t, f, d) {
			d++
		}
		req, _ := http.NewRequest(http.MethodPut, f.srv.URL+"/api/v1/assignments/county-duty/"+d.String()+"/"+url.PathEscape("值班领导"), strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		return send(t, req)
	}
	if code, _ := put("", `{}`); code != http.StatusUnauthorized {
		t.Fatalf("no token: %d", code)
	}
	if code, _ := put("bogus", `{}`); code != http.StatusUnauthorized {
		t.Fatalf("bogus token: %d", code)
	}
	if code, body := put(secret, `{"person":"nobody","version":1}`); code != http.StatusBadRequest {
		t.Fatalf("editor token refused: %d %s", code, body)
	}
	if err := f.store.RevokeAPIToken(ctx, "editor", tok.ID, "test"); err != nil {
		t.Fatal(err)
	}
	if code, _ := put(secret, `{}`); code != http.StatusUnauthorized {
		t.Fatalf("revoked token: %d", code)
	}
	vs, vh := auth.NewToken()
	if _, err := f.store.CreateAPIToken(ctx, "viewer", vh, "", "test"); err != nil {
		t.Fatal(err)
	}
	if code, _ := put(vs, `{}`); code != http.StatusForbidden {
		t.Fatalf("viewer token: %d", code)
	}
}

func isDutyDay(t *testing.T, f *staffFixture, d roster.Date) bool {
	as, err := f.store.Assignments(context.Background(), d, d)
	if err != nil {
		t.Fatal(err)
	}
	return len(as) > 0
}

func decodeJSON(t *testing.T, body string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
}
