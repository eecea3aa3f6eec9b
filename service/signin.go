package service

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"zhiban/fault"
	"zhiban/notify"
	"zhiban/planner"
	"zhiban/roster"
	"zhiban/store"
)

// 到岗签到: a duty leader of a roster that receives the public signs in on the
// duty day, from the signed link in the evening-before reminder or marked by
// the desk; the office hears when nobody of a roster signed in by the check.

// signinKeyName names the installation key that signs the links (store.SecretKey).
const signinKeyName = "signin"

// How a sign-in was recorded.
const (
	SignedByLink  = "link"
	SignedByStaff = "staff"
)

// maxAttendanceDays bounds one attendance read.
const maxAttendanceDays = 366

// signinToken signs one duty of one person: who and which duty are in the
// token, so the link needs no login and no row of its own.
func signinToken(key []byte, k roster.Key, person string) string {
	payload := strings.Join([]string{k.Roster, k.Date.String(), k.Role, person}, "\x00")
	return base64.RawURLEncoding.EncodeToString([]byte(payload)) + "." + signinMAC(key, payload)
}

func signinMAC(key []byte, payload string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("signin\x00" + payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}

var errBadLink = &fault.Error{Kind: fault.Forbidden, Code: "bad_link",
	Msg: "签到链接无效。请使用值班提醒中的完整链接，或请办公室为您登记到岗。"}

// parseSigninToken checks tok's signature and returns the duty and person it names.
func parseSigninToken(key []byte, tok string) (roster.Key, string, error) {
	enc, mac, ok := strings.Cut(tok, ".")
	raw, err := base64.RawURLEncoding.DecodeString(enc)
	if !ok || err != nil || !hmac.Equal([]byte(mac), []byte(signinMAC(key, string(raw)))) {
		return roster.Key{}, "", errBadLink
	}
	f := strings.Split(string(raw), "\x00")
	if len(f) != 4 {
		return roster.Key{}, "", errBadLink
	}
	d, err := roster.ParseDate(f[1])
	if err != nil {
		return roster.Key{}, "", errBadLink
	}
	return roster.Key{Roster: f[0], Date: d, Role: f[2]}, f[3], nil
}

// SigninLink is the address of person's sign-in page for duty k under base (public_url).
func SigninLink(ctx context.Context, tx *store.Store, base string, k roster.Key, person string) (string, error) {
	key, err := tx.SecretKey(ctx, signinKeyName)
	if err != nil {
		return "", err
	}
	// The token goes in the query: the access log never writes a query string.
	return base + "/signin?t=" + url.QueryEscape(signinToken(key, k, person)), nil
}

// SigninDuty is what a sign-in link names, for the page the leader sees.
type SigninDuty struct {
	Key        roster.Key
	RosterName string
	Place      string
	Hours      string
	Person     roster.Person
	Signed     *store.Attendance // nil until signed in
	Already    bool              // the sign-in existed before this request
}

// SigninPage checks a sign-in link without signing in (a chat app may fetch
// a link to preview it, which must not sign anyone in).
func (s *Service) SigninPage(ctx context.Context, now time.Time, token string) (SigninDuty, error) {
	var out SigninDuty
	err := s.run(ctx, Call{Actor: "signin-link", Now: now}, func(ctx context.Context, e Env) error {
		var err error
		out, err = checkSigninLink(ctx, e, token)
		if err == nil && out.Signed != nil {
			out.Already = true
		}
		return err
	})
	return out, err
}

// SigninByLink signs the link's leader in for its duty; a second sign-in
// reports the first one (Already).
func (s *Service) SigninByLink(ctx context.Context, now time.Time, token string) (SigninDuty, error) {
	var out SigninDuty
	err := s.run(ctx, Call{Actor: "signin-link", Now: now}, func(ctx context.Context, e Env) error {
		var err error
		out, err = checkSigninLink(ctx, e, token)
		if err != nil || out.Signed != nil {
			out.Already = out.Signed != nil
			return err
		}
		a := store.Attendance{Roster: out.Key.Roster, Date: out.Key.Date, Role: out.Key.Role, Person: out.Person.ID,
			SignedAt: now, How: SignedByLink, SignedBy: out.Person.ID}
		if err := signIn(ctx, e.Tx, a, "signin:"+out.Person.ID); err != nil {
			return err
		}
		out.Signed = &a
		return nil
	})
	return out, err
}

// checkSigninLink refuses a forged link, one used on another day than its
// duty's, and one whose person no longer holds the duty (unless they had
// signed in before the change).
func checkSigninLink(ctx context.Context, e Env, token string) (SigninDuty, error) {
	key, err := e.Tx.SecretKey(ctx, signinKeyName)
	if err != nil {
		return SigninDuty{}, err
	}
	k, person, err := parseSigninToken(key, token)
	if err != nil {
		return SigninDuty{}, err
	}
	switch {
	case k.Date > e.Today:
		return SigninDuty{}, &fault.Error{Kind: fault.Forbidden, Code: "not_yet",
			Msg: fmt.Sprintf("此签到链接仅在值班当天（%s）有效，请于当天到岗后再签到。", dayLabel(k.Date))}
	case k.Date < e.Today:
		return SigninDuty{}, &fault.Error{Kind: fault.Forbidden, Code: "expired",
			Msg: fmt.Sprintf("此签到链接是 %s 值班的，已过期。如需补登到岗，请联系办公室。", dayLabel(k.Date))}
	}
	def, p, err := dutyOf(ctx, e.Tx, k, person)
	if err != nil {
		return SigninDuty{}, err
	}
	out := SigninDuty{Key: k, RosterName: def.Name, Place: def.Place, Hours: hours(def), Person: p}
	if a, err := e.Tx.SignedIn(ctx, k, person); err == nil {
		out.Signed = &a
		return out, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return out, err
	}
	cur, err := e.Tx.Assignment(ctx, k)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return out, err
	}
	if err != nil || cur.Person != person {
		return out, &fault.Error{Kind: fault.Forbidden, Code: "reassigned",
			Msg: "此班次已改由其他同志值班，此签到链接已失效。如有疑问，请联系办公室。"}
	}
	return out, nil
}

