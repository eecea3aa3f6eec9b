package httpapi_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"zhiban/secret"
	"zhiban/store"
	"zhiban/visits"
)

// phoneCase is a demo case with a petitioner's phone.
func phoneCase(t *testing.T, f *staffFixture) visits.Case {
	t.Helper()
	cs, err := f.store.Cases(context.Background(), store.CaseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range cs {
		if len(k.Petitioner.Phone) == 11 {
			return k
		}
	}
	t.Fatal("no demo case has a phone")
	return visits.Case{}
}

// unzipped is every part of an .xlsx, decompressed, so a search sees the cells.
func unzipped(t *testing.T, body string) string {
	t.Helper()
	zr, err := zip.NewReader(strings.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	var all bytes.Buffer
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(&all, rc)
		rc.Close()
	}
	return all.String()
}

func reveals(t *testing.T, f *staffFixture, id int64) int {
	t.Helper()
	es, err := f.store.AuditLog(context.Background(), store.AuditFilter{Entity: "case", EntityID: fmt.Sprint(id)})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range es {
		if e.Action == "reveal" {
			n++
			if strings.Contains(e.Before+e.After, "1") {
				t.Errorf("the audit row holds a number: %+v", e)
			}
		}
	}
	return n
}

// TestPhonesAreMaskedAndRevealAudited: pages, the JSON API and the ledger
// show a petitioner's phone masked to everyone; an editor's click reveals it
// and is audited; a viewer is refused; search by phone still finds the case.
func TestPhonesAreMaskedAndRevealAudited(t *testing.T) {
	f := newWorkFixture(t)
	editor, viewer := f.loggedIn(t, "editor"), f.loggedIn(t, "viewer")
	k := phoneCase(t, f)
	full, masked := k.Petitioner.Phone, secret.MaskPhone(k.Petitioner.Phone)
	page := fmt.Sprintf("/staff/cases/%d", k.ID)

	for who, c := range map[string]*client{"viewer": viewer, "editor": editor} {
		for _, path := range []string{page, "/staff/cases", fmt.Sprintf("/api/v1/cases/%d", k.ID), "/api/v1/cases?limit=500"} {
			code, body := c.get(path)
			if code != http.StatusOK || strings.Contains(body, full) {
				t.Errorf("%s GET %s: status %d, full phone shown: %v", who, path, code, strings.Contains(body, full))
			}
			if path == page || strings.HasPrefix(path, "/api/v1/cases/") {
				mustContain(t, who+" "+path, body, masked)
			}
		}
		code, body := c.get("/staff/cases.xlsx")
		if code != http.StatusOK || strings.Contains(unzipped(t, body), full[3:]) {
			t.Errorf("%s ledger: status %d or it holds the phone", who, code)
		}
		// Search by the whole number still finds the case (blind index).
		if code, body := c.get("/api/v1/cases?q=" + full); code != http.StatusOK || !strings.Contains(body, k.Code) ||
			strings.Contains(body, `"phone":"`+full) {
			t.Errorf("%s search by phone: %d %s", who, code, body)
		}
	}
	if _, body := viewer.get(page); strings.Contains(body, "查看完整号码") {
		t.Error("a viewer is offered the reveal")
	}
	if _, body := editor.get(page); !strings.Contains(body, "查看完整号码") {
		t.Error("an editor is not offered the reveal")
	}

	// A viewer is refused, by the page and by the API, and nothing is audited.
	for _, path := range []string{page + "/reveal", fmt.Sprintf("/api/v1/cases/%d/reveal", k.ID)} {
		if code, body := viewer.post(path, nil); code != http.StatusForbidden || strings.Contains(body, full) {
			t.Errorf("viewer POST %s: %d", path, code)
		}
	}
	if n := reveals(t, f, k.ID); n != 0 {
		t.Fatalf("%d reveals audited after refusals", n)
	}
	// Without the CSRF token an editor is refused too.
	if code, _ := editor.post(page+"/reveal", map[string][]string{"csrf": {""}}); code != http.StatusForbidden {
		t.Errorf("reveal without CSRF: %d", code)
	}

	code, body := editor.post(page+"/reveal", nil)
	if code != http.StatusOK {
		t.Fatalf("editor reveal: %d", code)
	}
	mustContain(t, "revealed page", body, full, "已记入操作日志")
	code, body = editor.post(fmt.Sprintf("/api/v1/cases/%d/reveal", k.ID), nil)
	if code != http.StatusOK || !strings.Contains(body, `"phone":"`+full+`"`) {
		t.Fatalf("editor API reveal: %d %s", code, body)
	}
	if n := reveals(t, f, k.ID); n != 2 {
		t.Fatalf("%d reveals audited, want 2", n)
	}
	_, body = viewer.get("/staff/audit")
	mustContain(t, "audit page", body, "查看了案件 "+k.Code+" 的联系电话")
	if strings.Contains(body, full) {
		t.Error("the audit page shows the phone")
	}
}
