package service

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"zhiban/clean"
	"zhiban/fault"
	"zhiban/roster"
	"zhiban/secret"
	"zhiban/store"
	"zhiban/visits"
)

// The reception desk (接访台): each visit (批次) to today's 开门接访 session
// is registered, queued, received by the 值班 or 跟班领导 and closed with an
// outcome; handed over, transferred and refused matters become cases.

// RegistrationInput is a visit to register at the desk.
type RegistrationInput struct {
	Session         int64           `json:"session"`
	Visitor         visits.Visitor  `json:"visitor"`
	Township        string          `json:"township"`
	GroupSize       int             `json:"group_size"` // 0 means one person
	Representatives []string        `json:"representatives"`
	Matter          string          `json:"matter"`
	Category        visits.Category `json:"category"`
	SkippedLevel    bool            `json:"skipped_level"`
	// Case links a case the matter is already in (重复信访); CaseCode names it by code.
	Case     int64  `json:"case"`
	CaseCode string `json:"case_code"`
	// RepeatOf links an earlier registration of the same matter.
	RepeatOf int64 `json:"repeat_of"`
	// NotRepeat: staff saw the possible repeats and say this is a new matter.
	NotRepeat bool `json:"not_repeat"`
}

// MaxRepeats is how many earlier registrations and cases a repeat check shows.
const MaxRepeats = 20

func (in *RegistrationInput) clean() error {
	v := &in.Visitor
	fields := []text{
		{field: "visitor.name", value: &v.Name, max: clean.Name},
		{field: "visitor.id_number", value: &v.IDNumber, max: clean.Phone, narrow: true},
		{field: "visitor.phone", value: &v.Phone, max: clean.Phone, narrow: true},
		{field: "visitor.address", value: &v.Address, max: clean.Line},
		{field: "township", value: &in.Township, max: clean.Code},
		{field: "matter", value: &in.Matter, max: clean.Para, multi: true},
		{field: "category", value: (*string)(&in.Category), max: clean.Code},
		{field: "case_code", value: &in.CaseCode, max: clean.Code, narrow: true},
	}
	if len(in.Representatives) > visits.MaxRepresentatives {
		return fault.InvalidField("representatives", fmt.Sprintf("集体访推选的代表不得超过%d人（《信访工作条例》第二十条）", visits.MaxRepresentatives))
	}
	for i := range in.Representatives {
		fields = append(fields, text{field: "representatives", value: &in.Representatives[i], max: clean.Name})
	}
	if err := cleanTexts(fields...); err != nil {
		return err
	}
	v.IDNumber = visits.NormalizeIDNumber(v.IDNumber)
	if in.GroupSize == 0 {
		in.GroupSize = 1
	}
	return nil
}

// RegistrationView is a registration as staff see it: ID number and phone
// masked (RevealVisitor shows them, audited), names resolved.
type RegistrationView struct {
	visits.Registration
	ReceivedByName string `json:"received_by_name,omitempty"`
	CaseCode       string `json:"case_code,omitempty"`
	StateLabel     string `json:"state_label"`
	OutcomeLabel   string `json:"outcome_label,omitempty"`
}

func viewRegistration(r visits.Registration, names map[string]string, codes map[int64]string) RegistrationView {
	r.Visitor.IDNumber = secret.MaskID(r.Visitor.IDNumber)
	r.Visitor.Phone = secret.MaskPhone(r.Visitor.Phone)
	return RegistrationView{Registration: r, ReceivedByName: names[r.ReceivedBy], CaseCode: codes[r.Case],
		StateLabel: r.State.Label(), OutcomeLabel: r.Outcome.Label()}
}

// viewRegistrations resolves leaders' names and case codes for rs.
func viewRegistrations(ctx context.Context, tx *store.Store, rs []visits.Registration) ([]RegistrationView, error) {
	// Only a received visit names a leader: a new registration, and a repeat
	// check that matched nothing, read no people (the desk's hot path).
	names := map[string]string{}
	if slices.ContainsFunc(rs, func(r visits.Registration) bool { return r.ReceivedBy != "" }) {
		var err error
		if names, err = personNames(ctx, tx); err != nil {
			return nil, err
		}
	}
	var ids []int64
	for _, r := range rs {
		if r.Case != 0 {
			ids = append(ids, r.Case)
		}
	}
	codes := map[int64]string{}
	if len(ids) > 0 {
		cases, err := tx.Cases(ctx, store.CaseFilter{IDs: ids})
		if err != nil {
			return nil, err
		}
		for _, k := range cases {
			codes[k.ID] = k.Code
		}
	}
	out := make([]RegistrationView, len(rs))
	for i, r := range rs {
		out[i] = viewRegistration(r, names, codes)
	}
	return out, nil
}

