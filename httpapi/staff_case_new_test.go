package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"zhiban/store"
	"zhiban/visits"
)

func TestRegisterCaseForm(t *testing.T) {
	f := newWorkFixture(t)
	ctx := context.Background()
	editor, viewer := f.loggedIn(t, "editor"), f.loggedIn(t, "viewer")

	_, body := editor.get("/staff/cases")
	mustContain(t, "case list", body, `href="/staff/cases/new"`, "登记新案件")
	if _, body := viewer.get("/staff/cases"); strings.Contains(body, "登记新案件") {
		t.Error("a viewer is offered 登记新案件")
	}
	if code, _ := viewer.get("/staff/cases/new"); code != http.StatusForbidden {
		t.Errorf("viewer GET /staff/cases/new: %d", code)
	}
	code, body := editor.get("/staff/cases/new")
	if code != http.StatusOK {
		t.Fatalf("form: %d", code)
	}
	next, err := f.store.NextCaseCode(ctx, f.today.Year())
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, "form", body, "信访事项登记", `value="`+f.today.String()+`"`, next, "征地拆迁", "来访", `name="petitioner.phone"`, `name="leader"`)

	good := url.Values{"title": {"某小区物业纠纷"}, "category": {"其他"}, "township": {"t03"}, "received": {f.today.String()},
		"channel": {"来访"}, "petitioner.name": {"王某某"}, "petitioner.phone": {"13800001111"}, "petitioner.address": {"东风村三组"},
		"group_size": {"8"}, "representatives": {"3"}, "leader": {"L02"}, "unit": {"县住建局"}, "content": {"诉求内容丙"}}

	// Each refusal re-renders the form with a message naming the field and
	// every typed value kept.
	bad := []struct {
		name, field, value, want string
	}{
		{"no title", "title", "", "标题："},
		{"unknown category", "category", "打架", "类别："},
		{"no township", "township", "", "乡镇："},
		{"unknown township", "township", "t99", "乡镇：乡镇不存在"},
		{"bad date", "received", "2026-13-01", "收到日期："},
		{"no channel", "channel", "", "渠道："},
		{"no petitioner", "petitioner.name", "", "信访人姓名："},
		{"bad phone", "petitioner.phone", "12ab", "联系电话："},
		{"six representatives", "representatives", "6", "代表人数：集体访推选的代表不得超过5人"},
		{"more representatives than people", "group_size", "2", "代表人数不能多于来访人数"},
		{"bad group size", "group_size", "很多", "来访人数："},
		{"unknown leader", "leader", "L999", "领导：领导不存在"},
		{"bad code", "code", "42", "案件编号："},
	}
	for _, b := range bad {
		t.Run(b.name, func(t *testing.T) {
			form := clone(good)
			form.Set(b.field, b.value)
			code, body := editor.post("/staff/cases", form)
			if code != http.StatusBadRequest {
				t.Fatalf("status %d, want 400", code)
			}
			mustContain(t, b.name, body, b.want, `name="`+b.field+`"`, "东风村三组", "诉求内容丙", "县住建局")
			if b.field != "title" {
				mustContain(t, b.name, body, `value="某小区物业纠纷"`)
			}
			if b.field != "township" {
				mustContain(t, b.name, body, `<option value="t03" selected>`)
			}
		})
	}
	if cs, _ := f.store.Cases(ctx, store.CaseFilter{}); caseTitled(cs, "某小区物业纠纷") {
		t.Fatal("a refused registration was stored")
	}

	// Without a code the case gets the year's next one, and the browser goes to it.
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/staff/cases", strings.NewReader(withCSRF(good, editor.csrf).Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	code, _, h := editor.do(req)
	if code != http.StatusSeeOther {
		t.Fatalf("register: %d", code)
	}
	k := f.caseByCode(t, next)
	if want := fmt.Sprintf("/staff/cases/%d?done=", k.ID); !strings.HasPrefix(h.Get("Location"), want) {
		t.Fatalf("redirect to %s, want %s…", h.Get("Location"), want)
	}
	if k.Title != "某小区物业纠纷" || k.Township != "t03" || k.State != visits.StateReceived || k.GroupSize != 8 || k.Representatives != 3 ||
		k.Petitioner.Phone != "13800001111" || k.Leader != "L02" || k.Unit != "县住建局" || k.Received != f.today {
		t.Fatalf("stored %+v", k)
	}
	_, body = editor.get(h.Get("Location"))
	mustContain(t, "case page", body, "已登记案件 "+next, "某小区物业纠纷")
	assertAuditedBy(t, f, "editor", "case", fmt.Sprint(k.ID))

	// The same code again is a conflict, shown on the form.
	form := clone(good)
	form.Set("code", next)
	code, body = editor.post("/staff/cases", form)
	if code != http.StatusConflict {
		t.Fatalf("duplicate code: %d", code)
	}
	mustContain(t, "duplicate", body, "案件编号 "+next+" 已存在", `value="`+next+`"`)
}

func caseTitled(cs []visits.Case, title string) bool {
	for _, k := range cs {
		if k.Title == title {
			return true
		}
	}
	return false
}

func withCSRF(v url.Values, csrf string) url.Values {
	out := clone(v)
	out.Set("csrf", csrf)
	return out
}

// assertAuditedBy checks that actor wrote an audit entry about entity id.
func assertAuditedBy(t *testing.T, f *staffFixture, actor, entity, id string) {
	t.Helper()
	entries, err := f.store.AuditLog(context.Background(), store.AuditFilter{Entity: entity})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.EntityID == id && e.Actor == actor {
			return
		}
	}
	t.Errorf("no audit entry for %s %s by %s", entity, id, actor)
}
