package service

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"

	"zhiban/clean"
	"zhiban/fault"
	"zhiban/roster"
	"zhiban/secret"
	"zhiban/store"
	"zhiban/visits"
)

// Public booking (预约接访, issue 15): the public books a published duty
// day's 开门接访 from the public page, by the cutoff of the day before; a
// matter outside the chosen leader's 分管 is refused with the days of the
// leaders whose portfolio covers it; a matter already in hand is refused
// with the article that applies. Every rule is checked in the transaction
// that stores the booking.

// BookingConsent is the 个人信息保护法 text the booking form shows and the visitor agrees to.
const BookingConsent = "为安排接访，我们将收集您的姓名、居民身份证号码和手机号码（属于个人信息，身份证号码为敏感个人信息），" +
	"仅用于本次预约的核验、接待安排和接访变动时的电话联系，加密保存，不对外公开，接访日后按规定期限删除。" +
	"您可以凭预约码和手机号码查询或取消预约。依据《中华人民共和国个人信息保护法》第十三条、第十四条、第二十九条，" +
	"处理敏感个人信息须取得您的单独同意；不同意的，可直接到来访接待中心登记来访。"

// BookingActor is the audit log's actor of the public's own acts.
const BookingActor = "public"

// BookingDay is a duty day the public can book: public data only.
type BookingDay struct {
	Roster      string      `json:"roster"`
	RosterName  string      `json:"roster_name"`
	Date        roster.Date `json:"date"`
	Weekday     string      `json:"weekday"`
	Start       string      `json:"start"`
	End         string      `json:"end"`
	Place       string      `json:"place"`
	Leader      string      `json:"leader"`
	LeaderName  string      `json:"leader_name"`
	LeaderTitle string      `json:"leader_title"`
	Portfolio   string      `json:"portfolio,omitempty"`
	// Categories are the matters the leader's 分管 covers; empty: any.
	Categories []string  `json:"categories"`
	Places     int       `json:"places"` // free places
	Closes     time.Time `json:"closes"`
}

// Key names the day in a form: roster/date.
func (d BookingDay) Key() string { return d.Roster + "/" + d.Date.String() }

// Label is the day as the page lists it.
func (d BookingDay) Label() string {
	return fmt.Sprintf("%d月%d日 %s %s–%s %s", int(d.Date.Month()), d.Date.Day(), d.Weekday, d.Start, d.End, d.LeaderName)
}

// ParseBookingDay splits a form's roster/date.
func ParseBookingDay(key string) (string, roster.Date, error) {
	id, date, ok := strings.Cut(key, "/")
	d, err := roster.ParseDate(date)
	if !ok || id == "" || err != nil || len(id) > clean.Code {
		return "", 0, fault.InvalidField("duty", "请选择接访日")
	}
	return id, d, nil
}

// BookingForm is what the booking page offers.
type BookingForm struct {
	Enabled    bool              `json:"enabled"`
	Days       []BookingDay      `json:"days"`
	Categories []visits.Category `json:"categories"`
	Townships  []visits.Unit     `json:"townships"`
	Consent    string            `json:"consent"`
	Cutoff     string            `json:"cutoff"` // HH:MM the day before
	DaysAhead  int               `json:"days_ahead"`
}

// BookingInput is a booking as the public fills it in.
type BookingInput struct {
	Roster string      `json:"roster"`
	Date   roster.Date `json:"date"`
	// AnyLeader books whoever is on duty that day instead of the leader listed.
	AnyLeader       bool            `json:"any_leader"`
	Category        visits.Category `json:"category"`
	Township        string          `json:"township"`
	GroupSize       int             `json:"group_size"`
	Representatives []string        `json:"representatives"`
	Name            string          `json:"name"`
	IDNumber        string          `json:"id_number"`
	Phone           string          `json:"phone"`
	Consent         bool            `json:"consent"`
	// Address is the client's (an IPv6 /64 counts as one), for the hourly
	// limit; Trap is the form's honeypot field, which people leave empty.
	Address string `json:"-"`
	Trap    string `json:"-"`
	// Known are the open days the caller read a moment ago (the page's
	// form), used only for a refusal's offers, which are advice; nil reads them.
	Known []BookingDay `json:"-"`
}

