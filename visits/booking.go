package visits

import (
	"slices"
	"strings"
	"time"

	"zhiban/roster"
)

// A Booking (预约接访) holds a place at a duty day's 开门接访: the public
// books a roster's duty day from the public page, by the cutoff of the day
// before, and is received first on the day. It names the duty (roster and
// date), not a session: sessions are opened on the day.

// BookingState is where a booking stands.
type BookingState string

const (
	BookingActive    BookingState = "booked"    // 已预约
	BookingCancelled BookingState = "cancelled" // 已取消
)

var bookingStateLabels = map[BookingState]string{BookingActive: "已预约", BookingCancelled: "已取消"}

// Label is the Chinese name of the state.
func (s BookingState) Label() string { return bookingStateLabels[s] }

// Booking is one public booking. Visitor and Representatives are private:
// never on a public page, feed, log line or error.
type Booking struct {
	ID     int64       `json:"id"`
	Code   string      `json:"code"`
	Roster string      `json:"roster"`
	Date   roster.Date `json:"date"`
	// Seat is the place held (1..capacity); the slot follows from it.
	Seat      int          `json:"seat"`
	SlotStart roster.Clock `json:"slot_start"`
	SlotEnd   roster.Clock `json:"slot_end"`
	// BookedLeader is the 值班领导 chosen when booking; "" is whoever is on duty.
	BookedLeader    string       `json:"booked_leader,omitempty"`
	Category        Category     `json:"category"`
	Township        string       `json:"township"`
	GroupSize       int          `json:"group_size"`
	Representatives []string     `json:"representatives,omitempty"`
	Visitor         Visitor      `json:"visitor"`
	Consented       time.Time    `json:"consented"`
	State           BookingState `json:"state"`
	// CallVisitor: the duty changed after booking and the office is to phone
	// the visitor; CallReason says what changed.
	CallVisitor bool        `json:"call_visitor,omitempty"`
	CallReason  string      `json:"call_reason,omitempty"`
	Made        roster.Date `json:"made"` // the county-zone date it was made (per-day limits)
	Cancelled   time.Time   `json:"cancelled,omitzero"`
	Version     int         `json:"version"`
}

// BookingCodeAlphabet has no characters read alike (0/O, 1/I/L).
const BookingCodeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// BookingCodeLen is a booking code's length: 31^8 ≈ 8.5×10^11 codes.
const BookingCodeLen = 8

// NormalizeBookingCode reads a code as typed: any case, with spaces or
// hyphens; "" if it cannot be a code.
func NormalizeBookingCode(s string) string {
	s = strings.ToUpper(strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '　' {
			return -1
		}
		return r
	}, s))
	if len(s) != BookingCodeLen {
		return ""
	}
	for _, r := range s {
		if !strings.ContainsRune(BookingCodeAlphabet, r) {
			return ""
		}
	}
	return s
}

// FormatBookingCode shows a code in two groups of four, as printed.
func FormatBookingCode(code string) string {
	if len(code) != BookingCodeLen {
		return code
	}
	return code[:4] + "-" + code[4:]
}

// BookingCutoff is when booking date closes: cutoff minutes after midnight
// of the day before, in the county's zone.
func BookingCutoff(date roster.Date, cutoff int, loc *time.Location) time.Time {
	return date.AddDays(-1).In(loc).Add(time.Duration(cutoff) * time.Minute)
}

// BookingSlot is the slot of the seat-th place of a duty day from start to
// end: slots of slotMinutes from start, the capacity spread evenly over
// them, so the lowest free seat is the earliest slot with a free place.
func BookingSlot(seat, capacity, slotMinutes int, start, end roster.Clock) (from, to roster.Clock) {
	slots := 1
	if end > start {
		slots = max(1, int(end-start)/slotMinutes)
	}
	perSlot := (capacity + slots - 1) / slots
	i := min((seat-1)/perSlot, slots-1)
	from = start + roster.Clock(i*slotMinutes)
	to = from + roster.Clock(slotMinutes)
	if end > start && to > end {
		to = end
	}
	return from, to
}

// Covers reports whether a portfolio of categories takes matter c: one
// without categories takes any matter.
func Covers(categories []string, c Category) bool {
	return len(categories) == 0 || slices.Contains(categories, string(c))
}

// ValidMobile reports whether p is a mainland mobile number (11 digits
// from 1), the number the office phones back.
func ValidMobile(p string) bool {
	return len(p) == 11 && p[0] == '1' && p[1] >= '3' && digits(p)
}

// Validate checks a new booking's fields; messages name the field, never the value.
func (b *Booking) Validate() error {
	if strings.TrimSpace(b.Visitor.Name) == "" {
		return refuse("name", "请填写姓名")
	}
	if b.Visitor.IDNumber == "" {
		return refuse("id_number", "请填写居民身份证号码")
	}
	if err := CheckIDNumber(b.Visitor.IDNumber); err != nil {
		return &Refusal{Field: "id_number", Msg: err.(*Refusal).Msg}
	}
	if !ValidMobile(b.Visitor.Phone) {
		return refuse("phone", "请填写11位手机号码，接访安排有变时工作人员会打这个电话")
	}
	if !b.Category.Valid() {
		return refuse("category", "请选择反映事项的类别：%s", joinCats())
	}
	if b.Township == "" {
		return refuse("township", "请选择事项发生地所在的乡镇（街道）")
	}
	if err := CheckCount("group_size", b.GroupSize, 1, MaxGroupSize); err != nil {
		return err
	}
	reps := len(b.Representatives)
	if reps > MaxRepresentatives {
		return refuse("representatives", "多人反映共同意见的，推选的代表不得超过%d人（《信访工作条例》第二十条）", MaxRepresentatives)
	}
	if b.GroupSize > MaxRepresentatives && reps == 0 {
		return refuse("representatives", "%d人以上共同来访的，应推选1至%d名代表并填写代表姓名（《信访工作条例》第二十条）", MaxRepresentatives+1, MaxRepresentatives)
	}
	if reps > b.GroupSize {
		return refuse("representatives", "代表人数不能多于来访人数")
	}
	if b.Consented.IsZero() {
		return refuse("consent", "请阅读并同意个人信息处理说明后再提交预约")
	}
	return nil
}