// dutyOf is the roster and person of a duty that takes sign-ins.
func dutyOf(ctx context.Context, tx *store.Store, k roster.Key, person string) (roster.Definition, roster.Person, error) {
	defs, err := tx.Rosters(ctx)
	if err != nil {
		return roster.Definition{}, roster.Person{}, err
	}
	for _, d := range defs {
		if d.ID != k.Roster {
			continue
		}
		if !d.ReceivesPublic {
			return d, roster.Person{}, fault.InvalidField("roster", d.Name+"不接待群众，无需到岗签到")
		}
		p, err := tx.Person(ctx, person)
		if errors.Is(err, store.ErrNotFound) {
			return d, p, fault.Missing("person", "人员 "+person+" 不存在")
		}
		return d, p, err
	}
	return roster.Definition{}, roster.Person{}, fault.Missing("roster", "值班表 "+k.Roster+" 不存在")
}

// signIn stores a and audits it as actor.
func signIn(ctx context.Context, tx *store.Store, a store.Attendance, actor string) error {
	if err := tx.SignIn(ctx, a); err != nil {
		return err
	}
	id := fmt.Sprintf("%s/%s/%s", a.Roster, a.Date, a.Role)
	return tx.Audit(ctx, actor, "signin", "attendance", id, "", a.Person+" "+a.How)
}

// AttendanceInput names a duty and the leader marked for it; an empty
// Person is whoever holds the duty now.
type AttendanceInput struct {
	Roster string      `json:"roster"`
	Date   roster.Date `json:"date"`
	Role   string      `json:"role"`
	Person string      `json:"person"`
}

