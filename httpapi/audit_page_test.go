package httpapi_test

import (
	"net/http"
	"regexp"
	"testing"
)

// The audit page once printed the log's compact form ("carry L05 2026-11-26
// … planned", "case=10 resolved=false"); it now shows Chinese sentences.
func TestAuditPageSpeaksChinese(t *testing.T) {
	f := newWorkFixture(t)
	code, body := f.loggedIn(t, "viewer").get("/staff/audit")
	if code != http.StatusOK {
		t.Fatalf("audit page: %d", code)
	}
	for _, bad := range []string{`resolved=`, `case=\d`, `carry L\d`, `包案领导=`, `\b(planned|confirmed|filed)\b`} {
		if m := regexp.MustCompile(bad).FindString(body); m != "" {
			t.Errorf("audit page shows %q", m)
		}
	}
	mustContain(t, "audit page", body, "转为案件 2026-0907。")
	mustContain(t, "audit page", body, "新建走访：")
}