// BookingKey names a booking to look up or cancel, and who asks.
type BookingKey struct {
	Code    string `json:"code"`
	Phone   string `json:"phone"`
	Address string `json:"-"`
}

// BookingThrottled refuses an address over booking.per_address_per_hour until Until.
type BookingThrottled struct{ Until time.Time }

func (e *BookingThrottled) Error() string { return "service: booking requests over the hourly limit" }

// throttleBooking counts one booking, lookup or cancel request of address:
// past per_address_per_hour the address waits an hour after its last one.
// The count is per process (addressThrottle): each replica limits separately.
func (s *Service) throttleBooking(now time.Time, address string) error {
	if address == "" {
		return nil
	}
	if until, ok := s.bookingThrottle.reserve(address, s.cfg.Booking.PerAddressPerHour, now); !ok {
		return &BookingThrottled{Until: until}
	}
	return nil
}

// msgTrap refuses a form whose honeypot was filled (a robot), without saying so.
const msgTrap = "提交未成功，请刷新页面后重新填写"

func (in *BookingInput) clean() error {
	fields := []text{
		{field: "name", value: &in.Name, max: clean.Name},
		{field: "id_number", value: &in.IDNumber, max: clean.Phone, narrow: true},
		{field: "phone", value: &in.Phone, max: clean.Phone, narrow: true},
		{field: "township", value: &in.Township, max: clean.Code},
		{field: "category", value: (*string)(&in.Category), max: clean.Code},
		{field: "roster", value: &in.Roster, max: clean.Code},
	}
	if len(in.Representatives) > 2*visits.MaxRepresentatives {
		return fault.InvalidField("representatives", fmt.Sprintf("推选的代表不得超过%d人（《信访工作条例》第二十条）", visits.MaxRepresentatives))
	}
	for i := range in.Representatives {
		fields = append(fields, text{field: "representatives", value: &in.Representatives[i], max: clean.Name})
	}
	if err := cleanTexts(fields...); err != nil {
		return err
	}
	in.Representatives = slices.DeleteFunc(in.Representatives, func(s string) bool { return s == "" })
	in.IDNumber = visits.NormalizeIDNumber(in.IDNumber)
	in.Phone = phoneDigits(in.Phone)
	if in.GroupSize == 0 {
		in.GroupSize = 1
	}
	return nil
}

// phoneDigits keeps a phone's digits, without a +86 prefix.
func phoneDigits(p string) string { return digitsOf(p) }

// BookingReceipt is a booking as its visitor sees it (after booking, or by
// code and phone): the duty as it stands now, no personal data but a masked phone.
type BookingReceipt struct {
	Code       string              `json:"code"`
	State      visits.BookingState `json:"state"`
	StateLabel string              `json:"state_label"`
	Date       roster.Date         `json:"date"`
	Weekday    string              `json:"weekday"`
	RosterName string              `json:"roster_name"`
	Place      string              `json:"place"`
	SlotStart  string              `json:"slot_start"`
	SlotEnd    string              `json:"slot_end"`
	// LeaderName is who is on duty now; BookedLeaderName whom the visitor
	// chose ("" for whoever is on duty), LeaderChanged when they differ.
	LeaderName       string          `json:"leader_name"`
	LeaderTitle      string          `json:"leader_title"`
	BookedLeaderName string          `json:"booked_leader_name,omitempty"`
	LeaderChanged    bool            `json:"leader_changed"`
	Category         visits.Category `json:"category"`
	TownshipName     string          `json:"township_name"`
	GroupSize        int             `json:"group_size"`
	Phone            string          `json:"phone"` // masked
	CallVisitor      bool            `json:"call_visitor"`
	CanCancel        bool            `json:"can_cancel"`
}

