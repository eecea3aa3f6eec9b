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

// The iCalendar feeds. Their events, and what a public or a private feed
// may say, are decided in package publish; these handlers cache and serve.

const icsType = "text/calendar; charset=utf-8"

// feedBuilder caches the feed that load returns, serialised.
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

// showRosterFeed serves the whole public roster as iCalendar.
func (s *Server) showRosterFeed(c echo.Context) error {
	return s.serveCached(c, pubcache.PathKey("/feeds/roster.ics"), icsType, "public, max-age=300", feedBuilder(func(ctx context.Context) (ical.Feed, time.Time, error) {
		return s.pub.RosterFeed(ctx, s.today())
	}))
}

// showTownshipFeed serves one township's public case-carrying visits.
func (s *Server) showTownshipFeed(c echo.Context) error {
	id, ok := strings.CutSuffix(c.Param("file"), ".ics")
	if !ok {
		return echo.ErrNotFound
	}
	return s.serveCached(c, "feed:township:"+id, icsType, "public, max-age=300", feedBuilder(func(ctx context.Context) (ical.Feed, time.Time, error) {
		return s.pub.TownshipFeed(ctx, s.today(), id)
	}))
}

// showLeaderFeed serves one leader's private calendar. An unknown or
// revoked token is a plain 404, the same as any missing page.
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
