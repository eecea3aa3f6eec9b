package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"zhiban/fault"
	"zhiban/service"
	"zhiban/visits"
)

// Public booking (预约接访): /booking books a published duty day's 开门接访,
// /booking/lookup shows and cancels one by code and phone. zhiban's first
// public write: no login and no CSRF token (nothing to sign in to), a
// same-origin POST only, small bodies, a honeypot, per-address, per-phone
// and per-ID limits; never pubcache and never cached (no-store), and the
// pages show the visitor's data only back to the visitor (phone masked).

// bookingBodyLimit bounds the booking forms: a dozen short fields.
const bookingBodyLimit = 8 << 10

// bookingFieldLabels name a refused field in the page's message.
var bookingFieldLabels = map[string]string{
	"duty": "接访日", "category": "事项类别", "township": "乡镇（街道）", "group_size": "来访人数",
	"representatives": "代表姓名", "name": "姓名", "id_number": "身份证号码", "phone": "手机号码",
	"consent": "个人信息处理说明", "code": "预约码",
}

// bookingValues are the form's values as typed, kept on a refusal.
type bookingValues struct {
	Day, Category, Township, GroupSize, Name, IDNumber, Phone string
	AnyLeader, Consent                                        bool
	Reps                                                      []string // always MaxRepresentatives long
}

type bookingPage struct {
	Title, Desc string
	Form        service.BookingForm
	In          bookingValues
	Error       string
	Field       string
	Offers      []service.BookingDay
	Done        *service.BookingReceipt
}

// RepField is one representative's input.
type RepField struct {
	N     int
	Value string
}

// RepFields are the representatives' inputs, numbered from 1.
func (p bookingPage) RepFields() []RepField {
	out := make([]RepField, len(p.In.Reps))
	for i, v := range p.In.Reps {
		out[i] = RepField{N: i + 1, Value: v}
	}
	return out
}

// Invalid reports whether field is the one refused (for aria-invalid).
func (p bookingPage) Invalid(field string) bool { return p.Field == field }

func (s *Server) showBooking(c echo.Context) error {
	in := bookingValues{GroupSize: "1", Reps: make([]string, visits.MaxRepresentatives), Day: shown(c.QueryParam("day"), 40)}
	return s.renderBooking(c, http.StatusOK, bookingPage{In: in})
}

// postBooking books; every refusal re-renders the form in Chinese with the values typed.
func (s *Server) postBooking(c echo.Context) error {
	req := c.Request()
	in := bookingValues{Day: shown(c.FormValue("day"), 40), Category: shown(c.FormValue("category"), 10),
		Township: shown(c.FormValue("township"), 40), GroupSize: shown(c.FormValue("group_size"), 6),
		Name: shown(c.FormValue("name"), 50), IDNumber: shown(c.FormValue("id_number"), 30), Phone: shown(c.FormValue("phone"), 30),
		AnyLeader: c.FormValue("leader") == "any", Consent: c.FormValue("consent") == "yes",
		Reps: make([]string, visits.MaxRepresentatives)}
	reps := c.Request().Form["rep"]
	for i := range min(len(reps), visits.MaxRepresentatives) {
		in.Reps[i] = shown(reps[i], 50)
	}
	p := bookingPage{In: in}
	if !sameOrigin(req, s.cfg.PublicURL) {
		p.Error = "请在本站的预约页面填写并提交预约。"
		return s.renderBooking(c, http.StatusForbidden, p)
	}
	bi := service.BookingInput{Category: visits.Category(c.FormValue("category")), Township: c.FormValue("township"),
		AnyLeader: in.AnyLeader, Representatives: reps, Name: c.FormValue("name"), IDNumber: c.FormValue("id_number"),
		Phone: c.FormValue("phone"), Consent: in.Consent, Address: addressKey(c.RealIP()), Trap: c.FormValue("website")}
	var err error
	if bi.Roster, bi.Date, err = service.ParseBookingDay(c.FormValue("day")); err != nil {
		return s.bookingRefused(c, p, err)
	}
	if g := strings.TrimSpace(c.FormValue("group_size")); g != "" {
		if bi.GroupSize, err = strconv.Atoi(g); err != nil || bi.GroupSize < 1 {
			return s.bookingRefused(c, p, fault.InvalidField("group_size", "请填写来访人数（1人或以上的整数）"))
		}
	}
	if form, err := s.bookingForm.get(req.Context(), s.svc, s.now()); err == nil {
		bi.Known = form.Days
	}
	done, err := s.svc.Book(req.Context(), service.Call{Actor: service.BookingActor, Now: s.now()}, bi)
	if err != nil {
		return s.bookingRefused(c, p, err)
	}
	return s.renderBooking(c, http.StatusOK, bookingPage{Done: &done})
}

// bookingRefused re-renders the form with err said in Chinese; an internal error is a 500.
func (s *Server) bookingRefused(c echo.Context, p bookingPage, err error) error {
	status, msg, field, items, err := s.bookingError(c, err)
	if err != nil {
		return err
	}
	p.Error, p.Field = msg, field
	p.Offers, _ = items.([]service.BookingDay)
	return s.renderBooking(c, status, p)
}