// BookingForm returns the booking page's choices on now.
func (s *Service) BookingForm(ctx context.Context, c Call) (BookingForm, error) {
	b := s.cfg.Booking
	out := BookingForm{Enabled: b.Enabled, Categories: visits.Categories, Consent: BookingConsent, Cutoff: b.Cutoff,
		DaysAhead: b.DaysAhead, Days: []BookingDay{}, Townships: []visits.Unit{}}
	if !b.Enabled {
		return out, nil
	}
	// Read only, outside the write lock: the page shows the places left,
	// which Book checks again in its transaction.
	err := s.readLight(ctx, c, func(ctx context.Context, e Env) error {
		var err error
		if out.Days, err = bookingDays(ctx, e, c.Now, e.Today, e.Today.AddDays(b.DaysAhead)); err != nil {
			return err
		}
		out.Townships, _, err = townships(ctx, e.Tx)
		return err
	})
	return out, err
}

// bookingDays are the duty days of [from, to] open for booking on now:
// published duties of rosters receiving the public, from tomorrow to
// days_ahead, before their cutoff, with their 值班领导 and free places
// (full days too).
func bookingDays(ctx context.Context, e Env, now time.Time, from, to roster.Date) ([]BookingDay, error) {
	cfg := e.Cfg.Booking
	from, to = max(from, e.Today.AddDays(1)), min(to, e.Today.AddDays(cfg.DaysAhead))
	out := []BookingDay{}
	if to < from {
		return out, nil
	}
	duties, err := e.Tx.BookableDuties(ctx, from, to)
	if err != nil || len(duties) == 0 {
		return out, err
	}
	var pubs map[[2]string]store.Publication
	if !e.Cfg.Publish.Auto {
		if pubs, err = e.Tx.Publications(ctx, from, to); err != nil {
			return nil, err
		}
	}
	counts, err := e.Tx.BookedCounts(ctx, from, to)
	if err != nil {
		return nil, err
	}
	cats, err := e.Tx.PersonCategories(ctx)
	if err != nil {
		return nil, err
	}
	for _, d := range duties {
		if pubs != nil {
			if _, ok := pubs[[2]string{d.Roster, roster.MonthOf(d.Date).String()}]; !ok {
				continue // an unpublished month is for staff only
			}
		}
		closes := visits.BookingCutoff(d.Date, cfg.CutoffClock(), e.Cfg.Location)
		if !now.Before(closes) {
			continue
		}
		out = append(out, BookingDay{Roster: d.Roster, RosterName: d.RosterName, Date: d.Date,
			Weekday: "星期" + roster.WeekdayCN(d.Date.Weekday()), Start: d.Start.String(), End: d.End.String(),
			Place: d.Place, Leader: d.Person, LeaderName: d.Name, LeaderTitle: d.Title, Portfolio: d.Portfolio,
			Categories: append([]string{}, cats[d.Person]...),
			Places:     max(0, cfg.Capacity-counts[roster.Key{Roster: d.Roster, Date: d.Date}]), Closes: closes})
	}
	return out, nil
}

// maxOffers is how many other days a refusal offers.
const maxOffers = 5

// offers are the open days with a free place that take category (any
// leader's when anyLeader), other than key.
func offers(days []BookingDay, category visits.Category, anyLeader bool, key string) []BookingDay {
	out := []BookingDay{}
	for _, d := range days {
		if d.Key() != key && d.Places > 0 && (anyLeader || visits.Covers(d.Categories, category)) && len(out) < maxOffers {
			out = append(out, d)
		}
	}
	return out
}

// newBookingCode draws a booking code; tests replace it to force collisions.
var newBookingCode = func() (string, error) {
	b := make([]byte, visits.BookingCodeLen)
	n := big.NewInt(int64(len(visits.BookingCodeAlphabet)))
	for i := range b {
		k, err := rand.Int(rand.Reader, n)
		if err != nil {
			return "", fmt.Errorf("service: booking code: %w", err)
		}
		b[i] = visits.BookingCodeAlphabet[k.Int64()]
	}
	return string(b), nil
}

// maxCodeDraws bounds the draws of a free code (a collision is ~1e-9 likely).
const maxCodeDraws = 10

