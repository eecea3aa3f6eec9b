package httpapi

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"zhiban/service"
)

// The reception desk's JSON API: the handlers decode and call the service,
// which owns every rule (service/desk.go).

// showDesk lists date's (default today's) 开门接访 sessions with their queues, masked.
func (s *Server) showDesk(c echo.Context) error {
	date, err := apiQueryDate(c, "date")
	if err != nil {
		return err
	}
	day, err := s.svc.Desk(c.Request().Context(), s.call(c), date)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, day)
}

// registerDeskVisit registers a visit; a possible repeat the input neither
// links nor waves off is a 409 "possible_repeat" listing the matches.
func (s *Server) registerDeskVisit(c echo.Context) error {
	var in service.RegistrationInput
	if err := apiDecode(c, &in); err != nil {
		return err
	}
	r, err := s.svc.RegisterVisit(c.Request().Context(), s.call(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"registration": r})
}

// findDeskRepeats shows what a registration would repeat without saving it;
// a POST because the body carries the ID number, which a URL would leak to logs.
func (s *Server) findDeskRepeats(c echo.Context) error {
	var in service.RegistrationInput
	if err := apiDecode(c, &in); err != nil {
		return err
	}
	found, err := s.svc.FindRepeats(c.Request().Context(), s.call(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, found)
}

func (s *Server) showDeskRegistration(c echo.Context) error {
	id, err := apiPathID(c, "id")
	if err != nil {
		return err
	}
	r, err := s.svc.Registration(c.Request().Context(), s.call(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"registration": r})
}

// deskAct is a queue move the API and the desk page run the same way.
type deskAct func(ctx context.Context, c service.Call, id int64, in service.DeskAct) (service.RegistrationView, error)

// changeDeskRegistration runs a queue move and answers with the saved registration.
func (s *Server) changeDeskRegistration(c echo.Context, act deskAct) error {
	r, err := apiChange(s, c, act)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"registration": r})
}

func (s *Server) startDeskReception(c echo.Context) error {
	return s.changeDeskRegistration(c, s.svc.StartReception)
}

func (s *Server) finishDeskReception(c echo.Context) error {
	return s.changeDeskRegistration(c, s.svc.FinishReception)
}

// revealDeskVisitor answers an editor with the visitor's ID number and phone
// in full; the service audits it, and nothing caches it.
func (s *Server) revealDeskVisitor(c echo.Context) error {
	id, err := apiPathID(c, "id")
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	v, err := s.svc.RevealVisitor(c.Request().Context(), s.call(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]string{"id_number": v.IDNumber, "phone": v.Phone})
}
