package httpapi_test

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// evaluationCode makes the 评价码 of stage for the case at path through the API.
func (f *apiFixture) evaluationCode(t *testing.T, path, stage string) string {
	t.Helper()
	code, m, raw := f.do(t, "POST", path+"/evaluation-code", adminToken, map[string]any{"stage": stage})
	if code != http.StatusOK {
		t.Fatalf("evaluation code: %d %s", code, raw)
	}
	return m["code"].(map[string]any)["code"].(string)
}

func TestEvaluationsAPI(t *testing.T) {
	t.Parallel()
	f := newAPIFixture(t)
	path := f.acceptedCaseAPI(t)
	code, m, raw := f.do(t, "GET", path+"/evaluations", f.viewer, nil)
	if code != http.StatusOK {
		t.Fatalf("read: %d %s", code, raw)
	}
	stages := m["stages"].([]any)
	if len(stages) != 2 || stages[0].(map[string]any)["due"] != true || stages[1].(map[string]any)["due"] != false {
		t.Fatalf("stages %s", raw)
	}
	for _, tc := range []struct {
		name   string
		token  string
		body   any
		status int
		field  string
	}{
		{"viewer", f.viewer, map[string]any{"stage": "accept", "answer": "满意"}, http.StatusForbidden, ""},
		{"anonymous", "", map[string]any{"stage": "accept", "answer": "满意"}, http.StatusUnauthorized, ""},
		{"unknown stage", adminToken, map[string]any{"stage": "close", "answer": "满意"}, http.StatusBadRequest, "stage"},
		{"other answer", adminToken, map[string]any{"stage": "accept", "answer": petName}, http.StatusBadRequest, "answer"},
		{"not due", adminToken, map[string]any{"stage": "handle", "answer": "满意"}, http.StatusConflict, "stage"},
		{"invalid UTF-8", adminToken, "{\"stage\":\"accept\",\"answer\":\"满\xff\"}", http.StatusBadRequest, ""},
		{"bad date", adminToken, map[string]any{"stage": "accept", "answer": "满意", "on": "2026-02-30"}, http.StatusBadRequest, "on"},
		{"unknown field", adminToken, map[string]any{"stage": "accept", "answer": "满意", "name": "x"}, http.StatusBadRequest, "name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, m, raw := f.do(t, "POST", path+"/evaluations", tc.token, tc.body)
			if code != tc.status {
				t.Fatalf("status %d, want %d: %s", code, tc.status, raw)
			}
			if tc.field != "" {
				if e, _ := m["error"].(map[string]any); e["field"] != tc.field {
					t.Fatalf("field %v, want %s: %s", e["field"], tc.field, raw)
				}
			}
			if strings.Contains(raw, petName) {
				t.Fatalf("the refusal echoes a value: %s", raw)
			}
		})
	}
	code, m, raw = f.do(t, "POST", path+"/evaluations", adminToken, map[string]any{"stage": "accept", "answer": "满意"})
	if code != http.StatusCreated || m["evaluation"].(map[string]any)["source"] != "staff" {
		t.Fatalf("record: %d %s", code, raw)
	}
	code, m, raw = f.do(t, "POST", path+"/evaluations", adminToken, map[string]any{"stage": "accept", "answer": "不满意"})
	if e, _ := m["error"].(map[string]any); code != http.StatusConflict || e["code"] != "already_evaluated" {
		t.Fatalf("second: %d %s", code, raw)
	}
	code, m, raw = f.do(t, "POST", path+"/evaluations", adminToken, map[string]any{"stage": "accept", "answer": "基本满意", "version": 1})
	if code != http.StatusOK || m["evaluation"].(map[string]any)["answer"] != "基本满意" {
		t.Fatalf("correct: %d %s", code, raw)
	}
	// A code for a stage not due is refused; one made is the same on the next call.
	if code, _, raw := f.do(t, "POST", path+"/evaluation-code", adminToken, map[string]any{"stage": "handle"}); code != http.StatusConflict {
		t.Fatalf("code for a stage not due: %d %s", code, raw)
	}
	if code, _, _ := f.do(t, "POST", path+"/evaluation-code", f.viewer, map[string]any{"stage": "accept"}); code != http.StatusForbidden {
		t.Fatalf("a viewer made a code: %d", code)
	}
	if a, b := f.evaluationCode(t, path, "accept"), f.evaluationCode(t, path, "accept"); a != b || len(a) != 14 {
		t.Fatalf("codes %q %q", a, b)
	}
}

// publicClient connects from the loopback address local, as its own petitioner.
func publicClient(local string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}}
	return &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}
}

// answer posts the public form with headers as a browser on the site sends them.
func answer(t *testing.T, hc *http.Client, base string, form url.Values, header map[string]string) (int, string, http.Header) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+"/evaluate", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	for k, v := range header {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	resp, b := roundTrip(t, hc, req)
	return resp.StatusCode, string(b), resp.Header
}