// bookingError turns a refusal into a status and a message naming the field.
func (s *Server) bookingError(c echo.Context, err error) (status int, msg, field string, items any, _ error) {
	var th *service.BookingThrottled
	if errors.As(err, &th) {
		wait := max(1, int(th.Until.Sub(s.now()).Round(time.Minute)/time.Minute))
		c.Response().Header().Set("Retry-After", strconv.Itoa(wait*60))
		return http.StatusTooManyRequests, fmt.Sprintf("本网络提交次数过多。为防止恶意占用名额，请约 %d 分钟后（%s 以后）再试，或拨打来访接待中心电话。",
			wait, th.Until.In(s.cfg.Location).Format("15:04")), "", nil, nil
	}
	fe := fault.Classify(err)
	if fe == nil {
		return 0, "", "", nil, err
	}
	msg = fe.Msg
	if l, ok := bookingFieldLabels[fe.Field]; ok && fe.Kind == fault.Invalid {
		msg = l + "：" + msg
	}
	return kindStatus[fe.Kind], msg, fe.Field, fe.Items, nil
}

func (s *Server) renderBooking(c echo.Context, status int, p bookingPage) error {
	// A booking page holds what the visitor typed: never kept by a browser or a proxy.
	c.Response().Header().Set("Cache-Control", "no-store")
	if p.Done == nil {
		form, err := s.bookingForm.get(c.Request().Context(), s.svc, s.now())
		if err != nil {
			return err
		}
		p.Form = form
		if p.In.Day == "" && len(form.Days) > 0 {
			for _, d := range form.Days {
				if d.Places > 0 {
					p.In.Day = d.Key()
					break
				}
			}
		}
	}
	if p.In.Reps == nil {
		p.In.Reps = make([]string, visits.MaxRepresentatives)
	}
	p.Title = "预约接访"
	p.Desc = "网上预约县领导值班接访：选择接访日和领导，填写事项类别，获取预约码和接待时段"
	return s.render(c, status, "booking.html", p)
}

type bookingLookupPage struct {
	Title, Desc string
	Code, Phone string
	Error       string
	Found       *service.BookingReceipt
	Cancelled   bool
}

func (s *Server) showBookingLookup(c echo.Context) error {
	return s.renderBookingLookup(c, http.StatusOK, bookingLookupPage{})
}

// postBookingLookup shows the booking of a code and phone; the next form cancels it.
func (s *Server) postBookingLookup(c echo.Context) error {
	return s.bookingByKey(c, false)
}

func (s *Server) postBookingCancel(c echo.Context) error {
	return s.bookingByKey(c, true)
}

func (s *Server) bookingByKey(c echo.Context, cancel bool) error {
	req := c.Request()
	p := bookingLookupPage{Code: shown(c.FormValue("code"), 20), Phone: shown(c.FormValue("phone"), 30)}
	if !sameOrigin(req, s.cfg.PublicURL) {
		p.Error = "请在本站的预约查询页面提交。"
		return s.renderBookingLookup(c, http.StatusForbidden, p)
	}
	if c.FormValue("website") != "" {
		p.Error = "提交未成功，请刷新页面后重新填写"
		return s.renderBookingLookup(c, http.StatusBadRequest, p)
	}
	k := service.BookingKey{Code: c.FormValue("code"), Phone: c.FormValue("phone"), Address: addressKey(c.RealIP())}
	call := service.Call{Actor: service.BookingActor, Now: s.now()}
	var r service.BookingReceipt
	var err error
	if cancel {
		r, err = s.svc.CancelBooking(req.Context(), call, k)
	} else {
		r, err = s.svc.LookupBooking(req.Context(), call, k)
	}
	if err != nil {
		status, msg, _, _, err := s.bookingError(c, err)
		if err != nil {
			return err
		}
		p.Error = msg
		return s.renderBookingLookup(c, status, p)
	}
	p.Found, p.Cancelled = &r, cancel
	return s.renderBookingLookup(c, http.StatusOK, p)
}

func (s *Server) renderBookingLookup(c echo.Context, status int, p bookingLookupPage) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	p.Title = "查询或取消预约"
	p.Desc = "凭预约码和手机号码查询或取消接访预约"
	return s.render(c, status, "booking_lookup.html", p)
}

// bookingFormCache keeps the booking page's choices for a second: in the
// 17:00 rush every refused attempt re-renders the form, and places left a
// second old are only shown (Book checks them in its transaction). A new
// minute of the clock (a cutoff passing) rebuilds it at once.
type bookingFormCache struct {
	mu    sync.Mutex
	built time.Time // wall clock, for the age
	now   time.Time // the service clock it was built for, to the minute
	form  service.BookingForm
}

const bookingFormAge = time.Second

func (b *bookingFormCache) get(ctx context.Context, svc *service.Service, now time.Time) (service.BookingForm, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	minute := now.Truncate(time.Minute)
	if !b.built.IsZero() && time.Since(b.built) < bookingFormAge && b.now.Equal(minute) {
		return b.form, nil
	}
	form, err := svc.BookingForm(ctx, service.Call{Actor: service.BookingActor, Now: now})
	if err != nil {
		return form, err
	}
	b.built, b.now, b.form = time.Now(), minute, form
	return form, nil
}

// addressKey is the counted client address: IPv4 as is, IPv6 by its /64
// (one subscriber's), as the connection cap counts them.
func addressKey(ip string) string {
	a := net.ParseIP(ip)
	switch {
	case a == nil:
		return ip
	case a.To4() != nil:
		return a.To4().String()
	}
	return a.Mask(net.CIDRMask(64, 128)).String() + "/64"
}