// Repeats are earlier registrations and cases that may be the same person or matter.
type Repeats struct {
	Registrations []RegistrationView `json:"registrations"`
	Cases         []CaseView         `json:"cases"`
}

// Empty reports whether nothing matched.
func (r Repeats) Empty() bool { return len(r.Registrations) == 0 && len(r.Cases) == 0 }

// FindRepeats shows what a registration would repeat: the same ID number, the
// same phone and name, or the same township and category with a similar
// matter within the configured window. It writes nothing.
func (s *Service) FindRepeats(ctx context.Context, c Call, in RegistrationInput) (Repeats, error) {
	var out Repeats
	err := s.runLight(ctx, c, func(ctx context.Context, e Env) error {
		if err := in.clean(); err != nil {
			return err
		}
		var err error
		out, err = findRepeats(ctx, e, in, 0)
		return err
	})
	return out, err
}

func findRepeats(ctx context.Context, e Env, in RegistrationInput, exclude int64) (Repeats, error) {
	q := store.RepeatQuery{Name: in.Visitor.Name, IDNumber: in.Visitor.IDNumber, Phone: in.Visitor.Phone,
		Township: in.Township, Category: in.Category, Since: e.Today.AddDays(-e.Cfg.Visits.RepeatWindowDays), Exclude: exclude}
	matter := visits.NewMatter(in.Matter)
	if in.Matter != "" {
		q.Similar = func(text string) bool { return matter.Similarity(text) >= visits.SimilarMatter }
	}
	regs, cases, err := e.Tx.RepeatCandidates(ctx, q, 4*MaxRepeats)
	if err != nil {
		return Repeats{}, err
	}
	idTok := func(v visits.Visitor) bool { return in.Visitor.IDNumber != "" && v.IDNumber == in.Visitor.IDNumber }
	samePerson := func(v visits.Visitor) bool {
		return idTok(v) || (in.Visitor.Phone != "" && samePhone(v.Phone, in.Visitor.Phone) && sameName(v.Name, in.Visitor.Name))
	}
	similar := func(township string, cat visits.Category, text string) bool {
		return township == in.Township && cat == in.Category && matter.Similarity(text) >= visits.SimilarMatter
	}
	linked := map[int64]bool{}
	regs = slices.DeleteFunc(regs, func(r visits.Registration) bool {
		keep := samePerson(r.Visitor) || (r.Date >= q.Since && similar(r.Township, r.Category, r.Matter))
		if keep && r.Case != 0 {
			linked[r.Case] = true
		}
		return !keep
	})
	cases = slices.DeleteFunc(cases, func(k visits.Case) bool {
		return !linked[k.ID] && !samePerson(visits.Visitor{Name: k.Petitioner.Name, Phone: k.Petitioner.Phone}) &&
			!(k.Received >= q.Since && similar(k.Township, k.Category, k.Title+" "+k.Content))
	})
	regs, cases = regs[:min(len(regs), MaxRepeats)], cases[:min(len(cases), MaxRepeats)]
	views, err := viewRegistrations(ctx, e.Tx, regs)
	if err != nil {
		return Repeats{}, err
	}
	out := Repeats{Registrations: views, Cases: make([]CaseView, len(cases))}
	if len(cases) > 0 {
		cal, err := e.calendar(ctx)
		if err != nil {
			return Repeats{}, err
		}
		for i, k := range cases {
			out.Cases[i] = ViewCase(k, e.Today, cal)
		}
	}
	return out, nil
}

// The blind index found the candidates; these compare the opened values.
func samePhone(a, b string) bool { return digitsOf(a) != "" && digitsOf(a) == digitsOf(b) }
func sameName(a, b string) bool  { return clean.Narrow(a) == clean.Narrow(b) }

func digitsOf(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range clean.Narrow(s) {
		if r >= '0' && r <= '9' {
			out = append(out, r)
		}
	}
	if len(out) == 13 && string(out[:2]) == "86" {
		out = out[2:]
	}
	return string(out)
}

