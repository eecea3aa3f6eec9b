package httpapi_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"zhiban/roster"
	"zhiban/store"
	"zhiban/visits"
)

// hostileName is a petitioner's name that tries to break out of HTML and of a w:t.
const hostileName = `王</w:t><w:t><script>x</script>`

// acceptedCase stores a case accepted on 2026-11-21 whose petitioner is name.
func acceptedCase(t *testing.T, st *store.Store, name string) visits.Case {
	t.Helper()
	k, err := st.CreateCase(context.Background(), visits.Case{Code: "2026-0101", Title: "征地补偿款未到位", Category: "征地拆迁",
		Township: "t01", Received: roster.MustDate("2026-11-20"), Channel: "来访", Petitioner: visits.Petitioner{Name: name},
		GroupSize: 1, Leader: "L01", State: visits.StateAccepted, Accepted: roster.MustDate("2026-11-21")}, "test")
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// docxBodyText is word/document.xml of a .docx.
func docxBodyText(t *testing.T, b []byte) string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("not a docx: %v", err)
	}
	for _, f := range z.File {
		if f.Name == "word/document.xml" {
			r, _ := f.Open()
			defer r.Close()
			body, _ := io.ReadAll(r)
			return string(body)
		}
	}
	t.Fatal("no word/document.xml")
	return ""
}

func TestCaseDocumentsFromTheCasePage(t *testing.T) {
	t.Parallel()
	f := newStaffFixture(t)
	k := acceptedCase(t, f.store, hostileName)
	editor, viewer := f.loggedIn(t, "editor"), f.loggedIn(t, "viewer")
	casePath := fmt.Sprintf("/staff/cases/%d", k.ID)

	code, body := editor.get(casePath)
	if code != 200 || !strings.Contains(body, `<section id="documents">`) || !strings.Contains(body, `value="accept"`) ||
		strings.Contains(body, `value="reject"`) || strings.Contains(body, `value="opinion"`) {
		t.Fatalf("case page offers the wrong documents (%d):\n%s", code, body)
	}
	if _, body := viewer.get(casePath); strings.Contains(body, `id="documents"`) {
		t.Error("a viewer is offered documents")
	}
	// A document the state does not support is refused on the case page.
	code, body = editor.post(casePath+"/documents", url.Values{"kind": {"extension"}})
	if code != http.StatusConflict || !strings.Contains(body, "没有延长办理期限") {
		t.Fatalf("extension notice: %d", code)
	}
	code, _ = editor.post(casePath+"/documents", url.Values{"kind": {"accept"}})
	if code != http.StatusSeeOther {
		t.Fatalf("issue: %d", code)
	}
	printPath := fmt.Sprintf("/staff/documents/accept/%d", k.ID)
	req, _ := http.NewRequest("GET", editor.base+printPath, nil)
	code, page, h := editor.do(req)
	if code != 200 || !strings.Contains(h.Get("Content-Security-Policy"), "style-src 'self'") || h.Get("Cache-Control") != "no-store" {
		t.Fatalf("print page: %d %v", code, h)
	}
	for _, want := range []string{"示信受〔2026〕1号", "王&lt;/w:t&gt;&lt;w:t&gt;&lt;script&gt;", "2026年11月21日依法受理",
		"示例县群众工作部", "2026年12月1日", "（盖章）", `href="/static/paper.css"`, printPath + ".docx"} {
		if !strings.Contains(page, want) {
			t.Errorf("print page lacks %q", want)
		}
	}
	if strings.Contains(page, "<script>") || strings.Contains(page, "style=") {
		t.Error("print page carries inline script or style")
	}
	if _, body := editor.get(casePath); !strings.Contains(body, "示信受〔2026〕1号") {
		t.Error("the case page does not show the issued 文号")
	}
	// Issuing again keeps the number.
	editor.post(casePath+"/documents", url.Values{"kind": {"accept"}})
	if _, page := editor.get(printPath); !strings.Contains(page, "示信受〔2026〕1号") {
		t.Error("issuing again changed the number")
	}

	req, _ = http.NewRequest("GET", editor.base+printPath+".docx", nil)
	resp, raw := roundTrip(t, editor.hc, req)
	cd := resp.Header.Get("Content-Disposition")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document") ||
		!strings.Contains(cd, "filename*=UTF-8''"+url.PathEscape("受理告知书-示信受〔2026〕1号.docx")) || !strings.Contains(cd, `filename="accept-2026-1.docx"`) {
		t.Fatalf("docx: %d %v", resp.StatusCode, resp.Header)
	}
	doc := docxBodyText(t, raw)
	if !strings.Contains(doc, "示信受〔2026〕1号") || !strings.Contains(doc, "王&lt;/w:t&gt;&lt;w:t&gt;&lt;script&gt;") {
		t.Errorf("docx text:\n%s", doc)
	}

	if code, _ := viewer.get(printPath); code != http.StatusForbidden {
		t.Errorf("viewer print page: %d", code)
	}
	if code, _ := editor.get(fmt.Sprintf("/staff/documents/reject/%d", k.ID)); code != http.StatusNotFound {
		t.Errorf("a document never issued: %d", code)
	}
	if code, _ := editor.get(fmt.Sprintf("/staff/documents/nonsense/%d", k.ID)); code != http.StatusNotFound {
		t.Errorf("an unknown kind: %d", code)
	}
	if code, _ := f.client(t).get("/static/paper.css"); code != 200 {
		t.Errorf("paper.css: %d", code)
	}
	entries, err := f.store.AuditLog(context.Background(), store.AuditFilter{Entity: "document"})
	if err != nil || len(entries) != 1 || entries[0].Actor != "editor" {
		t.Errorf("audit: %+v %v", entries, err)
	}
}