// Book books a place for in on c.Now.
func (s *Service) Book(ctx context.Context, c Call, in BookingInput) (BookingReceipt, error) {
	var out BookingReceipt
	if !s.cfg.Booking.Enabled {
		return out, fault.Denied("暂未开放网上预约，请到来访接待中心登记来访")
	}
	if in.Trap != "" {
		return out, fault.InvalidField("", msgTrap)
	}
	if err := s.throttleBooking(c.Now, in.Address); err != nil {
		return out, err
	}
	// One attempt of a day at a time goes on (dutyGates), and a full day is
	// refused before the write transaction (which checks again): in the
	// 17:00 rush most attempts end here, and on PostgreSQL reads outside a
	// transaction run in parallel instead of queueing for the write lock.
	gate := s.bookingGates.of(in.Roster + "/" + in.Date.String())
	gate.Lock()
	defer gate.Unlock()
	if in.Known != nil {
		if seats, err := s.st.ActiveSeats(ctx, in.Roster, in.Date); err == nil && freeSeat(seats, s.cfg.Booking.Capacity) == 0 {
			return out, fullDay(in.Date, offers(in.Known, in.Category, in.AnyLeader, in.Roster+"/"+in.Date.String()))
		}
	}
	err := s.runLight(ctx, c, func(ctx context.Context, e Env) error {
		if err := in.clean(); err != nil {
			return err
		}
		cfg := e.Cfg.Booking
		b := visits.Booking{Roster: in.Roster, Date: in.Date, Category: in.Category, Township: in.Township,
			GroupSize: in.GroupSize, Representatives: in.Representatives,
			Visitor: visits.Visitor{Name: in.Name, IDNumber: in.IDNumber, Phone: in.Phone},
			State:   visits.BookingActive, Made: e.Today}
		if in.Consent {
			b.Consented = c.Now.UTC()
		}
		if err := b.Validate(); err != nil {
			return err
		}
		key := b.Roster + "/" + b.Date.String()
		// A full day the caller saw open a moment ago is said first, before
		// anything else is read: in the 17:00 rush the attempts that passed
		// the check above in the same instant end here, and on PostgreSQL
		// every statement is one more wait for those queued on the write lock.
		seats, err := e.Tx.ActiveSeats(ctx, b.Roster, b.Date)
		if err != nil {
			return err
		}
		b.Seat = freeSeat(seats, cfg.Capacity)
		if b.Seat == 0 && slices.ContainsFunc(in.Known, func(d BookingDay) bool { return d.Key() == key }) {
			return fullDay(b.Date, offers(in.Known, b.Category, in.AnyLeader, key))
		}
		// The day booked alone: every day is read only for a refusal's offers.
		days, err := bookingDays(ctx, e, c.Now, b.Date, b.Date)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(days, func(d BookingDay) bool { return d.Key() == key })
		if i < 0 {
			return notBookable(e, b.Date, c.Now)
		}
		day := days[i]
		offered := func(anyLeader bool) ([]BookingDay, error) {
			if in.Known != nil {
				return offers(in.Known, b.Category, anyLeader, key), nil
			}
			all, err := bookingDays(ctx, e, c.Now, e.Today, e.Today.AddDays(cfg.DaysAhead))
			return offers(all, b.Category, anyLeader, key), err
		}
		if !in.AnyLeader {
			b.BookedLeader = day.Leader
			if !visits.Covers(day.Categories, b.Category) {
				items, err := offered(false)
				if err != nil {
					return err
				}
				return &fault.Error{Kind: fault.Conflict, Code: "outside_portfolio", Field: "category",
					Msg: fmt.Sprintf("%s（%s）分管%s，不含“%s”类事项。请预约分管该类事项的领导（见下列接访日），或选择“由当日值班领导接待”",
						day.LeaderName, day.LeaderTitle, strings.Join(day.Categories, "、"), b.Category),
					Items: items}
			}
		}
		if b.Seat == 0 {
			items, err := offered(in.AnyLeader)
			if err != nil {
				return err
			}
			return fullDay(b.Date, items)
		}
		if ok, err := e.Tx.IsTownship(ctx, b.Township); err != nil {
			return err
		} else if !ok {
			return fault.InvalidField("township", "乡镇不存在")
		}
		byPhone, byID, err := e.Tx.BookingsMade(ctx, b.Visitor.Phone, b.Visitor.IDNumber, e.Today)
		if err != nil {
			return err
		}
		if byPhone >= cfg.PerPhonePerDay {
			return &fault.Error{Kind: fault.Conflict, Code: "limit", Field: "phone",
				Msg: fmt.Sprintf("同一手机号码每天最多预约%d次，请明天再试或拨打来访接待中心电话", cfg.PerPhonePerDay)}
		}
		if byID >= cfg.PerIDPerDay {
			return &fault.Error{Kind: fault.Conflict, Code: "limit", Field: "id_number",
				Msg: fmt.Sprintf("同一身份证号码每天最多预约%d次，请明天再试或拨打来访接待中心电话", cfg.PerIDPerDay)}
		}
		active, err := e.Tx.ActiveBookingsOf(ctx, b.Visitor.IDNumber, e.Today)
		if err != nil {
			return err
		}
		if len(active) > 0 {
			a := active[0]
			return &fault.Error{Kind: fault.Conflict, Code: "already_booked", Field: "id_number",
				Msg: fmt.Sprintf("该身份证号码已预约%d月%d日的接访，每人同一时间只能有一个预约；如需改约，请先凭预约码和手机号码取消原预约",
					int(a.Date.Month()), a.Date.Day())}
		}
		if err := checkBookingRepeats(ctx, e, b); err != nil {
			return err
		}
		start, err1 := roster.ParseClock(day.Start)
		end, err2 := roster.ParseClock(day.End)
		if err := errors.Join(err1, err2); err != nil {
			return err
		}
		b.SlotStart, b.SlotEnd = visits.BookingSlot(b.Seat, cfg.Capacity, cfg.SlotMinutes, start, end)
		if b.Code, err = freeBookingCode(ctx, e.Tx); err != nil {
			return err
		}
		saved, err := e.Tx.CreateBooking(ctx, b, e.Actor)
		if err != nil {
			return err
		}
		out, err = receipt(ctx, e, saved)
		return err
	})
	return out, err
}