// RegisterVisit registers a visit (批次) at today's session. A possible
// repeat the input neither links (Case, CaseCode, RepeatOf) nor waves off
// (NotRepeat) is a conflict listing the matches, so staff see them before
// saving; a linked one counts as 重复信访.
func (s *Service) RegisterVisit(ctx context.Context, c Call, in RegistrationInput) (RegistrationView, error) {
	var out RegistrationView
	err := s.runLight(ctx, c, func(ctx context.Context, e Env) error {
		if err := in.clean(); err != nil {
			return err
		}
		tx := e.Tx
		session, err := deskSession(ctx, e, in.Session)
		if err != nil {
			return err
		}
		r := visits.Registration{Session: session.ID, Date: session.Date, Visitor: in.Visitor, Township: in.Township,
			GroupSize: in.GroupSize, Representatives: in.Representatives, Matter: in.Matter, Category: in.Category,
			SkippedLevel: in.SkippedLevel, State: visits.DeskWaiting, Arrived: c.Now.UTC(), CreatedBy: e.Actor}
		if err := r.Validate(); err != nil {
			return err
		}
		if err := CheckTownship(ctx, tx, r.Township); err != nil {
			return err
		}
		if r.Case, r.Repeat, err = repeatLink(ctx, tx, in); err != nil {
			return err
		}
		if !r.Repeat && !in.NotRepeat {
			found, err := findRepeats(ctx, e, in, 0)
			if err != nil {
				return err
			}
			if !found.Empty() {
				return &fault.Error{Kind: fault.Conflict, Code: "possible_repeat",
					Msg: "发现可能重复的信访：请关联已有案件或登记，或确认是新事项后再保存", Items: found}
			}
		}
		saved, err := tx.CreateRegistration(ctx, r, e.Actor)
		if err != nil {
			return err
		}
		views, err := viewRegistrations(ctx, tx, []visits.Registration{saved})
		if err == nil {
			out = views[0]
		}
		return err
	})
	return out, err
}

// repeatLink resolves the case or earlier registration in links to; any link makes the visit a repeat.
func repeatLink(ctx context.Context, tx *store.Store, in RegistrationInput) (caseID int64, repeat bool, err error) {
	if in.RepeatOf != 0 {
		prev, err := tx.Registration(ctx, in.RepeatOf)
		if errors.Is(err, store.ErrNotFound) {
			return 0, false, fault.InvalidField("repeat_of", "关联的来访登记不存在")
		}
		if err != nil {
			return 0, false, err
		}
		caseID, repeat = prev.Case, true
	}
	if in.Case != 0 || in.CaseCode != "" {
		ids, err := resolveCases(ctx, tx, nonZero(in.Case), nonEmpty(in.CaseCode))
		if err != nil {
			return 0, false, err
		}
		caseID, repeat = ids[0], true
	}
	return caseID, repeat, nil
}

