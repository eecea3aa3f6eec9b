package httpapi

import (
	"context"
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"zhiban/fault"
	"zhiban/roster"
	"zhiban/store"
)

// publicView says which stored duties the public may see and how they
// differ from what was published. With publish.auto every stored duty is
// public; otherwise only the months staff published. In a published month
// a slot whose person differs from the snapshot is an adjustment (调整).
type publicView struct {
	auto bool
	pubs map[[2]string]store.Publication
	snap map[roster.Key]string // slot → person as published
}

func (s *Server) loadPublicView(ctx context.Context, from, to roster.Date) (publicView, error) {
	v := publicView{auto: s.cfg.Publish.Auto, snap: map[roster.Key]string{}}
	var err error
	if v.pubs, err = s.store.Publications(ctx, from, to); err != nil {
		return v, err
	}
	if len(v.pubs) == 0 {
		return v, nil
	}
	snap, err := s.store.PublishedAssignments(ctx, from, to)
	if err != nil {
		return v, err
	}
	for _, a := range snap {
		v.snap[a.Key()] = a.Person
	}
	return v, nil
}

// published reports whether roster's month holding d has been published.
func (v publicView) published(rosterID string, d roster.Date) (store.Publication, bool) {
	p, ok := v.pubs[[2]string{rosterID, store.MonthKey(d)}]
	return p, ok
}

// visible reports whether the public may see roster's duties on d.
func (v publicView) visible(rosterID string, d roster.Date) bool {
	if v.auto {
		return true
	}
	_, ok := v.published(rosterID, d)
	return ok
}

// adjusted reports whether a's slot changed since its month was published,
// and the person published there ("" for a slot added after publication).
// ok is false when the month has no publication to compare with.
func (v publicView) adjusted(a roster.Assignment) (was string, changed, ok bool) {
	if _, pub := v.published(a.Roster, a.Date); !pub {
		return "", false, false
	}
	orig, had := v.snap[a.Key()]
	return orig, !had || orig != a.Person, true
}

// publishMonth publishes one roster month: the public page, JSON and feed
// show it from now on (with publish.auto false), and later edits show as
// 调整 against this snapshot. The staff UI calls it as
// POST /api/v1/rosters/:roster/months/:month/publish.
func (s *Server) publishMonth(c echo.Context) error {
	p, err := s.publishRosterMonth(c, c.Param("roster"), c.Param("month"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}

// publishRosterMonth publishes roster's month given as YYYY-MM in the
// caller's name; the API and the staff month grid both publish through it.
func (s *Server) publishRosterMonth(c echo.Context, rosterID, month string) (store.Publication, error) {
	first, err := parseMonth(month)
	if err != nil {
		return store.Publication{}, err
	}
	p, err := s.store.PublishMonth(c.Request().Context(), rosterID, monthKey(first), actor(c))
	if errors.Is(err, store.ErrNothingToPublish) {
		return p, fault.InvalidField("month", "该月尚无值班安排，无法公布")
	}
	return p, err
}
