package config

import (
	"fmt"
	"time"
)

// Booking sets the public booking (预约接访) of the duty days' 开门接访.
type Booking struct {
	// Enabled shows the booking page and takes bookings; false hides both.
	Enabled bool `yaml:"enabled"`
	// Cutoff is the time (HH:MM, in the county's zone) on the day before a
	// duty day after which that day can no longer be booked.
	Cutoff string `yaml:"cutoff"`
	// DaysAhead is how far ahead a duty day can be booked.
	DaysAhead int `yaml:"days_ahead"`
	// Capacity is the places of one duty day (one roster's 开门接访 on one
	// date): one place a booking, whatever the group's size.
	Capacity int `yaml:"capacity"`
	// SlotMinutes is the length of a time slot from the roster's start; the
	// places are spread evenly over the slots and a booking gets the
	// earliest slot with a free place.
	SlotMinutes int `yaml:"slot_minutes"`
	// PerPhonePerDay and PerIDPerDay cap the bookings made in one day with
	// one phone or one ID number (cancelled ones count too).
	PerPhonePerDay int `yaml:"per_phone_per_day"`
	PerIDPerDay    int `yaml:"per_id_per_day"`
	// PerAddressPerHour caps the booking, lookup and cancel requests of one
	// client address (IPv6: one /64) in an hour, counted in each process's
	// memory: with several replicas each limits separately.
	PerAddressPerHour int `yaml:"per_address_per_hour"`
	// RetentionDays: a booking is deleted this many days after its duty day.
	RetentionDays int `yaml:"retention_days"`
}

// DefaultBooking is the booking configuration when the file says nothing.
var DefaultBooking = Booking{Enabled: true, Cutoff: "17:00", DaysAhead: 14, Capacity: 10, SlotMinutes: 30,
	PerPhonePerDay: 3, PerIDPerDay: 3, PerAddressPerHour: 30, RetentionDays: 180}

// CutoffClock is Cutoff in minutes after midnight (validated by Validate).
func (b Booking) CutoffClock() int {
	t, err := time.Parse("15:04", b.Cutoff)
	if err != nil {
		return 17 * 60
	}
	return t.Hour()*60 + t.Minute()
}

func (b Booking) validate() error {
	if _, err := time.Parse("15:04", b.Cutoff); err != nil || len(b.Cutoff) != 5 {
		return &Error{"booking.cutoff", fmt.Sprintf("%q 无效：应为 HH:MM，如 17:00", b.Cutoff)}
	}
	for _, r := range []struct {
		key    string
		v      int
		lo, hi int
	}{
		{"booking.days_ahead", b.DaysAhead, 1, 90},
		{"booking.capacity", b.Capacity, 1, 1000},
		{"booking.slot_minutes", b.SlotMinutes, 5, 480},
		{"booking.per_phone_per_day", b.PerPhonePerDay, 1, 100},
		{"booking.per_id_per_day", b.PerIDPerDay, 1, 100},
		{"booking.per_address_per_hour", b.PerAddressPerHour, 1, 100000},
		{"booking.retention_days", b.RetentionDays, 1, 3660},
	} {
		if r.v < r.lo || r.v > r.hi {
			return &Error{r.key, fmt.Sprintf("%d 超出范围（%d–%d）", r.v, r.lo, r.hi)}
		}
	}
	return nil
}
