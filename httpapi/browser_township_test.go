package httpapi_test

import (
	"net/url"
	"testing"
	"time"
)

// The county page with 17 township stations (collapsed list and search),
// the search result and a township's page, at phone and desktop widths.
func TestBrowserTownshipPages(t *testing.T) {
	ctx := newBrowser(t)
	f := newTownshipsFixture(t, time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC), 15)
	shotPages(t, ctx, f.srv.URL, screenshotDir(t), []page{{"public-home-stations", "/"},
		{"public-stations-search", "/stations?q=" + url.QueryEscape("城关")}, {"public-stations", "/stations"},
		{"public-township", "/township/t01"}})
}
