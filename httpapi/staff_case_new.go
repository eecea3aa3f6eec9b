package httpapi

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"zhiban/fault"
	"zhiban/service"
	"zhiban/visits"
)

// showNewCaseForm shows the 信访事项登记 form, received today by default.
func (s *Server) showNewCaseForm(c echo.Context) error {
	form := url.Values{"received": {s.today().String()}, "group_size": {"1"}}
	return s.renderNewCaseForm(c, http.StatusOK, form, nil)
}

type caseNewPage struct {
	staffLayout
	Form       url.Values // what was typed
	ErrField   string     // the field a refusal names, marked on the form
	Names      workNames
	Categories []visits.Category
	Channels   []visits.Channel
	NextCode   string // the code the case gets if none is typed
	MaxRep     int
	MaxGroup   int
}

// renderNewCaseForm renders the form with typed values and a refusal's marked field.
func (s *Server) renderNewCaseForm(c echo.Context, status int, form url.Values, failure error) error {
	ctx := c.Request().Context()
	n, err := s.workNames(ctx)
	if err != nil {
		return err
	}
	received, _ := formDate(c, "received")
	if received == 0 {
		received = s.today()
	}
	next, err := s.store.NextCaseCode(ctx, received.Year())
	if err != nil {
		return err
	}
	p := &caseNewPage{Form: form, Names: n, Categories: visits.Categories, Channels: visits.Channels,
		NextCode: next, MaxRep: visits.MaxRepresentatives, MaxGroup: visits.MaxGroupSize}
	if failure != nil {
		ff, err := asFormFailure(failure)
		if err != nil {
			return err
		}
		status, p.Error, p.ErrField = ff.Status, ff.Msg, errorField(failure)
	}
	return s.renderStaff(c, status, "staff/case_new.html", "cases", "信访事项登记", p)
}

func errorField(err error) string {
	if fe := fault.Classify(err); fe != nil {
		return fe.Field
	}
	return ""
}

// postNewCase registers a case and shows it; a refusal keeps everything typed.
func (s *Server) postNewCase(c echo.Context) error {
	form, _ := c.FormParams()
	delete(form, "csrf")
	in, err := caseInputFromForm(c)
	if err == nil {
		var k service.CaseView
		if k, err = s.svc.RegisterCase(c.Request().Context(), s.call(c), in); err == nil {
			return s.redirectDone(c, fmt.Sprintf("/staff/cases/%d", k.ID), "已登记案件 "+k.Code)
		}
	}
	return s.renderNewCaseForm(c, http.StatusBadRequest, form, err)
}

// caseInputFromForm checks only types; RegisterCase checks the values.
func caseInputFromForm(c echo.Context) (service.CaseInput, error) {
	v := func(name string) string { return strings.TrimSpace(c.FormValue(name)) }
	in := service.CaseInput{
		Code: v("code"), Title: v("title"), Category: visits.Category(v("category")), Township: v("township"),
		Channel: visits.Channel(v("channel")), Content: v("content"), Leader: v("leader"), Unit: v("unit"),
		Petitioner: visits.Petitioner{Name: v("petitioner.name"), Phone: v("petitioner.phone"), Address: v("petitioner.address")},
		Key:        c.FormValue("key") == "1",
	}
	var err error
	if in.Received, err = formDate(c, "received"); err != nil {
		return in, err
	}
	if in.GroupSize, err = formInt(c, "group_size"); err != nil {
		return in, err
	}
	if in.Representatives, err = formInt(c, "representatives"); err != nil {
		return in, err
	}
	return in, nil
}