func (in AttendanceInput) key() roster.Key {
	return roster.Key{Roster: in.Roster, Date: in.Date, Role: in.Role}
}

// MarkAttendance is the desk marking a leader 已到岗 (no link needed): today's
// or an earlier duty, for whoever holds the slot.
func (s *Service) MarkAttendance(ctx context.Context, c Call, in AttendanceInput) (store.Attendance, error) {
	var out store.Attendance
	err := s.run(ctx, c, func(ctx context.Context, e Env) error {
		k := in.key()
		if err := planner.CheckRoster(ctx, e.Tx, e.Unit, k.Roster); err != nil {
			return err
		}
		if in.Date == 0 {
			return fault.InvalidField("date", "缺少日期")
		}
		if in.Date > e.Today {
			return fault.InvalidField("date", "不能为以后的值班登记到岗")
		}
		cur, err := e.Tx.Assignment(ctx, k)
		if errors.Is(err, store.ErrNotFound) {
			return fault.Missing("role", "该日没有此班次")
		}
		if err != nil {
			return err
		}
		person := in.Person
		if person == "" {
			person = cur.Person
		}
		if person != cur.Person {
			return fault.InvalidField("person", "只能为当前值班的领导登记到岗；如换人值班，请先替换班次")
		}
		if _, _, err := dutyOf(ctx, e.Tx, k, person); err != nil {
			return err
		}
		out = store.Attendance{Roster: k.Roster, Date: k.Date, Role: k.Role, Person: person,
			SignedAt: c.Now, How: SignedByStaff, SignedBy: e.Actor}
		err = signIn(ctx, e.Tx, out, e.Actor)
		if errors.Is(err, store.ErrConflict) {
			return fault.Conflicts("该领导已签到，无需重复登记", nil)
		}
		return err
	})
	return out, err
}

// UndoAttendance removes a mistaken sign-in; the audit log keeps what it was.
func (s *Service) UndoAttendance(ctx context.Context, c Call, in AttendanceInput) error {
	return s.run(ctx, c, func(ctx context.Context, e Env) error {
		k := in.key()
		if err := planner.CheckRoster(ctx, e.Tx, e.Unit, k.Roster); err != nil {
			return err
		}
		person := in.Person
		if person == "" {
			cur, err := e.Tx.Assignment(ctx, k)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
			person = cur.Person
		}
		a, err := e.Tx.SignedIn(ctx, k, person)
		if errors.Is(err, store.ErrNotFound) {
			return fault.Missing("person", "没有这条到岗记录")
		}
		if err != nil {
			return err
		}
		if err := e.Tx.UndoSignIn(ctx, k, person); err != nil {
			return err
		}
		id := fmt.Sprintf("%s/%s/%s", k.Roster, k.Date, k.Role)
		return e.Tx.Audit(ctx, e.Actor, "undo", "attendance", id, a.Person+" "+a.How, "")
	})
}

// DutyAttendance is one duty of a roster that receives the public, with its sign-in.
type DutyAttendance struct {
	Roster     string            `json:"roster"`
	RosterName string            `json:"roster_name"`
	Date       roster.Date       `json:"date"`
	Role       string            `json:"role"`
	Person     string            `json:"person"`
	Name       string            `json:"name"`
	Signed     *store.Attendance `json:"signed,omitempty"`
	// Reassigned: the person signed in, and the slot went to someone else after.
	Reassigned bool `json:"reassigned,omitempty"`
}

// Attendance lists the duties in [from, to] of the rosters that receive the
// public with their sign-ins, and sign-ins of people taken off a slot after.
func (s *Service) Attendance(ctx context.Context, from, to roster.Date) ([]DutyAttendance, error) {
	if from == 0 || to == 0 || to < from {
		return nil, fault.InvalidField("from", "请给出起止日期（from、to）")
	}
	if int(to-from) >= maxAttendanceDays {
		return nil, fault.Oversize("to", fmt.Sprintf("一次最多查询 %d 天", maxAttendanceDays))
	}
	return dutyAttendance(ctx, s.st, from, to)
}