// fullDay refuses a day without a free place, offering others.
func fullDay(date roster.Date, offered []BookingDay) error {
	return &fault.Error{Kind: fault.Conflict, Code: "full", Field: "duty",
		Msg:   fmt.Sprintf("%d月%d日的预约已满，请选择其他接访日（见下列）", int(date.Month()), date.Day()),
		Items: offered}
}

// notBookable says why date cannot be booked on now.
func notBookable(e Env, date roster.Date, now time.Time) error {
	cfg := e.Cfg.Booking
	switch {
	case date <= e.Today:
		return fault.InvalidField("duty", "只能预约明天及以后的接访日")
	case date > e.Today.AddDays(cfg.DaysAhead):
		return fault.InvalidField("duty", fmt.Sprintf("只能预约%d天以内的接访日", cfg.DaysAhead))
	case !now.Before(visits.BookingCutoff(date, cfg.CutoffClock(), e.Cfg.Location)):
		return fault.InvalidField("duty", fmt.Sprintf("%d月%d日的预约已于前一天%s截止，请选择其他接访日", int(date.Month()), date.Day(), cfg.Cutoff))
	}
	return fault.InvalidField("duty", "所选日期不是可预约的接访日（未公布或当日不开门接访），请重新选择")
}

// checkBookingRepeats refuses a matter of the same category already in a
// case of the visitor's (found by ID number): closed after 复核 (art. 36),
// or accepted within the last two months and so within its handling period.
func checkBookingRepeats(ctx context.Context, e Env, b visits.Booking) error {
	cases, err := e.Tx.CasesOfIDNumber(ctx, b.Visitor.IDNumber)
	if err != nil {
		return err
	}
	since := roster.DateOf(e.Today.In(time.UTC).AddDate(0, -2, 0))
	for _, k := range cases {
		if k.Category != b.Category || k.IsDispute() {
			continue
		}
		if k.Rechecked != 0 {
			return &fault.Error{Kind: fault.Conflict, Code: "rechecked", Field: "category",
				Msg: "您反映的该类事项已出具复核意见。复核意见为最终意见，以同一事实和理由提出的投诉请求，信访部门和其他机关、单位不再受理" +
					"（《信访工作条例》第三十六条）。如有新的事实和理由，请到来访接待中心窗口咨询"}
		}
		if k.Accepted != 0 && k.Accepted >= since && k.State.Open() {
			return &fault.Error{Kind: fault.Conflict, Code: "in_hand", Field: "category",
				Msg: "您反映的该类事项已于近两个月内受理，正在办理期限内。信访事项应当自受理之日起60日内办结并书面答复" +
					"（《信访工作条例》第三十四条），请等候答复，不必重复预约；如有新的事项，请选择相应类别"}
		}
	}
	return nil
}