func TestDocumentsAPI(t *testing.T) {
	t.Parallel()
	f := newAPIFixture(t)
	k := acceptedCase(t, f.store, petName)
	code, m, raw := f.do(t, "POST", "/api/v1/documents", adminToken, map[string]any{"kind": "accept", "subject": k.ID})
	if code != 200 || m["document"].(map[string]any)["number"] != "示信受〔2026〕1号" || m["docx"] != fmt.Sprintf("/staff/documents/accept/%d.docx", k.ID) {
		t.Fatalf("issue: %d %s", code, raw)
	}
	if code, m, _ := f.do(t, "POST", "/api/v1/documents", adminToken, map[string]any{"kind": "accept", "subject": k.ID}); code != 200 ||
		m["document"].(map[string]any)["number"] != "示信受〔2026〕1号" {
		t.Errorf("issue again: %d %v", code, m)
	}
	if code, _, raw := f.do(t, "POST", "/api/v1/documents", adminToken, map[string]any{"kind": "review", "subject": k.ID}); code != 409 ||
		!strings.Contains(raw, "尚未出具复查意见") {
		t.Errorf("review of an accepted case: %d %s", code, raw)
	}
	if code, _, raw := f.do(t, "POST", "/api/v1/documents", adminToken, map[string]any{"kind": "accept", "subject": 99999}); code != 404 {
		t.Errorf("no such case: %d %s", code, raw)
	}
	if code, _, _ := f.do(t, "POST", "/api/v1/documents", f.viewer, map[string]any{"kind": "accept", "subject": k.ID}); code != 403 {
		t.Errorf("viewer issues: %d", code)
	}
	if code, _, _ := f.do(t, "GET", fmt.Sprintf("/api/v1/documents/accept/%d", k.ID), f.viewer, nil); code != 403 {
		t.Errorf("viewer reads: %d", code)
	}
	code, m, raw = f.do(t, "GET", fmt.Sprintf("/api/v1/documents/accept/%d", k.ID), adminToken, nil)
	doc, _ := m["document"].(map[string]any)
	if code != 200 || doc["title"] != "受理告知书" || !strings.Contains(raw, petName) || doc["issued_on"] != "2026-12-01" {
		t.Fatalf("read: %d %s", code, raw)
	}
	req, _ := http.NewRequest("GET", f.srv.URL+fmt.Sprintf("/api/v1/documents/accept/%d.docx", k.ID), nil)
	req.Header.Set("Authorization", "Bearer "+adminToken)
	resp, b := roundTrip(t, http.DefaultClient, req)
	if resp.StatusCode != 200 || !strings.Contains(docxBodyText(t, b), petName) {
		t.Errorf("docx: %d", resp.StatusCode)
	}
	// The petitioner's name never reaches a log line.
	if strings.Contains(f.logs.String(), petName) {
		t.Error("a log line names the petitioner")
	}
}
