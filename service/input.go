package service

import (
	"fmt"

	"zhiban/clean"
	"zhiban/fault"
	"zhiban/roster"
	"zhiban/visits"
)

// The checks here run first in each use case, so the JSON API and the staff
// forms refuse the same text, numbers and dates with the same field named:
// invalid UTF-8, control and bidi characters, over-long text, dates outside
// visits.CheckDate's window and over-long lists of ids.

// text is one text field of an input: its name, where it is, its limit.
type text struct {
	field  string
	value  *string
	max    int
	multi  bool // may hold line breaks
	narrow bool // codes and phones: fold full-width ASCII
}

// cleanTexts checks and trims every field in place, stopping at the first refusal.
func cleanTexts(fs ...text) error {
	for _, f := range fs {
		check := fault.Text
		if f.multi {
			check = fault.Multiline
		}
		v, err := check(f.field, *f.value, f.max)
		if err != nil {
			return err
		}
		if f.narrow {
			v = clean.Narrow(v)
		}
		*f.value = v
	}
	return nil
}

// cleanRefs bounds the case ids and codes one request names; a store query
// with thousands of ids would fail, so it is refused as too large.
func cleanRefs(ids []int64, codes []string) error {
	if n := len(ids) + len(codes); n > visits.MaxCaseRefs {
		return fault.Oversize("cases", fmt.Sprintf("一次最多关联 %d 件案件，现有 %d 件", visits.MaxCaseRefs, n))
	}
	for i := range codes {
		if err := cleanTexts(text{field: "cases", value: &codes[i], max: clean.Code, narrow: true}); err != nil {
			return err
		}
	}
	return nil
}

func (in *CaseInput) clean(today roster.Date) error {
	p := &in.Petitioner
	err := cleanTexts(
		text{field: "code", value: &in.Code, max: clean.Code, narrow: true},
		text{field: "title", value: &in.Title, max: clean.Title},
		text{field: "category", value: (*string)(&in.Category), max: clean.Code},
		text{field: "township", value: &in.Township, max: clean.Code},
		text{field: "channel", value: (*string)(&in.Channel), max: clean.Code},
		text{field: "petitioner.name", value: &p.Name, max: clean.Name},
		text{field: "petitioner.phone", value: &p.Phone, max: clean.Phone, narrow: true},
		text{field: "petitioner.address", value: &p.Address, max: clean.Line},
		text{field: "content", value: &in.Content, max: clean.Para, multi: true},
		text{field: "leader", value: &in.Leader, max: clean.Code},
		text{field: "unit", value: &in.Unit, max: clean.Name},
	)
	if err != nil {
		return err
	}
	return visits.CheckDate("received", in.Received, today)
}

func (in *CaseAct) clean(today roster.Date) error {
	err := cleanTexts(
		text{field: "action", value: (*string)(&in.Action), max: clean.Code},
		text{field: "duty", value: (*string)(&in.Duty), max: clean.Code},
		text{field: "note", value: &in.Note, max: clean.Para, multi: true},
		text{field: "reason", value: &in.Reason, max: clean.Line},
		text{field: "leader", value: &in.Leader, max: clean.Code},
	)
	if err != nil {
		return err
	}
	return visits.CheckDate("on", in.On, today)
}

func (in *VisitInput) clean(today roster.Date) error {
	err := cleanTexts(
		text{field: "kind", value: (*string)(&in.Kind), max: clean.Code},
		text{field: "leader", value: &in.Leader, max: clean.Code},
		text{field: "place", value: &in.Place, max: clean.Line},
		text{field: "township", value: &in.Township, max: clean.Code},
	)
	if err != nil {
		return err
	}
	if err := cleanRefs(in.Cases, in.CaseCodes); err != nil {
		return err
	}
	return visits.CheckDate("date", in.Date, today)
}

func (in *VisitAct) clean(today roster.Date) error {
	err := cleanTexts(
		text{field: "reason", value: &in.Reason, max: clean.Line},
		text{field: "state", value: (*string)(&in.State), max: clean.Code},
		text{field: "notes", value: &in.Notes, max: clean.Para, multi: true},
		text{field: "satisfaction", value: (*string)(&in.Satisfaction), max: clean.Code},
	)
	if err != nil {
		return err
	}
	if err := cleanRefs(in.Cases, in.CaseCodes); err != nil {
		return err
	}
	return visits.CheckDate("date", in.Date, today)
}

// cleanReport checks a sweep report's township and each finding's text.
func cleanReport(township *string, r *visits.Report) error {
	if err := cleanTexts(text{field: "township", value: township, max: clean.Code}); err != nil {
		return err
	}
	if len(r.Findings) > visits.MaxFindings {
		return fault.Oversize("findings", fmt.Sprintf("一次最多报送 %d 条排查发现", visits.MaxFindings))
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		at := fmt.Sprintf("findings[%d].", i)
		err := cleanTexts(
			text{field: at + "summary", value: &f.Summary, max: clean.Line},
			text{field: at + "category", value: (*string)(&f.Category), max: clean.Code},
			text{field: at + "village", value: &f.Village, max: clean.Name},
			text{field: at + "risk", value: (*string)(&f.Risk), max: clean.Code},
		)
		if err != nil {
			return err
		}
	}
	return nil
}