// freeSeat is the lowest seat of 1..capacity not in held (sorted), or 0.
func freeSeat(held []int, capacity int) int {
	next := 1
	for _, s := range held {
		if s > next {
			break
		}
		if s == next {
			next++
		}
	}
	if next > capacity {
		return 0
	}
	return next
}

// freeBookingCode draws codes until one is not taken. The unique
// constraint backs the check; inside the write transaction the check holds.
func freeBookingCode(ctx context.Context, tx *store.Store) (string, error) {
	for range maxCodeDraws {
		code, err := newBookingCode()
		if err != nil {
			return "", err
		}
		taken, err := tx.BookingCodeTaken(ctx, code)
		if err != nil {
			return "", err
		}
		if !taken {
			return code, nil
		}
	}
	return "", errors.New("service: no free booking code")
}

func rosterDef(ctx context.Context, tx *store.Store, id string) (roster.Definition, error) {
	defs, err := tx.Rosters(ctx)
	if err != nil {
		return roster.Definition{}, err
	}
	for _, d := range defs {
		if d.ID == id {
			return d, nil
		}
	}
	return roster.Definition{}, fault.InvalidField("duty", "所选接访日不存在")
}

// receipt shows b as its visitor sees it, with the duty as it stands now.
func receipt(ctx context.Context, e Env, b visits.Booking) (BookingReceipt, error) {
	r := BookingReceipt{Code: visits.FormatBookingCode(b.Code), State: b.State, StateLabel: b.State.Label(), Date: b.Date,
		Weekday: "星期" + roster.WeekdayCN(b.Date.Weekday()), SlotStart: b.SlotStart.String(), SlotEnd: b.SlotEnd.String(),
		Category: b.Category, GroupSize: b.GroupSize, Phone: secret.MaskPhone(b.Visitor.Phone), CallVisitor: b.CallVisitor,
		CanCancel: b.State == visits.BookingActive && b.Date >= e.Today}
	def, err := rosterDef(ctx, e.Tx, b.Roster)
	if err != nil {
		return r, err
	}
	r.RosterName, r.Place = def.Name, def.Place
	leader, err := dutyLeader(ctx, e.Tx, def, b.Date)
	if err != nil {
		return r, err
	}
	people, err := e.Tx.People(ctx)
	if err != nil {
		return r, err
	}
	for _, p := range people {
		if p.ID == leader {
			r.LeaderName, r.LeaderTitle = p.Name, p.Title
		}
		if p.ID == b.BookedLeader {
			r.BookedLeaderName = p.Name
		}
	}
	r.LeaderChanged = b.BookedLeader != "" && b.BookedLeader != leader
	_, names, err := townships(ctx, e.Tx)
	if err != nil {
		return r, err
	}
	r.TownshipName = names[b.Township]
	return r, nil
}

// dutyLeader is the 值班领导 (the roster's first slot) on date, or "".
func dutyLeader(ctx context.Context, tx *store.Store, def roster.Definition, date roster.Date) (string, error) {
	if len(def.Slots) == 0 {
		return "", nil
	}
	duties, err := tx.Duties(ctx, date, date)
	if err != nil {
		return "", err
	}
	for _, d := range duties {
		if d.Roster == def.ID && d.Role == def.Slots[0].Role {
			return d.Person, nil
		}
	}
	return "", nil
}

