package httpapi

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"zhiban/fault"
	"zhiban/service"
	"zhiban/visits"
)

// 满意度评价 by the petitioner: /evaluate takes the 评价码 printed on the
// 告知书 or 意见书 and one answer. No login and no CSRF token (nothing to
// sign in to), but a same-origin POST only; no page caches it, and it shows
// nothing of the case but the stage and the organ.

// evaluateBodyLimit bounds the form: a code, an answer and the honeypot.
const evaluateBodyLimit = 4 << 10

type evaluatePage struct {
	Title, Desc string
	Organ       string
	Answers     []visits.Satisfaction
	Code        string // as typed, after a refusal
	Answer      string
	Error       string
	Done        *service.CodeAnswered
}

func (s *Server) showEvaluate(c echo.Context) error {
	return s.renderEvaluate(c, http.StatusOK, evaluatePage{})
}

// postEvaluate records the answer; every refusal re-renders the form in Chinese.
func (s *Server) postEvaluate(c echo.Context) error {
	req := c.Request()
	if !sameOrigin(req, s.cfg.PublicURL) {
		return s.renderEvaluate(c, http.StatusForbidden, evaluatePage{Error: "请在本站的评价页面填写并提交评价。"})
	}
	in := service.CodeAnswer{Code: c.FormValue("code"), Answer: visits.Satisfaction(c.FormValue("answer")), Trap: c.FormValue("website")}
	p := evaluatePage{Code: shown(in.Code, 40), Answer: shown(string(in.Answer), 10)}
	done, err := s.svc.AnswerByCode(req.Context(), s.now(), c.RealIP(), in)
	var locked *service.CodeLocked
	switch {
	case errors.As(err, &locked):
		wait := max(1, int(locked.Until.Sub(s.now()).Round(time.Minute)/time.Minute))
		c.Response().Header().Set("Retry-After", strconv.Itoa(wait*60))
		p.Error = fmt.Sprintf("评价码输错次数过多。为防止他人猜测评价码，请约 %d 分钟后（%s 以后）再试。", wait,
			locked.Until.In(s.cfg.Location).Format("15:04"))
		return s.renderEvaluate(c, http.StatusTooManyRequests, p)
	case err != nil:
		fe := fault.Classify(err)
		if fe == nil {
			return err
		}
		p.Error = fe.Msg
		if fe.StableCode() == "already_evaluated" {
			p.Code, p.Answer = "", ""
		}
		return s.renderEvaluate(c, kindStatus[fe.Kind], p)
	}
	p.Done, p.Code, p.Answer = &done, "", ""
	return s.renderEvaluate(c, http.StatusOK, p)
}

func (s *Server) renderEvaluate(c echo.Context, status int, p evaluatePage) error {
	// An answer page is a write's result: never kept by a browser or a proxy.
	c.Response().Header().Set("Cache-Control", "no-store")
	organ, err := s.svc.EvaluateOrgan(c.Request().Context())
	if err != nil {
		return err
	}
	p.Title, p.Organ = "信访事项满意度评价", organ
	p.Desc = organ + "信访事项受理、办理满意度评价"
	p.Answers = []visits.Satisfaction{visits.Satisfied, visits.FairlySatisfed, visits.Dissatisfied}
	return s.render(c, status, "evaluate.html", p)
}

// shown is typed text fit to show back: valid UTF-8, at most n characters.
func shown(v string, n int) string {
	v = strings.ToValidUTF8(v, "")
	if utf8.RuneCountInString(v) > n {
		v = string([]rune(v)[:n])
	}
	return v
}

// sameOrigin reports whether a form POST comes from this site's own page:
// Sec-Fetch-Site when the browser sends it, else Origin against the request's
// host (or public_url's, behind a proxy that rewrites Host). A client that
// sends neither (an old browser, a script) is let through: it could not
// ride on a visitor's browser anyway, and the code is the credential.
func sameOrigin(req *http.Request, publicURL string) bool {
	switch req.Header.Get("Sec-Fetch-Site") {
	case "same-origin", "none":
		return true
	case "":
	default:
		return false
	}
	origin := req.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false // "null" and junk
	}
	if strings.EqualFold(u.Host, req.Host) {
		return true
	}
	if pu, err := url.Parse(publicURL); publicURL != "" && err == nil && strings.EqualFold(u.Host, pu.Host) {
		return true
	}
	return false
}