func nonZero(id int64) []int64 {
	if id == 0 {
		return nil
	}
	return []int64{id}
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// deskSession is today's 开门接访 session id names; others are refused.
func deskSession(ctx context.Context, e Env, id int64) (visits.Visit, error) {
	if id == 0 {
		return visits.Visit{}, fault.InvalidField("session", "请选择接访场次")
	}
	v, err := e.Tx.Visit(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return v, fault.InvalidField("session", "接访场次不存在")
	}
	if err != nil {
		return v, err
	}
	if v.Kind != visits.KindOpen {
		return v, fault.InvalidField("session", "只能在开门接访场次登记来访")
	}
	if v.Date != e.Today {
		return v, fault.InvalidField("session", fmt.Sprintf("该接访场次在 %s，只能登记今天（%s）的来访", v.Date, e.Today))
	}
	if v.State == visits.VisitCancelled {
		return v, fault.InvalidField("session", "该接访场次已取消（值班安排已变动），请选择今天的其他场次")
	}
	return v, nil
}

// DeskAct moves a registration through the queue.
type DeskAct struct {
	Version int                `json:"version"`
	Leader  string             `json:"leader"` // who receives: the session's 值班 (default) or 跟班领导
	Outcome visits.DeskOutcome `json:"outcome"`
	Note    string             `json:"note"`
	// Title of the case an outcome creates; the matter's first line by default.
	Title    string `json:"title"`
	Case     int64  `json:"case"`
	CaseCode string `json:"case_code"`
}

func (in *DeskAct) clean() error {
	return cleanTexts(
		text{field: "leader", value: &in.Leader, max: clean.Code},
		text{field: "outcome", value: (*string)(&in.Outcome), max: clean.Code},
		text{field: "note", value: &in.Note, max: clean.Para, multi: true},
		text{field: "title", value: &in.Title, max: clean.Title},
		text{field: "case_code", value: &in.CaseCode, max: clean.Code, narrow: true},
	)
}

// StartReception calls a waiting visitor in: the 值班领导 receives them unless in names the 跟班领导.
func (s *Service) StartReception(ctx context.Context, c Call, id int64, in DeskAct) (RegistrationView, error) {
	return s.changeRegistration(ctx, c, id, in, "start", func(ctx context.Context, e Env, r *visits.Registration, session visits.Visit) error {
		leader := in.Leader
		if leader == "" {
			leader = session.Leader
		}
		if leader != session.Leader && (leader != session.Shadow || leader == "") {
			return fault.InvalidField("leader", "接待领导应为本场次的值班领导或跟班领导")
		}
		return r.Start(leader, c.Now.UTC())
	})
}

// FinishReception records the outcome. 交办, 转送 and 不予受理 are tracked as
// a case: the linked one, or one registered from the visit (channel 来访),
// accepted for 交办 (so it can be handed to a unit) and refused for 不予受理.
func (s *Service) FinishReception(ctx context.Context, c Call, id int64, in DeskAct) (RegistrationView, error) {
	return s.changeRegistration(ctx, c, id, in, "finish", func(ctx context.Context, e Env, r *visits.Registration, session visits.Visit) error {
		if in.Case != 0 || in.CaseCode != "" {
			ids, err := resolveCases(ctx, e.Tx, nonZero(in.Case), nonEmpty(in.CaseCode))
			if err != nil {
				return err
			}
			r.Case = ids[0]
		}
		if r.ReceivedBy == "" {
			r.ReceivedBy = session.Leader
		}
		if err := r.Finish(in.Outcome, in.Note, c.Now.UTC()); err != nil {
			return err
		}
		if !r.Outcome.NeedsCase() || r.Case != 0 {
			return e.Tx.LinkVisitCase(ctx, session.ID, r.Case)
		}
		k, err := caseFromRegistration(ctx, e, *r, session, in.Title)
		if err != nil {
			return err
		}
		r.Case = k.ID
		return e.Tx.LinkVisitCase(ctx, session.ID, r.Case)
	})
}

// caseFromRegistration registers the visit's case and moves it as the outcome says.
func caseFromRegistration(ctx context.Context, e Env, r visits.Registration, session visits.Visit, title string) (visits.Case, error) {
	if title == "" {
		title = r.CaseTitle()
	}
	k, err := registerCase(ctx, e, CaseInput{Title: title, Category: r.Category, Township: r.Township, Received: r.Date,
		Channel: "来访", Petitioner: visits.Petitioner{Name: r.Visitor.Name, Phone: r.Visitor.Phone, Address: r.Visitor.Address},
		Content: r.Matter, GroupSize: r.GroupSize, Representatives: len(r.Representatives), Leader: r.ReceivedBy})
	if err != nil {
		return k, err
	}
	var act visits.Transition
	switch r.Outcome {
	case visits.OutcomeHanded:
		act = visits.ActAccept
	case visits.OutcomeRejected:
		act = visits.ActReject
	default:
		return k, nil
	}
	version := k.Version
	if err := k.Apply(act, e.Today, e.Today, e.Cal); err != nil {
		return k, err
	}
	return e.Tx.SaveCase(ctx, k, version, "transition", e.Actor)
}

func (s *Service) changeRegistration(ctx context.Context, c Call, id int64, in DeskAct, action string,
	change func(ctx context.Context, e Env, r *visits.Registration, session visits.Visit) error) (RegistrationView, error) {
	var out RegistrationView
	err := s.run(ctx, c, func(ctx context.Context, e Env) error {
		if err := in.clean(); err != nil {
			return err
		}
		r, err := e.Tx.Registration(ctx, id)
		if err != nil {
			return err
		}
		if in.Version != 0 && in.Version != r.Version {
			return fault.Conflicts("该来访登记已被他人修改，请刷新后重试", nil)
		}
		session, err := e.Tx.Visit(ctx, r.Session)
		if err != nil {
			return err
		}
		version := r.Version
		if err := change(ctx, e, &r, session); err != nil {
			return err
		}
		saved, err := e.Tx.SaveRegistration(ctx, r, version, action, e.Actor)
		if err != nil {
			return err
		}
		views, err := viewRegistrations(ctx, e.Tx, []visits.Registration{saved})
		if err == nil {
			out = views[0]
		}
		return err
	})
	return out, err
}

// Registration is one registration as staff see it (masked).
func (s *Service) Registration(ctx context.Context, c Call, id int64) (RegistrationView, error) {
	var out RegistrationView
	err := s.runLight(ctx, c, func(ctx context.Context, e Env) error {
		r, err := e.Tx.Registration(ctx, id)
		if err != nil {
			return err
		}
		views, err := viewRegistrations(ctx, e.Tx, []visits.Registration{r})
		if err == nil {
			out = views[0]
		}
		return err
	})
	return out, err
}

// RevealVisitor returns a registration's visitor in full (for an editor, or a
// printed 登记表); the audit log records that it was seen, never the values.
func (s *Service) RevealVisitor(ctx context.Context, c Call, id int64) (visits.Visitor, error) {
	var v visits.Visitor
	err := s.st.WithTx(ctx, func(tx *store.Store) error {
		r, err := tx.Registration(ctx, id)
		if err != nil {
			return err
		}
		v = r.Visitor
		return tx.Audit(ctx, c.Actor, "reveal", "desk_visit", strconv.FormatInt(id, 10), "", "visitor.id_number,visitor.phone")
	})
	return v, err
}

// DeskSession is one 开门接访 session with its queue.
type DeskSession struct {
	Visit         visits.Visit       `json:"session"`
	LeaderName    string             `json:"leader_name"`
	ShadowName    string             `json:"shadow_name,omitempty"`
	Registrations []RegistrationView `json:"registrations"`
	Waiting       int                `json:"waiting"`
	Receiving     int                `json:"receiving"`
	Done          int                `json:"done"`
	People        int                `json:"people"` // 人次
}

// DeskDay is the desk on one date: the sessions and their queues, and the
// day's bookings (预约接访), received first.
type DeskDay struct {
	Date     roster.Date   `json:"date"`
	Sessions []DeskSession `json:"sessions"`
	Bookings []DeskBooking `json:"bookings"`
}

// Desk returns date's 开门接访 sessions (cancelled ones only if they hold
// registrations) with every registration, masked.
func (s *Service) Desk(ctx context.Context, c Call, date roster.Date) (DeskDay, error) {
	out := DeskDay{Date: date, Sessions: []DeskSession{}, Bookings: []DeskBooking{}}
	err := s.runLight(ctx, c, func(ctx context.Context, e Env) error {
		if out.Date == 0 {
			out.Date = e.Today
		}
		var err error
		if out.Bookings, err = deskBookings(ctx, e.Tx, out.Date); err != nil {
			return err
		}
		sessions, err := e.Tx.Visits(ctx, store.VisitFilter{Kind: visits.KindOpen, From: out.Date, To: out.Date})
		if err != nil {
			return err
		}
		regs, err := e.Tx.Registrations(ctx, store.RegistrationFilter{From: out.Date, To: out.Date})
		if err != nil {
			return err
		}
		views, err := viewRegistrations(ctx, e.Tx, regs)
		if err != nil {
			return err
		}
		names, err := personNames(ctx, e.Tx)
		if err != nil {
			return err
		}
		for _, v := range sessions {
			ds := DeskSession{Visit: v, LeaderName: names[v.Leader], ShadowName: names[v.Shadow], Registrations: []RegistrationView{}}
			for _, r := range views {
				if r.Session != v.ID {
					continue
				}
				ds.Registrations = append(ds.Registrations, r)
				ds.People += r.GroupSize
				switch r.State {
				case visits.DeskWaiting:
					ds.Waiting++
				case visits.DeskReceiving:
					ds.Receiving++
				default:
					ds.Done++
				}
			}
			if v.State == visits.VisitCancelled && len(ds.Registrations) == 0 {
				continue
			}
			out.Sessions = append(out.Sessions, ds)
		}
		return nil
	})
	return out, err
}

// personNames maps every person's id to their name.
func personNames(ctx context.Context, tx *store.Store) (map[string]string, error) {
	people, err := tx.People(ctx)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(people))
	for _, p := range people {
		names[p.ID] = p.Name
	}
	return names, nil
}
