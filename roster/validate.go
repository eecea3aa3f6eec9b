package roster

import (
	"encoding/json"
	"fmt"
	"sort"
)

// Violation is an assignment that breaks a hard rule, with the reason in Chinese.
type Violation struct {
	Key    Key
	Person string
	Reason string
}

// MarshalJSON writes {"roster","date","role","person","reason"}.
func (v Violation) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Roster string `json:"roster"`
		Date   Date   `json:"date"`
		Role   string `json:"role"`
		Person string `json:"person"`
		Reason string `json:"reason"`
	}{v.Key.Roster, v.Key.Date, v.Key.Role, v.Person, v.Reason})
}

func (v Violation) String() string {
	return fmt.Sprintf("%s %s %s %s：%s", v.Key.Date, v.Key.Roster, v.Key.Role, v.Person, v.Reason)
}

var absenceLabel = map[AbsenceKind]string{Leave: "请假", Trip: "出差", Meeting: "开会"}

// Validate checks as against every hard rule of in: the slot exists on a duty
// day, the person is active and in the slot's pool, not absent, not in two
// slots the same day, not closer than the roster's min gap to another duty of
// that roster nor than in.CrossGapDays to a duty of another roster (History
// and Fixed included). Only assignments of as are reported; of two
// clashing duties the movable one (not pinned, not fixed, the later one) is
// blamed, so the scheduler knows which slot to refill.
func Validate(in Input, as []Assignment) []Violation {
	ridx := map[string]int{}
	for i, r := range in.Rosters {
		ridx[r.ID] = i
	}
	people := map[string]Person{}
	for _, ps := range in.People {
		people[ps.ID] = ps
	}
	pools := map[string]map[string]bool{}
	for _, pl := range in.Pools {
		m := map[string]bool{}
		for _, id := range pl.Members {
			m[id] = true
		}
		pools[pl.ID] = m
	}
	absences := map[string][]Absence{}
	for _, a := range in.Absences {
		absences[a.Person] = append(absences[a.Person], a)
	}

	type duty struct {
		a       Assignment
		checked bool // from as: violations are reported
		firm    bool // never moves: history, fixed or pinned
		order   int
	}
	var out []Violation
	report := func(d duty, reason string) {
		if d.checked {
			out = append(out, Violation{d.a.Key(), d.a.Person, reason})
		}
	}
	inAs := map[Key]bool{}
	var all []duty
	for i, a := range as {
		if inAs[a.Key()] {
			out = append(out, Violation{a.Key(), a.Person, "同一岗位重复排班"})
			continue
		}
		inAs[a.Key()] = true
		all = append(all, duty{a: a, checked: true, firm: a.Pinned, order: len(in.History) + len(in.Fixed) + i})
	}
	fixed := map[Key]bool{}
	for i, a := range in.Fixed {
		fixed[a.Key()] = true
		if !inAs[a.Key()] {
			all = append(all, duty{a: a, firm: true, order: len(in.History) + i})
		}
	}
	for i, a := range in.History {
		if !inAs[a.Key()] && !fixed[a.Key()] {
			all = append(all, duty{a: a, firm: true, order: i})
		}
	}
	for i := range all {
		if fixed[all[i].a.Key()] {
			all[i].firm = true
		}
	}

	for _, d := range all {
		if !d.checked {
			continue
		}
		a := d.a
		ri, ok := ridx[a.Roster]
		if !ok {
			report(d, fmt.Sprintf("值班表 %s 不存在", a.Roster))
			continue
		}
		def := in.Rosters[ri]
		var slot *Slot
		for i := range def.Slots {
			if def.Slots[i].Role == a.Role {
				slot = &def.Slots[i]
			}
		}
		switch ps, known := people[a.Person]; {
		case slot == nil:
			report(d, fmt.Sprintf("值班表 %s 没有岗位 %s", def.Name, a.Role))
		case !def.Days.IsDutyDay(a.Date, in.Calendar):
			report(d, fmt.Sprintf("%s 不是值班表 %s 的值班日", a.Date, def.Name))
		case !known:
			report(d, fmt.Sprintf("人员 %s 不存在", a.Person))
		case !ps.Active:
			report(d, fmt.Sprintf("%s 已不在岗", personName(ps)))
		case !pools[slot.Pool][a.Person]:
			report(d, fmt.Sprintf("%s 不在值班池 %s 中", personName(ps), slot.Pool))
		default:
			for _, ab := range absences[a.Person] {
				if ab.Covers(a.Date) {
					kind := absenceLabel[ab.Kind]
					if kind == "" {
						kind = "不在岗"
					}
					report(d, fmt.Sprintf("%s 当天%s（%s 至 %s）", personName(ps), kind, ab.From, ab.To))
					break
				}
			}
		}
	}

	// clashes between duties of one person, in date order
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].a.Person != all[j].a.Person {
			return all[i].a.Person < all[j].a.Person
		}
		if all[i].a.Date != all[j].a.Date {
			return all[i].a.Date < all[j].a.Date
		}
		if all[i].firm != all[j].firm {
			return all[i].firm
		}
		return all[i].order < all[j].order
	})
	// blame reports the movable one of two clashing duties, with a reason
	// that names the other one.
	blame := func(x, y duty, reason func(other Assignment) string) {
		if y.firm && !x.firm {
			report(x, reason(y.a))
		} else {
			report(y, reason(x.a))
		}
	}
	maxGap := max(in.CrossGapDays, 1)
	for _, r := range in.Rosters {
		maxGap = max(maxGap, r.MinGapDays)
	}
	for i := range all {
		x := all[i]
		for j := i + 1; j < len(all) && all[j].a.Person == x.a.Person; j++ {
			y := all[j]
			if y.a.Date == x.a.Date {
				blame(x, y, func(o Assignment) string {
					return fmt.Sprintf("%s 当天已在 %s 的 %s 岗位值班", nameOf(people, o.Person), o.Roster, o.Role)
				})
				continue
			}
			gap := int(y.a.Date - x.a.Date)
			if gap >= maxGap {
				break
			}
			if x.a.Roster != y.a.Roster {
				if gap < in.CrossGapDays {
					blame(x, y, func(o Assignment) string {
						return fmt.Sprintf("%s %s与%s分别在两个值班表值班，相隔少于跨值班表最少间隔 %d 天", nameOf(people, o.Person), monthDay(x.a.Date), monthDay(y.a.Date), in.CrossGapDays)
					})
				}
				continue
			}
			ri, ok := ridx[x.a.Roster]
			if !ok {
				continue
			}
			g := in.Rosters[ri].MinGapDays
			if gap >= g {
				continue
			}
			// Say the dates: "只隔 1 天" for consecutive days reads as one
			// day off between them.
			blame(x, y, func(o Assignment) string {
				how := "都值班"
				if gap == 1 {
					how = "连续值班"
				}
				return fmt.Sprintf("%s %s与%s%s，少于最少间隔 %d 天", nameOf(people, o.Person), monthDay(x.a.Date), monthDay(y.a.Date), how, g)
			})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Key, out[j].Key
		if a.Date != b.Date {
			return a.Date < b.Date
		}
		if a.Roster != b.Roster {
			return a.Roster < b.Roster
		}
		return a.Role < b.Role
	})
	return dedupViolations(out)
}

// dedupViolations keeps the first reason per slot.
func dedupViolations(vs []Violation) []Violation {
	seen := map[Key]bool{}
	out := vs[:0]
	for _, v := range vs {
		if !seen[v.Key] {
			seen[v.Key] = true
			out = append(out, v)
		}
	}
	return out
}

// nameOf names a person for a message, falling back to the id.
func nameOf(people map[string]Person, id string) string {
	if p, ok := people[id]; ok && p.Name != "" {
		return p.Name
	}
	return id
}

func personName(ps Person) string {
	if ps.Name != "" {
		return ps.Name
	}
	return ps.ID
}

// monthDay is d as 12月3日.
func monthDay(d Date) string { return fmt.Sprintf("%d月%d日", int(d.Month()), d.Day()) }
