package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"zhiban/roster"
	"zhiban/visits"
)

// Staff record the petitioner's answer on the case page: a refusal
// re-renders the page with the message and what was chosen, a second record
// is refused, a correction carries the version, and the slip shows the code.
func TestCaseEvaluationForms(t *testing.T) {
	t.Parallel()
	f := newWorkFixture(t)
	k := f.caseByCode(t, "2026-0900") // accepted, not yet answered
	editor := f.loggedIn(t, "editor")
	path := fmt.Sprintf("/staff/cases/%d", k.ID)

	code, body := editor.post(path+"/evaluations", url.Values{"stage": {"accept"}, "answer": {"不满意"}, "on": {"2027-01-01"}})
	if code != http.StatusBadRequest || !strings.Contains(body, "晚于今天") || !strings.Contains(body, `<option selected>不满意</option>`) {
		t.Fatalf("refusal: %d\n%s", code, body)
	}
	code, body = editor.post(path+"/evaluations", url.Values{"stage": {"handle"}, "answer": {"满意"}})
	if code != http.StatusConflict || !strings.Contains(body, "尚未出具处理意见") {
		t.Fatalf("stage not due: %d", code)
	}
	if code, _ = editor.post(path+"/evaluations", url.Values{"stage": {"accept"}, "answer": {"不满意"}}); code != http.StatusSeeOther {
		t.Fatalf("record: %d", code)
	}
	_, body = editor.get(path)
	if !strings.Contains(body, "<strong>不满意</strong>") || !strings.Contains(body, "更正受理评价") {
		t.Fatalf("the case page after recording:\n%s", body)
	}
	code, body = editor.post(path+"/evaluations", url.Values{"stage": {"accept"}, "answer": {"满意"}})
	if code != http.StatusConflict || !strings.Contains(body, "每个阶段只评价一次") {
		t.Fatalf("second record: %d", code)
	}
	if code, _ = editor.post(path+"/evaluations", url.Values{"stage": {"accept"}, "answer": {"基本满意"}, "version": {"1"}}); code != http.StatusSeeOther {
		t.Fatalf("correct: %d", code)
	}
	if ev, err := f.store.Evaluation(t.Context(), k.ID, "accept"); err != nil || ev.Answer != "基本满意" || ev.Version != 2 {
		t.Fatalf("stored %+v %v", ev, err)
	}
	// A case whose stage is answered offers no code; another accepted one does, the same twice.
	other := f.caseByCode(t, "2026-0903")
	opath := fmt.Sprintf("/staff/cases/%d/evaluation-code", other.ID)
	_, first := editor.post(opath, url.Values{"stage": {"accept"}})
	_, second := editor.post(opath, url.Values{"stage": {"accept"}})
	if !strings.Contains(first, "满意度评价码") || slipCode(first) == "" || slipCode(first) != slipCode(second) {
		t.Fatalf("slips:\n%s\n%s", first, second)
	}
}

func slipCode(page string) string {
	_, rest, ok := strings.Cut(page, `class="slip-code"><strong>`)
	if !ok {
		return ""
	}
	code, _, _ := strings.Cut(rest, "<")
	return code
}

// evaluationParityRows run 满意度评价 through the API and the case page alike.
func evaluationParityRows() []parityRow {
	const code = "2026-0900" // accepted, not yet evaluated
	evaluated := func(t *testing.T, e *parityEnv, versions int) {
		k := e.caseByCode(t, code)
		ev := visits.Evaluation{Case: k.ID, Stage: visits.StageAccept, Answer: visits.Satisfied, Source: visits.SourceStaff,
			AnsweredOn: roster.MustDate(parityToday), RecordedBy: "other"}
		if _, err := e.st.CreateEvaluation(context.Background(), ev, "other"); err != nil {
			t.Fatal(err)
		}
		for v := 1; v < versions; v++ {
			if _, err := e.st.SaveEvaluation(context.Background(), ev, v, "other"); err != nil {
				t.Fatal(err)
			}
		}
	}
	row := func(name string, status int, field string, body map[string]any, setup func(*testing.T, *parityEnv)) parityRow {
		return parityRow{name: name, status: status, field: field, setup: setup,
			api: func(t *testing.T, e *parityEnv) parityReq {
				return parityReq{"POST", fmt.Sprintf("/api/v1/cases/%d/evaluations", e.caseByCode(t, code).ID), body}
			},
			form: func(t *testing.T, e *parityEnv) parityReq {
				form := url.Values{}
				for k, v := range body {
					form.Set(k, fmt.Sprint(v))
				}
				return parityReq{"POST", fmt.Sprintf("/staff/cases/%d/evaluations", e.caseByCode(t, code).ID), form}
			}}
	}
	return []parityRow{
		row("record an evaluation", 201, "", map[string]any{"stage": "accept", "answer": "满意"}, nil),
		row("record an evaluation of a stage not due", 409, "stage", map[string]any{"stage": "handle", "answer": "满意"}, nil),
		row("record an evaluation with another answer", 400, "answer", map[string]any{"stage": "accept", "answer": "很好"}, nil),
		row("record a second evaluation", 409, "", map[string]any{"stage": "accept", "answer": "不满意"},
			func(t *testing.T, e *parityEnv) { evaluated(t, e, 1) }),
		row("correct an evaluation", 200, "", map[string]any{"stage": "accept", "answer": "不满意", "version": 1},
			func(t *testing.T, e *parityEnv) { evaluated(t, e, 1) }),
		row("correct an evaluation with a stale version", 409, "", map[string]any{"stage": "accept", "answer": "不满意", "version": 1},
			func(t *testing.T, e *parityEnv) { evaluated(t, e, 2) }),
	}
}