// msgBookingNotFound is said alike whether the code or the phone is wrong.
const msgBookingNotFound = "预约码或手机号码不正确，请核对后重试"

// findBooking is the booking with code whose phone is phone; a wrong code
// and a wrong phone are refused alike, the phone compared in constant time.
func findBooking(ctx context.Context, tx *store.Store, code, phone string) (visits.Booking, error) {
	code = visits.NormalizeBookingCode(clean.Narrow(code))
	phone = phoneDigits(phone)
	b, err := tx.BookingByCode(ctx, code)
	if errors.Is(err, store.ErrNotFound) || code == "" {
		// Compare anyway, so a wrong code costs what a wrong phone does.
		subtle.ConstantTimeCompare([]byte(phone), []byte("00000000000"))
		return b, fault.Missing("code", msgBookingNotFound)
	}
	if err != nil {
		return b, err
	}
	if subtle.ConstantTimeCompare([]byte(phoneDigits(b.Visitor.Phone)), []byte(phone)) != 1 || phone == "" {
		return b, fault.Missing("code", msgBookingNotFound)
	}
	return b, nil
}

func cleanLookup(code, phone *string) error {
	return cleanTexts(text{field: "code", value: code, max: clean.Code, narrow: true},
		text{field: "phone", value: phone, max: clean.Phone, narrow: true})
}

// LookupBooking shows the booking k names to the holder of its phone.
func (s *Service) LookupBooking(ctx context.Context, c Call, k BookingKey) (BookingReceipt, error) {
	return s.withBooking(ctx, c, k, func(ctx context.Context, e Env, b visits.Booking) (visits.Booking, error) {
		return b, nil
	})
}

// CancelBooking cancels the booking k names for the holder of its phone,
// up to its duty day; the place is free again at once.
func (s *Service) CancelBooking(ctx context.Context, c Call, k BookingKey) (BookingReceipt, error) {
	return s.withBooking(ctx, c, k, func(ctx context.Context, e Env, b visits.Booking) (visits.Booking, error) {
		switch {
		case b.State == visits.BookingCancelled:
			return b, fault.Conflicts("该预约已经取消", nil)
		case b.Date < e.Today:
			return b, fault.Conflicts("接访日已过，预约不能再取消", nil)
		}
		version := b.Version
		b.State, b.Cancelled = visits.BookingCancelled, c.Now.UTC()
		return e.Tx.SaveBooking(ctx, b, version, "cancel", e.Actor)
	})
}

// withBooking is the visitor's side of a booking: throttled per address,
// the code and phone checked, then act on the booking they name; the
// receipt shows what act left.
func (s *Service) withBooking(ctx context.Context, c Call, k BookingKey,
	act func(context.Context, Env, visits.Booking) (visits.Booking, error)) (BookingReceipt, error) {
	var out BookingReceipt
	if err := s.throttleBooking(c.Now, k.Address); err != nil {
		return out, err
	}
	err := s.runLight(ctx, c, func(ctx context.Context, e Env) error {
		if err := cleanLookup(&k.Code, &k.Phone); err != nil {
			return err
		}
		b, err := findBooking(ctx, e.Tx, k.Code, k.Phone)
		if err != nil {
			return err
		}
		if b, err = act(ctx, e, b); err != nil {
			return err
		}
		out, err = receipt(ctx, e, b)
		return err
	})
	return out, err
}

// PurgeBookings deletes the bookings whose duty day is more than
// booking.retention_days past.
func (s *Service) PurgeBookings(ctx context.Context, c Call) (int, error) {
	n := 0
	err := s.runLight(ctx, c, func(ctx context.Context, e Env) error {
		var err error
		n, err = e.Tx.PurgeBookings(ctx, e.Today.AddDays(-e.Cfg.Booking.RetentionDays), e.Actor)
		return err
	})
	return n, err
}
