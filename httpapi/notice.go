package httpapi

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
)

// After a write the staff pages redirect with ?done=<notice> and show the
// notice. Anyone can put text in a link, so a notice carries ds, an HMAC of
// its text under a key made when this process started: signedNotices drops
// a done without a valid ds before any handler reads it, and a crafted
// link (including one hidden in the login form's next) shows nothing. A
// notice from before a restart is dropped too, which costs only the notice.
//
// processKey is that key; nameHash uses it too.
var processKey = func() []byte {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		panic(err)
	}
	return k
}()

func noticeSig(msg string) string {
	m := hmac.New(sha256.New, processKey)
	m.Write([]byte("done\x00" + msg))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}

// doneQuery is the query of a redirect that shows msg: done and its ds.
func doneQuery(msg string) string {
	return "done=" + url.QueryEscape(msg) + "&ds=" + noticeSig(msg)
}

// signedNotices runs before routing and removes done (and ds) from a query
// whose ds does not match, so handlers read c.QueryParam("done") as before.
func (s *Server) signedNotices(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if !strings.Contains(req.URL.RawQuery, "done=") {
			return next(c)
		}
		q := req.URL.Query()
		if done := q.Get("done"); done != "" && !hmac.Equal([]byte(q.Get("ds")), []byte(noticeSig(done))) {
			q.Del("done")
			q.Del("ds")
			req.URL.RawQuery = q.Encode()
		}
		return next(c)
	}
}

// nameHash is a short keyed hash of a typed login name, for the log: equal
// names hash alike within one process, and the name (possibly a password
// typed in the wrong field) cannot be recovered by hashing guesses.
func nameHash(name string) string {
	m := hmac.New(sha256.New, processKey)
	m.Write([]byte("login-name\x00" + name))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:6])
}
