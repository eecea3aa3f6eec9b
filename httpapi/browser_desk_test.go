package httpapi_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"zhiban/visits"
)

// TestBrowserDesk works the reception desk in Chromium at tablet and phone
// width: an editor registers a visit with the keyboard alone, registers the
// same person again, sees the repeat list and links it, then receives the
// first visit with the 跟班领导 and finishes it with 交办, which opens a case,
// and hands that case to a unit from the case page.
// Screenshots of each step land in $ZHIBAN_SCREENSHOTS.
func TestBrowserDesk(t *testing.T) {
	ctx := newBrowser(t)
	f := newStaffFixture(t)
	day := f.openDesk(t)
	s := day.Sessions[0]
	base := f.srv.URL
	shots := screenshotDir(t)
	login(t, ctx, base, "editor")

	for i, size := range []struct {
		name          string
		width, height int64
	}{{"tablet", 820, 1180}, {"phone", 390, 844}} {
		name := []string{"张某某", "李某某"}[i]
		id := []string{"11010519491231002X", "110105198001010016"}[i]
		phone := []string{"13912345678", "13800001111"}[i]
		matter := []string{"解放路拆迁补偿款至今未发放", "村道硬化施工扬尘噪声扰民"}[i]
		shot := func(step string) {
			saveScreenshot(t, ctx, filepath.Join(shots, fmt.Sprintf("desk-%s-%s-%d.png", step, size.name, size.width)))
		}
		step(t, ctx, "open the desk at "+size.name+" width", chromedp.EmulateViewport(size.width, size.height),
			chromedp.Navigate(base+"/staff/desk"), chromedp.WaitVisible(chromedp.CSS(`#desk-form`)))
		if got := evalJS[string](t, ctx, `document.activeElement.name || ""`); got != "visitor.name" {
			t.Fatalf("focus on load is %q, want the visitor's name", got)
		}
		if w := evalJS[int](t, ctx, `document.documentElement.scrollWidth`); w > int(size.width) {
			t.Errorf("%s: the page is %d px wide at %d", size.name, w, size.width)
		}
		shot("empty")

		// Keyboard only: type, Tab to the next field, arrow keys in selects, Enter sends.
		register := func(matter string) {
			step(t, ctx, "register "+name+" with the keyboard",
				chromedp.KeyEvent(name+kb.Tab+id+kb.Tab+phone+kb.Tab+"保密路1号"+kb.Tab),
				chromedp.KeyEvent(kb.ArrowDown+kb.Tab), // township: the first, 城关镇
				chromedp.KeyEvent(kb.Tab+kb.Tab),       // group size 1, no representatives
				chromedp.KeyEvent(matter+kb.Tab),
				chromedp.KeyEvent(kb.ArrowDown+kb.Tab), // category: the first, 征地拆迁
				chromedp.KeyEvent(kb.Enter),            // in the case code field
			)
		}
		register(matter)
		step(t, ctx, "registered", chromedp.WaitVisible(chromedp.CSS(`p.notice, p.error`)))
		if text := bodyText(t, ctx); !strings.Contains(text, "已登记第") || !strings.Contains(text, name) || !strings.Contains(text, "1101**********") {
			t.Fatalf("not registered:\n%s", text)
		}
		first := evalJS[int](t, ctx, fmt.Sprintf(`+[...document.querySelectorAll('.desk-card.waiting')].find(c =>
			c.querySelector('h3').textContent.includes(%q) && !c.textContent.includes('重复信访')).id.slice(1)`, name))
		shot("registered")

		// The same person again: the repeats show, the typed values stay, and
		// Tab from the list reaches 关联此次来访.
		step(t, ctx, "focus the name", chromedp.WaitVisible(chromedp.CSS(`#desk-form`)))
		if got := evalJS[string](t, ctx, `document.activeElement.name || ""`); got != "visitor.name" {
			t.Fatalf("focus after registering is %q, want the visitor's name", got)
		}
		register("还是这件事")
		step(t, ctx, "the repeat list", chromedp.WaitVisible(chromedp.CSS(`#repeats`)))
		if text := bodyText(t, ctx); !strings.Contains(text, "可能重复的信访") || !strings.Contains(text, "关联此次来访") {
			t.Fatalf("no repeat list:\n%s", text)
		}
		if v := evalJS[string](t, ctx, `document.querySelector('#desk-form textarea[name=matter]').value`); v != "还是这件事" {
			t.Fatalf("typed matter lost: %q", v)
		}
		if v := evalJS[string](t, ctx, `document.querySelector('#desk-form [name="visitor.id_number"]').value`); v != id {
			t.Fatalf("typed ID number lost: %q", v)
		}
		if got := evalJS[string](t, ctx, `document.activeElement.id`); got != "repeats" {
			t.Errorf("focus on the repeat page is %q, want the repeat list", got)
		}
		shot("repeats")
		step(t, ctx, "link with the keyboard", chromedp.KeyEvent(kb.Tab))
		if got := evalJS[string](t, ctx, `document.activeElement.textContent`); got != "关联此次来访" {
			t.Fatalf("Tab from the repeat list reaches %q", got)
		}
		step(t, ctx, "link", chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(chromedp.CSS(`p.notice`)))
		if text := bodyText(t, ctx); !strings.Contains(text, "计为重复信访") {
			t.Fatalf("not linked:\n%s", text)
		}

		// Receive the first with the 跟班领导 and finish with 交办.
		card := fmt.Sprintf(`#r%d`, first)
		leader := s.Visit.Leader
		if s.Visit.Shadow != "" {
			leader = s.Visit.Shadow
		}
		step(t, ctx, "start", chromedp.SetValue(chromedp.CSS(card+` select[name=leader]`), leader),
			chromedp.Click(chromedp.CSS(card+` form[action$="/start"] button`)), chromedp.WaitVisible(chromedp.CSS(card+` form[action$="/finish"]`)))
		shot("receiving")
		step(t, ctx, "finish with 交办", chromedp.SetValue(chromedp.CSS(card+` select[name=outcome]`), string(visits.OutcomeHanded)),
			chromedp.Click(chromedp.CSS(card+` form[action$="/finish"] button`)), chromedp.WaitVisible(chromedp.CSS(card+` .desk-outcome a`)))
		text := bodyText(t, ctx)
		if !strings.Contains(text, "已接待：交办，案件") {
			t.Fatalf("not finished:\n%s", text)
		}
		shot("finished")
		r := f.registration(t, fmt.Sprint(first))
		if r.State != visits.DeskDone || r.Case == 0 || r.ReceivedBy != leader {
			t.Fatalf("finished registration: %+v", r)
		}
		// The case page, where the 交办 form lives, is one click away.
		step(t, ctx, "open the case", chromedp.Click(chromedp.CSS(card+` .desk-outcome a`)), chromedp.WaitVisible(chromedp.CSS(`h1`)))
		if text := bodyText(t, ctx); !strings.Contains(text, "办理中") {
			t.Errorf("the case page:\n%s", text)
		}
		// Hand the case to a unit from there (交办单).
		step(t, ctx, "hand the case over", chromedp.SetValue(chromedp.CSS(`#form-handover select[name=unit]`), "d02"),
			chromedp.Click(chromedp.CSS(`#form-handover button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(`p.notice, p.error`)))
		if text := bodyText(t, ctx); !strings.Contains(text, "已交办 县公安局") {
			t.Fatalf("not handed over:\n%s", text)
		}
		shot("case-handed")

		if i == 0 {
			// Ctrl+Enter in 反映事项 sends the form (static/zhiban.js, under the CSP).
			step(t, ctx, "register with Ctrl+Enter", chromedp.Navigate(base+"/staff/desk"), chromedp.WaitVisible(chromedp.CSS(`#desk-form`)),
				chromedp.SetValue(chromedp.CSS(`#desk-form [name="visitor.name"]`), "王某某"),
				chromedp.SetValue(chromedp.CSS(`#desk-form [name=township]`), "t03"),
				chromedp.SetValue(chromedp.CSS(`#desk-form [name=category]`), "环境"),
				chromedp.Focus(chromedp.CSS(`#desk-form textarea[name=matter]`)),
				chromedp.KeyEvent("河道垃圾无人清理"),
				chromedp.KeyEvent(kb.Enter, chromedp.KeyModifiers(chromedp.ModifierCtrl)),
				chromedp.WaitVisible(chromedp.CSS(`p.notice, p.error`)))
			if text := bodyText(t, ctx); !strings.Contains(text, "号：王某某（等候）") {
				t.Fatalf("Ctrl+Enter did not register:\n%s", text)
			}
		}
	}
	t.Logf("screenshots in %s", shots)
}
