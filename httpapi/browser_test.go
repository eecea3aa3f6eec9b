package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"zhiban/roster"
	"zhiban/xlsx"
)

// browserPath is the Chromium the browser tests drive. ZHIBAN_BROWSER unset
// skips them; set (as .ci/run does) and missing fails them.
func browserPath(t *testing.T) string {
	t.Helper()
	p := os.Getenv("ZHIBAN_BROWSER")
	if p == "" {
		t.Skip(`os.Getenv("ZHIBAN_BROWSER") is empty: browser tests skipped (.ci/run sets it)`)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("ZHIBAN_BROWSER=%s: %v (apt-get install chromium)", p, err)
	}
	return p
}

// newBrowser starts a headless Chromium with a fresh profile.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(browserPath(t)),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start %s: %v", os.Getenv("ZHIBAN_BROWSER"), err)
	}
	return ctx
}

// step runs actions with a timeout so a stuck page fails instead of hanging.
func step(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(c, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func evalJS[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(c, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

func bodyText(t *testing.T, ctx context.Context) string {
	return evalJS[string](t, ctx, `document.body.innerText`)
}

func login(t *testing.T, ctx context.Context, base, name string) {
	t.Helper()
	step(t, ctx, "log in as "+name,
		chromedp.Navigate(base+"/staff/login"),
		chromedp.WaitVisible(chromedp.CSS(`input[name=name]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=name]`), name),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), testPassword),
		chromedp.Click(chromedp.CSS(`form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`nav[aria-label="主导航"]`)),
	)
}

// postWithoutCSRF sends a form POST from the page's own origin, with the
// session cookie but without the token; csrf adds the page's token.
func postFromPage(t *testing.T, ctx context.Context, path string, form map[string]string, csrf bool) int {
	t.Helper()
	b, _ := json.Marshal(form)
	js := fmt.Sprintf(`(async () => {
		const f = new URLSearchParams(%s);
		if (%t) f.set("csrf", document.querySelector('meta[name="csrf-token"]').content);
		const r = await fetch(%q, {method: "POST", body: f, redirect: "manual"});
		return r.status;
	})()`, b, csrf, path)
	return evalJS[int](t, ctx, js)
}

func TestBrowserStaffFlow(t *testing.T) {
	ctx := newBrowser(t)
	f := newStaffFixture(t)
	base := f.srv.URL
	shots := screenshotDir(t)

	// A form on another origin posting to the login page is refused: it
	// cannot know the login page's token.
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<form method="post" action="%s/staff/login"><input name="name" value="editor"><input name="password" value="%s"></form>
<script>document.forms[0].submit()</script>`, base, testPassword)
	}))
	defer evil.Close()
	step(t, ctx, "visit the login page, then a cross-site login form", chromedp.Navigate(base+"/staff/login"),
		chromedp.WaitVisible(chromedp.CSS(`input[name=name]`)), chromedp.Navigate(evil.URL),
		chromedp.WaitVisible(chromedp.CSS(`p.error`)))
	if text := bodyText(t, ctx); !strings.Contains(text, "安全校验失败") {
		t.Fatalf("cross-site login POST not refused:\n%s", text)
	}

	login(t, ctx, base, "editor")

	// Publish the month from the grid, then replace tomorrow's duty leader
	// through the slot form: the grid marks the day 调整.
	a := f.duty(t, f.today.AddDays(1))
	old, _ := f.store.Person(context.Background(), a.Person)
	step(t, ctx, "publish the month", chromedp.Navigate(base+"/staff/roster/"+a.Roster+"/"+a.Date.String()[:7]),
		chromedp.Click(chromedp.CSS(`form[action$="/publish"] button`)), chromedp.WaitVisible(chromedp.CSS(`p.notice`)))
	if text := bodyText(t, ctx); !strings.Contains(text, "已公布") || !strings.Contains(text, "由 editor 公布") {
		t.Fatalf("no publication shown after publishing:\n%s", text)
	}
	a = f.duty(t, f.today.AddDays(1)) // pinned state and version unchanged, but reread
	step(t, ctx, "open the month grid", chromedp.Navigate(base+"/staff/roster/"+a.Roster+"/"+a.Date.String()[:7]),
		chromedp.WaitVisible(chromedp.CSS(`table.grid`)))
	step(t, ctx, "open the slot", chromedp.Click(chromedp.CSS(fmt.Sprintf(`a[href*="date=%s"]`, a.Date))),
		chromedp.WaitVisible(chromedp.CSS(`input[name=person]`)))
	who := evalJS[string](t, ctx, `document.querySelector('input[name=person]:not([disabled])').value`)
	step(t, ctx, "replace", chromedp.Click(chromedp.CSS(`input[name=person][value="`+who+`"]`)),
		chromedp.Click(chromedp.CSS(`form[action$="/assign"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`p.notice`)))
	if text := bodyText(t, ctx); !strings.Contains(text, "已改为") {
		t.Fatalf("no confirmation after replacing:\n%s", text)
	}
	newP, _ := f.store.Person(context.Background(), who)
	step(t, ctx, "the grid marks 调整", chromedp.Navigate(base+"/staff/roster/"+a.Roster+"/"+a.Date.String()[:7]),
		chromedp.WaitVisible(chromedp.CSS(`.pub-changes`)))
	if text := bodyText(t, ctx); !strings.Contains(text, "原："+old.Name) {
		t.Errorf("the grid does not show the published person %s:\n%s", old.Name, text)
	}

	// The public roster JSON and page show the change.
	step(t, ctx, "public JSON", chromedp.Navigate(fmt.Sprintf("%s/api/v1/public/range?from=%s&to=%s", base, a.Date, a.Date)))
	if got := nameFor(bodyText(t, ctx), a.Date, a.Role); got != newP.Name {
		t.Fatalf("public JSON for %s %s shows %q, want %s (was %s)", a.Date, a.Role, got, newP.Name, old.Name)
	}
	step(t, ctx, "public page", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS(`body`)))
	if text := bodyText(t, ctx); !strings.Contains(text, newP.Name) {
		t.Errorf("public page does not show %s", newP.Name)
	}

	// Export the month to Excel through the download link.
	dl := t.TempDir()
	progress := chromedp.BrowserEvents(ctx, browser.DownloadProgress)
	step(t, ctx, "export to Excel",
		chromedp.Navigate(base+"/staff/roster/"+a.Roster+"/"+a.Date.String()[:7]),
		chromedp.WaitVisible(chromedp.CSS(`table.grid`)),
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
				Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dl, EventsEnabled: ptrTo(true),
			})
			return err
		}),
		chromedp.Click(chromedp.CSS(`a[href$=".xlsx"]`)),
	)
	var file string
	deadline, cancel := context.WithTimeout(ctx, 30*time.Second)
	for ev, err := range progress {
		if err != nil || deadline.Err() != nil {
			t.Fatalf("download: %v %v", err, deadline.Err())
		}
		if ev.State == browser.DownloadProgressStateCompleted {
			file = filepath.Join(dl, ev.GUID)
			break
		}
	}
	cancel()
	fh, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	m, err := xlsx.ReadRosterMonth(fh, a.Date.Year())
	fh.Close()
	if err != nil {
		t.Fatal(err)
	}
	if day := m.Days[a.Date.Day()-1]; day.Date != a.Date || !contains(day.Names, newP.Name) {
		t.Fatalf("downloaded sheet row %v lacks %s", day, newP.Name)
	}

	// A POST without the CSRF token is refused; with it, accepted.
	pin := map[string]string{"date": a.Date.String(), "role": a.Role, "version": fmt.Sprint(a.Version + 1), "pinned": "1"}
	if code := postFromPage(t, ctx, "/staff/roster/"+a.Roster+"/pin", pin, false); code != 403 {
		t.Fatalf("CSRF-less POST: %d, want 403", code)
	}
	if code := postFromPage(t, ctx, "/staff/roster/"+a.Roster+"/pin", pin, true); code != 0 && code != 303 && code != 200 {
		t.Fatalf("POST with the token: %d", code)
	}
	if cur, _ := f.store.Assignment(context.Background(), a.Key()); !cur.Pinned {
		t.Fatal("pin with the token did not pin")
	}

	// Screenshots of the main staff pages, phone and desktop.
	b := f.duty(t, f.today.AddDays(3))
	pages := []page{
		{"roster", "/staff/roster/" + a.Roster + "/" + a.Date.String()[:7]},
		{"slot", "/staff/roster/" + b.Roster + "/slot?date=" + b.Date.String() + "&role=" + b.Role},
		{"absences", "/staff/absences"},
		{"regenerate", "/staff/regenerate?preview=1&from=" + f.today.AddDays(1).String() + "&to=" + f.today.AddDays(30).String()},
		{"fairness", "/staff/fairness"},
		{"import", "/staff/import"},
		{"audit", "/staff/audit"},
	}
	shotPages(t, ctx, base, shots, pages)

	// A viewer sees the roster but cannot write.
	step(t, ctx, "log out", chromedp.Navigate(base+"/staff/roster/"+a.Roster+"/"+a.Date.String()[:7]),
		chromedp.Click(chromedp.CSS(`form[action="/staff/logout"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name=password]`)))
	shot(t, ctx, base+"/staff/login", filepath.Join(shots, "login-390.png"), 390)
	login(t, ctx, base, "viewer")
	step(t, ctx, "viewer opens a slot", chromedp.Navigate(base+"/staff/roster/"+b.Roster+"/slot?date="+b.Date.String()+"&role="+b.Role),
		chromedp.WaitVisible(chromedp.CSS(`h1`)))
	if n := evalJS[int](t, ctx, `document.querySelectorAll('form[action$="/assign"]').length`); n != 0 {
		t.Error("a viewer is offered the replace form")
	}
	repl := map[string]string{"date": b.Date.String(), "role": b.Role, "version": fmt.Sprint(b.Version), "person": b.Person}
	if code := postFromPage(t, ctx, "/staff/roster/"+b.Roster+"/assign", repl, true); code != 403 {
		t.Fatalf("viewer POST: %d, want 403", code)
	}
	step(t, ctx, "viewer opens the users page", chromedp.Navigate(base+"/staff/users"), chromedp.WaitVisible(chromedp.CSS(`body`)))
	if text := bodyText(t, ctx); !strings.Contains(text, "没有权限") {
		t.Errorf("viewer on /staff/users:\n%s", text)
	}
	t.Logf("screenshots in %s", shots)
}

// shot loads url at the given width and saves a full-page PNG; the page
// must not scroll sideways (a wide table scrolls inside its own box).
func shot(t *testing.T, ctx context.Context, url, file string, width int64) {
	t.Helper()
	step(t, ctx, "open "+url, chromedp.EmulateViewport(width, 900), chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS(`main`)))
	if w := evalJS[float64](t, ctx, `document.documentElement.scrollWidth`); w > float64(width) {
		t.Errorf("%s is %.0f px wide at %d px", url, w, width)
	}
	saveScreenshot(t, ctx, file)
}

// saveScreenshot writes the whole current page to file as PNG.
func saveScreenshot(t *testing.T, ctx context.Context, file string) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(c, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", file, err)
	}
	if err := os.WriteFile(file, png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// screenshotDir is where the browser tests leave their screenshots:
// $ZHIBAN_SCREENSHOTS, or a temporary directory.
func screenshotDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("ZHIBAN_SCREENSHOTS")
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// page is a staff page to photograph: its file name and its path.
type page struct{ name, path string }

// shotPages photographs each page at phone and desktop widths into dir.
func shotPages(t *testing.T, ctx context.Context, base, dir string, pages []page) {
	t.Helper()
	for _, width := range []int64{390, 1280} {
		for _, p := range pages {
			shot(t, ctx, base+p.path, filepath.Join(dir, fmt.Sprintf("%s-%d.png", p.name, width)), width)
		}
	}
}

func ptrTo[T any](v T) *T { return &v }

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// nameFor finds who the public range JSON lists in role on date.
func nameFor(body string, date roster.Date, role string) string {
	var r struct {
		Duties []struct {
			Date    roster.Date
			Leaders []struct{ Role, Name string }
		}
	}
	json.Unmarshal([]byte(body), &r)
	for _, d := range r.Duties {
		for _, l := range d.Leaders {
			if d.Date == date && l.Role == role {
				return l.Name
			}
		}
	}
	return ""
}
