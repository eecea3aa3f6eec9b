package httpapi

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"zhiban/service"
	"zhiban/visits"
)

// postHandOver hands the case to a unit from the case page's 交办 form.
func (s *Server) postHandOver(c echo.Context) error {
	id, err := apiPathID(c, "id")
	if err != nil {
		return err
	}
	in := service.HandoverInput{Unit: strings.TrimSpace(c.FormValue("unit")), Version: formVersion(c)}
	var h service.HandoverView
	if in.Due, err = formDate(c, "due"); err == nil {
		h, err = s.svc.HandOver(c.Request().Context(), s.call(c), id, in)
	}
	if err != nil {
		return refusedForm(c, err, "handover", s.renderCasePage)
	}
	return s.redirectDone(c, fmt.Sprintf("/staff/cases/%d", id), fmt.Sprintf("已交办 %s，办结期限 %s", h.UnitName, h.Due))
}

// postHandoverDecline records the unit's 不属于本单位职责 from the case page.
func (s *Server) postHandoverDecline(c echo.Context) error {
	return s.postHandoverAct(c, "decline", func(caseID, id int64) (service.HandoverView, error) {
		in := service.DeclineInput{Version: formVersion(c), Reason: strings.TrimSpace(c.FormValue("reason")), Case: caseID}
		var err error
		if in.On, err = formDate(c, "on"); err != nil {
			return service.HandoverView{}, err
		}
		return s.svc.DeclineHandover(c.Request().Context(), s.call(c), id, in)
	}, func(h service.HandoverView) string {
		return h.UnitName + " 已退回，案件回到办公室，可重新交办"
	})
}

// postHandoverReport records the unit's 办结报告 from the case page.
func (s *Server) postHandoverReport(c echo.Context) error {
	return s.postHandoverAct(c, "report", func(caseID, id int64) (service.HandoverView, error) {
		in := service.ReportInput{Version: formVersion(c), Report: c.FormValue("report"), Case: caseID}
		var err error
		if in.On, err = formDate(c, "on"); err != nil {
			return service.HandoverView{}, err
		}
		return s.svc.ReportHandover(c.Request().Context(), s.call(c), id, in)
	}, func(h service.HandoverView) string {
		if h.Late {
			return fmt.Sprintf("已记录 %s 的办结报告（逾期 %d 天报送）", h.UnitName, h.Reported.DaysSince(h.Due))
		}
		return "已记录 " + h.UnitName + " 的办结报告"
	})
}

// postHandoverWithdraw takes a live hand-over back from the case page.
func (s *Server) postHandoverWithdraw(c echo.Context) error {
	return s.postHandoverAct(c, "withdraw", func(caseID, id int64) (service.HandoverView, error) {
		return s.svc.WithdrawHandover(c.Request().Context(), s.call(c), id, service.WithdrawInput{Version: formVersion(c), Case: caseID})
	}, func(h service.HandoverView) string {
		return "已撤回对 " + h.UnitName + " 的交办，案件回到办公室"
	})
}

// postHandoverAct runs a change of hand-over :hid of case :id; a refusal
// re-renders the case page with the message and what was typed.
func (s *Server) postHandoverAct(c echo.Context, form string, act func(caseID, id int64) (service.HandoverView, error),
	done func(service.HandoverView) string) error {
	caseID, err := apiPathID(c, "id")
	if err != nil {
		return err
	}
	id, err := apiPathID(c, "hid")
	if err != nil {
		return err
	}
	h, err := act(caseID, id)
	if err != nil {
		return refusedForm(c, err, fmt.Sprintf("%s-%d", form, id), s.renderCasePage)
	}
	return s.redirectDone(c, fmt.Sprintf("/staff/cases/%d", caseID), done(h))
}

type handoversPage struct {
	staffLayout
	Rows    []service.HandoverView
	Overdue []service.UnitOverdue
	Units   service.HandoverUnits
	States  []option
	F       service.HandoverQuery
}

// showHandoverList lists hand-overs, overdue first (超期 marked), with the
// units holding overdue cases on top.
func (s *Server) showHandoverList(c echo.Context) error {
	ctx := c.Request().Context()
	q, err := handoverQuery(c)
	if err != nil {
		return err
	}
	rows, err := s.svc.ListHandovers(ctx, s.call(c), q)
	if err != nil {
		return err
	}
	over, err := s.svc.OverdueHandovers(ctx, s.call(c))
	if err != nil {
		return err
	}
	units, err := s.svc.HandoverUnitChoices(ctx)
	if err != nil {
		return err
	}
	p := &handoversPage{Rows: rows, Overdue: over, Units: units, F: q}
	for _, st := range visits.HandoverStates {
		p.States = append(p.States, option{string(st), st.Label()})
	}
	return s.renderStaff(c, http.StatusOK, "staff/handovers.html", "handovers", "交办", p)
}
