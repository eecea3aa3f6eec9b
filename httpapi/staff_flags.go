package httpapi

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"zhiban/service"
)

// flagShown caps the page; older flags stay in the API (GET /api/v1/flags).
const flagShown = 300

type flagRow struct {
	service.FlagLine
	Href, Link string
}

// flagsPage is what staff/flags.html reads.
type flagsPage struct {
	staffLayout
	Rows   []flagRow
	Kind   string   // the kind shown, "" for all
	Kinds  []option // every kind with its count
	Total  int      // flags of the kind, shown or not
	Capped bool     // Total is more than the page shows
	Max    int      // the most the page shows
}

// showFlags lists the follow-up flags, newest first, optionally of one kind,
// each linked to its case or sweep.
func (s *Server) showFlags(c echo.Context) error {
	kind := c.QueryParam("kind")
	l, err := s.svc.Flags(c.Request().Context(), kind, flagShown)
	if err != nil {
		return err
	}
	var rows []flagRow
	for _, f := range l.Lines {
		r := flagRow{FlagLine: f}
		switch {
		case f.Case != 0:
			r.Href, r.Link = fmt.Sprintf("/staff/cases/%d", f.Case), "查看案件"
		case f.Month != "":
			r.Href, r.Link = "/staff/sweeps/"+string(f.Month), "查看排查 "+string(f.Month)
		case f.Entity == "booking": // the call is due before the duty day, On
			r.Href, r.Link = fmt.Sprintf("/staff/desk?date=%s#b%s", f.On, f.EntityID), "查看当日预约"
		}
		rows = append(rows, r)
	}
	var kinds []option
	for _, k := range service.FlagKinds {
		kinds = append(kinds, option{k.Value, fmt.Sprintf("%s（%d）", k.Label, l.Counts[k.Value])})
	}
	return s.renderStaff(c, http.StatusOK, "staff/flags.html", "flags", "跟进提醒", &flagsPage{
		Rows: rows, Kind: kind, Kinds: kinds, Total: l.Total, Capped: l.Total > len(rows), Max: flagShown,
	})
}
