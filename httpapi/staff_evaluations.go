package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"zhiban/service"
	"zhiban/visits"
)

// 满意度评价 recorded by staff: the case page's forms and the JSON API.

// evaluationForm reads a record or correction; the use case checks the values.
func evaluationForm(c echo.Context) (service.EvaluationInput, error) {
	in := service.EvaluationInput{Stage: visits.EvalStage(strings.TrimSpace(c.FormValue("stage"))),
		Answer: visits.Satisfaction(strings.TrimSpace(c.FormValue("answer"))), Version: formVersion(c)}
	var err error
	in.On, err = formDate(c, "on")
	return in, err
}

// postEvaluation records the petitioner's answer from the case page.
func (s *Server) postEvaluation(c echo.Context) error {
	id, err := apiPathID(c, "id")
	if err != nil {
		return err
	}
	in, err := evaluationForm(c)
	var res service.EvaluationResult
	if err == nil {
		res, err = s.svc.RecordEvaluation(c.Request().Context(), s.call(c), id, in)
	}
	if err != nil {
		return refusedForm(c, err, "evaluation-"+string(in.Stage), s.renderCasePage)
	}
	return s.redirectDone(c, fmt.Sprintf("/staff/cases/%d", id), res.Message)
}

type evaluationCodePage struct {
	staffLayout
	Case  int64
	Code  service.PrintedCode
	Organ string
	URL   string
}

// postEvaluationCode shows the stage's 评价码 on a slip to print and hand
// over (the same code on every visit); a POST, since the first one makes it.
func (s *Server) postEvaluationCode(c echo.Context) error {
	id, err := apiPathID(c, "id")
	if err != nil {
		return err
	}
	stage := visits.EvalStage(strings.TrimSpace(c.FormValue("stage")))
	code, err := s.svc.IssueEvaluationCode(c.Request().Context(), s.call(c), id, stage)
	if err != nil {
		return refusedForm(c, err, "evaluation-"+string(stage), s.renderCasePage)
	}
	organ, err := s.svc.EvaluateOrgan(c.Request().Context())
	if err != nil {
		return err
	}
	// The slip holds a credential: not kept by the browser.
	c.Response().Header().Set("Cache-Control", "no-store")
	p := &evaluationCodePage{Case: id, Code: code, Organ: organ, URL: s.publicBase(c) + code.Path}
	return s.renderStaff(c, http.StatusOK, "staff/evaluation_code.html", "cases", "评价码", p)
}

// listCaseEvaluations is GET /api/v1/cases/:id/evaluations: both stages, due or not.
func (s *Server) listCaseEvaluations(c echo.Context) error {
	id, err := apiPathID(c, "id")
	if err != nil {
		return err
	}
	out, err := s.svc.ReadCaseEvaluations(c.Request().Context(), s.call(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// recordEvaluationJSON is POST /api/v1/cases/:id/evaluations {stage, answer, on?, version?}.
func (s *Server) recordEvaluationJSON(c echo.Context) error {
	res, err := apiChange(s, c, s.svc.RecordEvaluation)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if res.Evaluation.Version > 1 {
		status = http.StatusOK
	}
	return c.JSON(status, res)
}

type codeRequest struct {
	Stage visits.EvalStage `json:"stage"`
}

// issueEvaluationCodeJSON is POST /api/v1/cases/:id/evaluation-code {stage}:
// the code to print, made on the first call.
func (s *Server) issueEvaluationCodeJSON(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	res, err := apiChange(s, c, func(ctx context.Context, call service.Call, id int64, in codeRequest) (service.PrintedCode, error) {
		return s.svc.IssueEvaluationCode(ctx, call, id, in.Stage)
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"code": res})
}