func dutyAttendance(ctx context.Context, st *store.Store, from, to roster.Date) ([]DutyAttendance, error) {
	defs, err := st.Rosters(ctx)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, d := range defs {
		if d.ReceivesPublic {
			names[d.ID] = d.Name
		}
	}
	people, err := st.People(ctx)
	if err != nil {
		return nil, err
	}
	pname := map[string]string{}
	for _, p := range people {
		pname[p.ID] = p.Name
	}
	as, err := st.Assignments(ctx, from, to)
	if err != nil {
		return nil, err
	}
	signed, err := st.Attendance(ctx, from, to)
	if err != nil {
		return nil, err
	}
	type slotPerson struct {
		k      roster.Key
		person string
	}
	byKey := map[slotPerson]*store.Attendance{}
	for i := range signed {
		a := &signed[i]
		byKey[slotPerson{roster.Key{Roster: a.Roster, Date: a.Date, Role: a.Role}, a.Person}] = a
	}
	out := []DutyAttendance{}
	for _, a := range as {
		name, ok := names[a.Roster]
		if !ok {
			continue
		}
		sp := slotPerson{a.Key(), a.Person}
		d := DutyAttendance{Roster: a.Roster, RosterName: name, Date: a.Date, Role: a.Role, Person: a.Person,
			Name: pname[a.Person], Signed: byKey[sp]}
		delete(byKey, sp)
		out = append(out, d)
	}
	for i := range signed {
		a := &signed[i]
		sp := slotPerson{roster.Key{Roster: a.Roster, Date: a.Date, Role: a.Role}, a.Person}
		if byKey[sp] == nil {
			continue
		}
		out = append(out, DutyAttendance{Roster: a.Roster, RosterName: labelOr(names, a.Roster), Date: a.Date, Role: a.Role,
			Person: a.Person, Name: pname[a.Person], Signed: a, Reassigned: true})
	}
	return out, nil
}

// CheckSignins tells the office about each roster receiving the public today
// whose leaders have none of them signed in; days without duty say nothing.
func CheckSignins(ctx context.Context, e Env) (string, error) {
	duties, err := dutyAttendance(ctx, e.Tx, e.Today, e.Today)
	if err != nil {
		return "", err
	}
	type rosterDay struct {
		name    string
		missing []string
		signed  bool
	}
	var order []string
	byRoster := map[string]*rosterDay{}
	for _, d := range duties {
		r := byRoster[d.Roster]
		if r == nil {
			r = &rosterDay{name: d.RosterName}
			byRoster[d.Roster] = r
			order = append(order, d.Roster)
		}
		switch {
		case d.Signed != nil:
			r.signed = true
		case !d.Reassigned:
			r.missing = append(r.missing, fmt.Sprintf("%s %s", d.Role, d.Name))
		}
	}
	if len(order) == 0 {
		return "今天无接访值班，无需检查签到", nil
	}
	alerts := 0
	for _, id := range order {
		r := byRoster[id]
		if r.signed || len(r.missing) == 0 {
			continue
		}
		m := notify.Message{
			To:      []notify.Recipient{notify.Office},
			Subject: fmt.Sprintf("到岗签到提醒：%s %s 无人签到", monthDay(e.Today), r.name),
			Text: fmt.Sprintf("【到岗签到】%s %s 截至目前无人签到：%s。请办公室联系核实到岗情况；领导已到岗的，请在值班表中登记“已到岗”。",
				dayLabel(e.Today), r.name, strings.Join(r.missing, "，")),
		}
		if err := e.Out.Put(ctx, e.Tx, m); err != nil {
			return "", err
		}
		alerts++
	}
	if alerts == 0 {
		return "今天的接访值班均已有领导签到", nil
	}
	return fmt.Sprintf("%d 个值班表无人签到，已提醒办公室", alerts), nil
}
