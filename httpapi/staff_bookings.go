package httpapi

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"zhiban/service"
)

// The desk's bookings (预约接访, issue 15): the page's and the API's
// 已电话告知 and reveal of a booked visitor. The rules live in
// service/bookings_desk.go; the list comes with the desk (service.DeskDay).

// postBookingCalled marks the office's call to a booking's visitor made;
// a refusal re-renders that day's desk with the message.
func (s *Server) postBookingCalled(c echo.Context) error {
	id, err := apiPathID(c, "id")
	if err != nil {
		return err
	}
	b, err := s.svc.BookingCalled(c.Request().Context(), s.call(c), id, service.BookingCall{Version: formVersion(c)})
	if err != nil {
		return refusedForm(c, err, fmt.Sprintf("called-%d", id), func(c echo.Context, status int, r *refusal) error {
			return s.renderDesk(c, status, deskExtras{refused: r})
		})
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/staff/desk?date=%s&%s#b%d", b.Date,
		s.doneQuery(fmt.Sprintf("预约 %s 已记为电话告知", b.Code)), id))
}

// postBookingReveal shows an editor the desk with one booked visitor's
// name, ID number and phone in full, once, audited; a POST so no link,
// prefetch or history replays it.
func (s *Server) postBookingReveal(c echo.Context) error {
	id, err := apiPathID(c, "id")
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	v, err := s.svc.RevealBookingVisitor(c.Request().Context(), s.call(c), id)
	if err != nil {
		return err
	}
	return s.renderDesk(c, http.StatusOK, deskExtras{revealedBooking: id, booked: v})
}

// markBookingCalled is the API's 已电话告知: {"version": n}.
func (s *Server) markBookingCalled(c echo.Context) error {
	b, err := apiChange(s, c, s.svc.BookingCalled)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"booking": b})
}

// revealBookingVisitor answers an editor with a booked visitor in full;
// the service audits it, and nothing caches it.
func (s *Server) revealBookingVisitor(c echo.Context) error {
	id, err := apiPathID(c, "id")
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	v, err := s.svc.RevealBookingVisitor(c.Request().Context(), s.call(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}
