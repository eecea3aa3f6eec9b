package httpapi

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"zhiban/ical"
	"zhiban/pubcache"
	"zhiban/store"
)

// What a public or private feed may say is decided in package publish.

const icsType = "text/calendar; charset=utf-8"

func feedBuilder(load func(ctx context.Context) (ical.Feed, time.Time, error)) pubcache.Builder {
	return func(ctx context.Context) ([]byte, time.Time, error) {
		f, last, err := load(ctx)
		if err != nil {
			return nil, time.Time{}, err
		}
		body, err := ical.Build(f)
		return body, last, err
	}
}

func (s *Server) showRosterFeed(c echo.Context) error {
	return s.serveCached(c, pubcache.PathKey("/feeds/roster.ics"), icsType, "public, max-age=300", feedBuilder(func(ctx context.Context) (ical.Feed, time.Time, error) {
		return s.pub.RosterFeed(ctx, s.today())
	}))
}

func (s *Server) showTownshipFeed(c echo.Context) error {
	id, ok := strings.CutSuffix(c.Param("file"), ".ics")
	if !ok || !publicID(id) {
		return echo.ErrNotFound
	}
	return s.serveCached(c, "feed:township:"+id, icsType, "public, max-age=300", feedBuilder(func(ctx context.Context) (ical.Feed, time.Time, error) {
		return s.pub.TownshipFeed(ctx, s.today(), id)
	}))
}

// showOneRosterFeed is one roster's public feed, a township's roster as well as the county's.
func (s *Server) showOneRosterFeed(c echo.Context) error {
	id, ok := strings.CutSuffix(c.Param("file"), ".ics")
	if !ok || !publicID(id) {
		return echo.ErrNotFound
	}
	return s.serveCached(c, "feed:roster:"+id, icsType, "public, max-age=300", feedBuilder(func(ctx context.Context) (ical.Feed, time.Time, error) {
		return s.pub.OneRosterFeed(ctx, s.today(), id)
	}))
}

// showLeaderFeed serves a leader's private calendar; a bad token is a plain 404.
func (s *Server) showLeaderFeed(c echo.Context) error {
	token, ok := strings.CutSuffix(c.Param("file"), ".ics")
	if !ok || token == "" {
		return echo.ErrNotFound
	}
	personID, err := s.store.FeedTokenPerson(c.Request().Context(), token)
	if errors.Is(err, store.ErrNotFound) {
		return echo.ErrNotFound
	}
	if err != nil {
		return err
	}
	// Keyed by person, not token: rotation needs no cache purge, since the
	// old token no longer resolves.
	return s.serveCached(c, "feed:leader:"+personID, icsType, "private, max-age=300", feedBuilder(func(ctx context.Context) (ical.Feed, time.Time, error) {
		return s.pub.LeaderFeed(ctx, s.today(), personID)
	}))
}