func TestEvaluatePage(t *testing.T) {
	t.Parallel()
	f := newAPIFixture(t)
	path := f.acceptedCaseAPI(t)
	code := f.evaluationCode(t, path, "accept")
	me := publicClient("127.0.0.3")
	private := []string{petName, petPhone, petAddr, petText, "2026-0", code}

	get, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/evaluate", nil)
	resp, page := roundTrip(t, me, get)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Cache-Control") != "no-store" || !strings.Contains(string(page), "评价码") ||
		!strings.Contains(string(page), `name="website"`) || resp.Header.Get("X-Frame-Options") != "DENY" {
		t.Fatalf("GET: %d %v\n%s", resp.StatusCode, resp.Header, page)
	}

	form := func(c, a string) url.Values { return url.Values{"code": {c}, "answer": {a}, "website": {""}} }
	for _, tc := range []struct {
		name   string
		form   url.Values
		header map[string]string
		status int
		want   string
	}{
		{"cross-site", form(code, "满意"), map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden, "本站"},
		{"other origin", form(code, "满意"), map[string]string{"Sec-Fetch-Site": "", "Origin": "https://evil.example"}, http.StatusForbidden, "本站"},
		{"null origin", form(code, "满意"), map[string]string{"Sec-Fetch-Site": "", "Origin": "null"}, http.StatusForbidden, "本站"},
		{"honeypot", url.Values{"code": {code}, "answer": {"满意"}, "website": {"http://spam.example"}}, nil, http.StatusBadRequest, "刷新"},
		{"no answer", form(code, ""), nil, http.StatusBadRequest, "请选择"},
		{"invalid UTF-8", form("ABCD\xff\xfe", "满意"), nil, http.StatusBadRequest, "UTF-8"},
		{"malformed", form("<script>1</script>", "满意"), nil, http.StatusBadRequest, "12 位"},
		{"long body", form(strings.Repeat("A", 8000), "满意"), nil, http.StatusRequestEntityTooLarge, "过大"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body, _ := answer(t, me, f.srv.URL, tc.form, tc.header)
			if status != tc.status || !strings.Contains(body, tc.want) || !utf8.ValidString(body) || strings.Contains(body, "<script>1") {
				t.Fatalf("status %d, want %d with %q:\n%s", status, tc.status, tc.want, body)
			}
		})
	}
	// Without Fetch Metadata and Origin (an old browser), the code decides.
	status, body, hdr := answer(t, me, f.srv.URL, form(strings.ToLower(code), "不满意"), map[string]string{"Sec-Fetch-Site": "", "Origin": ""})
	if status != http.StatusOK || !strings.Contains(body, "评价已提交") || !strings.Contains(body, "受理") || hdr.Get("Cache-Control") != "no-store" {
		t.Fatalf("answer: %d\n%s", status, body)
	}
	for _, p := range private {
		if strings.Contains(body, p) {
			t.Fatalf("the answer page shows %q", p)
		}
	}
	// One answer per code, said politely.
	status, body, _ = answer(t, me, f.srv.URL, form(code, "满意"), nil)
	if status != http.StatusConflict || !strings.Contains(body, "无需重复") {
		t.Fatalf("second answer: %d\n%s", status, body)
	}
	code2, m, raw := f.do(t, "GET", path+"/evaluations", adminToken, nil)
	ev := m["stages"].([]any)[0].(map[string]any)["evaluation"].(map[string]any)
	if code2 != http.StatusOK || ev["source"] != "code" || ev["answer"] != "不满意" || ev["recorded_by"] != "评价码" {
		t.Fatalf("stored: %s", raw)
	}
	if logs := f.logs.String(); strings.Contains(logs, petName) || strings.Contains(logs, strings.ReplaceAll(code, "-", "")) {
		t.Fatalf("the log holds private data:\n%s", logs)
	}
}

// Fifty guesses from one address are refused politely after the limit; a
// petitioner elsewhere still answers with a right code.
func TestEvaluateGuessingIsThrottled(t *testing.T) {
	t.Parallel()
	f := newAPIFixture(t)
	path := f.acceptedCaseAPI(t)
	code := f.evaluationCode(t, path, "accept")
	guesser := publicClient("127.0.0.4")
	var wrong, refused int
	for i := 0; i < 50; i++ {
		status, body, hdr := answer(t, guesser, f.srv.URL, url.Values{"code": {"ABCD-EFGH-" + guess(i)}, "answer": {"满意"}}, nil)
		switch {
		case status == http.StatusBadRequest && strings.Contains(body, "评价码不正确"):
			wrong++
		case status == http.StatusTooManyRequests && strings.Contains(body, "次数过多") && hdr.Get("Retry-After") != "":
			refused++
		default:
			t.Fatalf("guess %d: %d\n%s", i, status, body)
		}
	}
	if wrong != 20 || refused != 30 {
		t.Fatalf("%d wrong, %d refused", wrong, refused)
	}
	// The right code from the guesser's address waits too.
	if status, _, _ := answer(t, guesser, f.srv.URL, url.Values{"code": {code}, "answer": {"满意"}}, nil); status != http.StatusTooManyRequests {
		t.Fatalf("right code from the locked address: %d", status)
	}
	status, body, _ := answer(t, publicClient("127.0.0.5"), f.srv.URL, url.Values{"code": {code}, "answer": {"满意"}}, nil)
	if status != http.StatusOK || !strings.Contains(body, "评价已提交") {
		t.Fatalf("another address: %d\n%s", status, body)
	}
}

// guess is the i-th of 4096 well-formed code tails.
func guess(i int) string {
	const digits = "23456789"
	return fmt.Sprintf("%c%c%c%c", digits[i>>9&7], digits[i>>6&7], digits[i>>3&7], digits[i&7])
}
