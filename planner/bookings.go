package planner

import (
	"context"
	"fmt"
	"strconv"

	"zhiban/roster"
	"zhiban/store"
)

// FlagCallVisitor is the follow-up flag asking the office to phone a
// visitor whose booked duty changed.
const FlagCallVisitor = "call_visitor"

// FollowBookings makes the active bookings (预约接访) of duty days in
// [from, to] follow their duty's 值班领导, in the caller's transaction: a
// booking whose visitor now expects someone else, or nobody (the day is no
// longer a duty day), is marked for a call and the office gets a flag to
// phone the visitor. A booking of whoever is on duty is called only when
// the day stops or starts being a duty day. The flag names the booking's
// day, slot and the leaders, never the visitor or the code. It returns the bookings marked.
func FollowBookings(ctx context.Context, tx *store.Store, from, to roster.Date, actor string) (int, error) {
	bs, err := tx.BookingDuties(ctx, from, to)
	if err != nil || len(bs) == 0 {
		return 0, err
	}
	defs, err := tx.Rosters(ctx)
	if err != nil {
		return 0, err
	}
	type day struct {
		roster string
		date   roster.Date
	}
	head, names := map[string]string{}, map[string]string{}
	for _, d := range defs {
		names[d.ID] = d.Name
		if len(d.Slots) > 0 {
			head[d.ID] = d.Slots[0].Role
		}
	}
	duties, err := tx.Duties(ctx, bs[0].Date, bs[len(bs)-1].Date)
	if err != nil {
		return 0, err
	}
	leader := map[day]string{}
	for _, d := range duties {
		if r, ok := head[d.Roster]; ok && d.Role == r {
			leader[day{d.Roster, d.Date}] = d.Person
		}
	}
	people, err := tx.People(ctx)
	if err != nil {
		return 0, err
	}
	person := map[string]string{}
	for _, p := range people {
		person[p.ID] = p.Name
	}
	name := func(id string) string {
		if n := person[id]; n != "" {
			return n
		}
		return id
	}
	n := 0
	for _, b := range bs {
		now := leader[day{b.Roster, b.Date}]
		if !b.Follow(now, name) {
			continue
		}
		v, err := tx.SaveBookingDuty(ctx, b, actor)
		if err != nil {
			return n, err
		}
		// The code is a credential with the phone: the desk shows it, not the flag.
		msg := fmt.Sprintf("%d月%d日%s %s–%s 的预约（第%d位）：%s", int(b.Date.Month()), b.Date.Day(), names[b.Roster],
			b.SlotStart, b.SlotEnd, b.Seat, b.CallReason)
		if _, err := tx.Flag(ctx, store.Flag{Kind: FlagCallVisitor, Entity: "booking", EntityID: strconv.FormatInt(b.ID, 10),
			Level: "v" + strconv.Itoa(v), On: b.Date, Message: msg, Leader: now}); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
